/*
 * chmod [-Rcvf] MODE[,MODE]... FILE...: octal or symbolic modes ("u+x,go-w").
 * chown [-RhLHPcvf] USER[:[GROUP]] FILE...; chgrp [-RhLHPcvf] GROUP FILE...
 * -R does not follow symlinks inside the tree.
 */
#include <grp.h>
#include <pwd.h>
#include "../libbb.h"

struct chmod_args {
  const char *mode;
  unsigned opt;
};

enum { CH_R = 1, CH_c = 2, CH_v = 4, CH_f = 8 };

static int chmod_one(const char *path, struct stat *st, void *user, int depth) {
  struct chmod_args *a = user;
  if (S_ISLNK(st->st_mode)) return 1; /* not followed inside a tree */
  mode_t mode = st->st_mode;
  if (bb_parse_mode(a->mode, &mode) < 0) bb_error_msg_and_die("invalid mode '%s'", a->mode);
  if (chmod(path, mode) < 0) {
    if (!(a->opt & CH_f)) bb_perror_msg("%s", path);
    return 0;
  }
  int changed = (mode & 07777) != (st->st_mode & 07777);
  if ((a->opt & CH_v) || ((a->opt & CH_c) && changed)) {
    printf("mode of '%s' %s %04o (%s)\n", path, changed ? "changed to" : "retained as", mode & 07777,
           bb_mode_string(mode) + 1);
  }
  return 1;
}

int chmod_main(int argc, char **argv) {
  /* A mode like "-w" looks like an option: take it out before parsing. */
  char *mode = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) break;
    if (a[0] == '-' && a[1] && strspn(a + 1, "rwxXst,ugoa+-=") == strlen(a + 1) && strchr("rwxXst", a[1])) {
      mode = argv[i];
      memmove(argv + i, argv + i + 1, sizeof(char *) * (size_t)(argc - i));
      argc--;
      break;
    }
  }
  unsigned opt = getopt32(argv, "Rcvf");
  argv += optind;
  if (!mode) {
    if (!argv[0]) bb_show_usage();
    mode = *argv++;
  }
  if (!argv[0]) bb_show_usage();
  struct chmod_args a = {mode, opt};
  int status = 0;
  for (; *argv; argv++) {
    struct stat st;
    if (stat(*argv, &st) < 0) {
      if (!(opt & CH_f)) bb_perror_msg("%s", *argv);
      status = 1;
      continue;
    }
    if (!chmod_one(*argv, &st, &a, 0)) {
      status = 1;
      continue;
    }
    if ((opt & CH_R) && S_ISDIR(st.st_mode)) {
      DIR *d = opendir(*argv);
      if (!d) {
        bb_perror_msg("%s", *argv);
        status = 1;
        continue;
      }
      closedir(d);
      /* The directory itself was done above: walk its contents. */
      struct dirent *e;
      d = opendir(*argv);
      while ((e = readdir(d))) {
        if (is_dot_or_dotdot(e->d_name)) continue;
        char *child = concat_path_file(*argv, e->d_name);
        if (!recursive_action(child, ACTION_RECURSE, chmod_one, chmod_one, &a, 1)) status = 1;
        free(child);
      }
      closedir(d);
    }
  }
  if (fflush_all()) return 1;
  return status;
}

struct chown_args {
  long uid, gid;
  unsigned opt;
  const char *spec;
};

enum { CO_R = 1, CO_h = 2, CO_L = 4, CO_H = 8, CO_P = 16, CO_c = 32, CO_v = 64, CO_f = 128 };

static int chown_one(const char *path, struct stat *st, void *user, int depth) {
  struct chown_args *a = user;
  uid_t uid = a->uid == -1 ? st->st_uid : (uid_t)a->uid;
  gid_t gid = a->gid == -1 ? st->st_gid : (gid_t)a->gid;
  int nofollow = depth > 0 ? !(a->opt & CO_L) : (a->opt & CO_h) != 0;
  if (depth > 0 && (a->opt & CO_R) && !(a->opt & CO_L)) nofollow = 1;
  int r = nofollow ? lchown(path, uid, gid) : chown(path, uid, gid);
  if (r < 0) {
    if (!(a->opt & CO_f)) bb_perror_msg("%s", path);
    return 0;
  }
  int changed = uid != st->st_uid || gid != st->st_gid;
  if ((a->opt & CO_v) || ((a->opt & CO_c) && changed)) {
    printf("changed ownership of '%s' to %s\n", path, a->spec);
  }
  return 1;
}

static int chown_common(int argc, char **argv, int group_only) {
  unsigned opt = getopt32(argv, "RhLHPcvf");
  argv += optind;
  if (!argv[0] || !argv[1]) bb_show_usage();
  struct chown_args a = {-1, -1, opt, argv[0]};
  char *spec = xstrdup(*argv++);
  char *group = 0;
  if (group_only) {
    group = spec;
  } else {
    group = strchr(spec, ':');
    if (!group) group = strchr(spec, '.');
    if (group) *group++ = 0;
    if (*spec) {
      a.uid = xname2uid(spec);
      if (a.uid < 0) bb_error_msg_and_die("unknown user %s", spec);
      /* "user:" means the user's login group. */
      if (group && !*group) {
        struct passwd *pw = getpwnam(spec);
        if (pw) a.gid = pw->pw_gid;
        group = 0;
      }
    }
  }
  if (group && *group) {
    a.gid = xname2gid(group);
    if (a.gid < 0) bb_error_msg_and_die("unknown group %s", group);
  }
  int status = 0;
  unsigned flags = (opt & CO_R) ? ACTION_RECURSE : 0;
  if (opt & CO_L) flags |= ACTION_FOLLOWLINKS;
  if (opt & CO_H) flags |= ACTION_FOLLOWLINKS_L0;
  if (!(opt & CO_h)) flags |= ACTION_FOLLOWLINKS_L0;
  for (; *argv; argv++) {
    struct stat st;
    if (((opt & CO_h) ? lstat(*argv, &st) : stat(*argv, &st)) < 0) {
      if (!(opt & CO_f)) bb_perror_msg("%s", *argv);
      status = 1;
      continue;
    }
    if (!recursive_action(*argv, flags, chown_one, chown_one, &a, 0)) status = 1;
  }
  if (fflush_all()) return 1;
  return status;
}

int chown_main(int argc, char **argv) { return chown_common(argc, argv, 0); }
int chgrp_main(int argc, char **argv) { return chown_common(argc, argv, 1); }
