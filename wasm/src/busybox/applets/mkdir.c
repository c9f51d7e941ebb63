/* mkdir [-m MODE] [-pv] DIRECTORY...; rmdir [-pv] DIRECTORY... */
#include "../libbb.h"

int mkdir_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"mode", 1, 'm'}, {"parents", 0, 'p'}, {"verbose", 0, 'v'}, {0, 0, 0}};
  char *mode_str = 0;
  unsigned opt = getopt32long(argv, "m:pv", longopts, &mode_str);
  argv += optind;
  if (!argv[0]) bb_show_usage();
  long mode = -1;
  if (mode_str) {
    mode_t m = 0777;
    if (bb_parse_mode(mode_str, &m) < 0) bb_error_msg_and_die("invalid mode '%s'", mode_str);
    mode = m;
  }
  int flags = ((opt & 2) ? FILEUTILS_RECUR : 0) | ((opt & 4) ? FILEUTILS_VERBOSE : 0);
  int status = 0;
  for (; *argv; argv++) {
    if (bb_make_directory(*argv, mode, flags) < 0) status = 1;
  }
  if (fflush_all()) return 1;
  return status;
}

int rmdir_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"parents", 0, 'p'}, {"verbose", 0, 'v'}, {"ignore-fail-on-non-empty", 0, 0x80}, {0, 0, 0}};
  unsigned opt = getopt32long(argv, "pv\x80", longopts);
  argv += optind;
  if (!argv[0]) bb_show_usage();
  int status = 0;
  for (; *argv; argv++) {
    char *path = xstrdup(*argv);
    for (;;) {
      if (opt & 2) printf("rmdir: removing directory, '%s'\n", path);
      if (rmdir(path) < 0) {
        if (!((opt & 4) && (errno == ENOTEMPTY || errno == EEXIST))) {
          bb_perror_msg("'%s'", path);
          status = 1;
        }
        break;
      }
      if (!(opt & 1)) break;
      /* -p: then the parents, up to the first component. */
      size_t n = strlen(path);
      while (n > 0 && path[n - 1] == '/') n--;
      while (n > 0 && path[n - 1] != '/') n--;
      while (n > 0 && path[n - 1] == '/') n--;
      if (n == 0) break;
      path[n] = 0;
    }
    free(path);
  }
  if (fflush_all()) return 1;
  return status;
}
