/*
 * id [-ugGnr] [USER], whoami, groups [USER]: user and group identities from
 * the kernel (getuid & co.) and names from /etc/passwd and /etc/group.
 */
#include <grp.h>
#include <pwd.h>
#include "../libbb.h"

/* "ID(NAME)", or "ID" when there is no name. */
static void print_id(const char *label, unsigned id, const char *name) {
  printf("%s%u", label, id);
  if (name) printf("(%s)", name);
}

static const char *user_or_null(uid_t uid) {
  struct passwd *pw = getpwuid(uid);
  return pw ? pw->pw_name : 0;
}

static const char *group_or_null(gid_t gid) {
  struct group *gr = getgrgid(gid);
  return gr ? gr->gr_name : 0;
}

/* The groups of the current process or of `user`; returns the count (*list malloc'd). */
static int group_list(const char *user, gid_t gid, gid_t **list) {
  if (user) {
    int n = 64;
    *list = xmalloc(sizeof(gid_t) * (size_t)n);
    if (getgrouplist(user, gid, *list, &n) < 0) {
      *list = xrealloc(*list, sizeof(gid_t) * (size_t)n);
      getgrouplist(user, gid, *list, &n);
    }
    return n;
  }
  int n = getgroups(0, 0);
  if (n < 0) n = 0;
  *list = xmalloc(sizeof(gid_t) * (size_t)(n + 1));
  return getgroups(n, *list) < 0 ? 0 : n;
}

/*
 * A name for -n, or the number with "unknown ID N" on stderr (BusyBox: the
 * output goes on, the exit status becomes 1).
 */
static int print_name(unsigned id, const char *name) {
  if (name) {
    fputs(name, stdout);
    return 0;
  }
  printf("%u", id);
  fflush_all();
  bb_error_msg("unknown ID %u", id);
  return 1;
}

int id_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "ugGnrZ");
  enum { U = 1, G = 2, GG = 4, N = 8, R = 16 };
  argv += optind;
  const char *user = argv[0];
  uid_t uid, euid;
  gid_t gid, egid;
  if (user) {
    struct passwd *pw = getpwnam(user);
    if (!pw) bb_error_msg_and_die("unknown user %s", user);
    user = xstrdup(pw->pw_name);
    uid = euid = pw->pw_uid;
    gid = egid = pw->pw_gid;
  } else {
    uid = getuid();
    euid = geteuid();
    gid = getgid();
    egid = getegid();
  }
  if ((opt & (U | G | GG)) && (opt & (U | G | GG)) != U && (opt & (U | G | GG)) != G && (opt & (U | G | GG)) != GG) {
    bb_error_msg_and_die("only one of -u, -g, -G is allowed");
  }
  int status = 0;
  if (opt & (U | G)) {
    unsigned id = (opt & U) ? ((opt & R) ? uid : euid) : ((opt & R) ? gid : egid);
    if (opt & N) status |= print_name(id, (opt & U) ? user_or_null(id) : group_or_null(id));
    else printf("%u", id);
    putchar('\n');
    return fflush_all() | status;
  }
  gid_t *groups;
  int n = group_list(user, gid, &groups);
  if (opt & GG) {
    /* As BusyBox: the effective gid first, then the other groups (the kernel's order, sorted by gid). */
    if (opt & N) status |= print_name(egid, group_or_null(egid));
    else printf("%u", egid);
    for (int i = 0; i < n; i++) {
      if (groups[i] == egid) continue;
      putchar(' ');
      if (opt & N) status |= print_name(groups[i], group_or_null(groups[i]));
      else printf("%u", groups[i]);
    }
    putchar('\n');
    return fflush_all() | status;
  }
  /* The default form: the kernel's supplementary groups as they are (none: no "groups="). */
  print_id("uid=", uid, user_or_null(uid));
  print_id(" gid=", gid, group_or_null(gid));
  if (euid != uid) print_id(" euid=", euid, user_or_null(euid));
  if (egid != gid) print_id(" egid=", egid, group_or_null(egid));
  for (int i = 0; i < n; i++) print_id(i ? "," : " groups=", groups[i], group_or_null(groups[i]));
  putchar('\n');
  return fflush_all();
}

int whoami_main(int argc, char **argv) {
  if (argc > 1) bb_show_usage();
  uid_t uid = geteuid();
  const char *name = user_or_null(uid);
  if (!name) bb_error_msg_and_die("unknown uid %u", (unsigned)uid);
  puts(name);
  return fflush_all();
}

int groups_main(int argc, char **argv) {
  char *args[] = {"id", "-Gn", argc > 1 ? argv[1] : 0, 0};
  optind = 1;
  return id_main(argc > 1 ? 3 : 2, args);
}
