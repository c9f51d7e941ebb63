/*
 * ln [-sfnbtv] [-S SUF] TARGET... LINK|DIR: hard or (-s) symbolic links. With
 * a directory as the last argument (not followed with -n when it is a
 * symlink) the links go into it, named after the targets.
 */
#include "../libbb.h"

int ln_main(int argc, char **argv) {
  char *suffix = 0;
  unsigned opt = getopt32(argv, "sfnbS:vT", &suffix);
  enum { S = 1, F = 2, N = 4, B = 8, SUF = 16, V = 32, T = 64 };
  if (opt & SUF) opt |= B;
  if (!suffix) suffix = "~";
  argv += optind;
  int n = argc_of(argv);
  if (n < 1) bb_show_usage();
  const char *last = argv[n - 1];
  int into_dir;
  const char *dir = 0;
  if (n == 1) {
    dir = ".";
    into_dir = 1;
  } else {
    struct stat st;
    int is_dir = ((opt & N) ? lstat(last, &st) : stat(last, &st)) == 0 && S_ISDIR(st.st_mode);
    if (opt & T) is_dir = 0;
    into_dir = is_dir;
    if (into_dir) dir = last;
    n--;
  }
  int status = 0;
  for (int i = 0; i < n; i++) {
    const char *target = argv[i];
    char *link_name;
    if (into_dir) {
      char *base = bb_basename_dup(target);
      link_name = concat_path_file(dir, base);
      free(base);
    } else {
      link_name = xstrdup(last);
    }
    if (!(opt & S)) {
      struct stat st;
      if (stat(target, &st) < 0 && lstat(target, &st) < 0) {
        bb_perror_msg("%s", target);
        status = 1;
        free(link_name);
        continue;
      }
    }
    struct stat ls;
    if (lstat(link_name, &ls) == 0) {
      if (opt & B) {
        char *backup = xasprintf("%s%s", link_name, suffix);
        if (rename(link_name, backup) < 0) {
          bb_perror_msg("%s", link_name);
          status = 1;
          free(backup);
          free(link_name);
          continue;
        }
        free(backup);
      } else if (opt & F) {
        unlink(link_name);
      }
    }
    int r = (opt & S) ? symlink(target, link_name) : link(target, link_name);
    if (r < 0) {
      bb_perror_msg("%s", link_name);
      status = 1;
    } else if (opt & V) {
      printf("'%s' -> '%s'\n", link_name, target);
    }
    free(link_name);
  }
  if (fflush_all()) return 1;
  return status;
}
