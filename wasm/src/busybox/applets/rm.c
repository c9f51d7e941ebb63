/* rm [-irfv] FILE...: removes files (-r: directories too). "." and ".." are refused. */
#include "../libbb.h"

int rm_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"force", 0, 'f'}, {"interactive", 0, 'i'}, {"recursive", 0, 'r'}, {"verbose", 0, 'v'}, {0, 0, 0}};
  unsigned opt = getopt32long(argv, "fiRrv", longopts);
  int flags = 0;
  if (opt & 1) flags |= FILEUTILS_FORCE;
  if (opt & 2) flags |= FILEUTILS_INTERACTIVE;
  if (opt & 12) flags |= FILEUTILS_RECUR;
  if (opt & 16) flags |= FILEUTILS_VERBOSE;
  /* -f and -i: the last one wins. */
  if ((opt & 3) == 3) {
    if (getopt32_seq[0] > getopt32_seq[1]) flags &= ~FILEUTILS_INTERACTIVE;
    else flags &= ~FILEUTILS_FORCE;
  }
  argv += optind;
  if (!argv[0]) {
    if (flags & FILEUTILS_FORCE) return 0;
    bb_show_usage();
  }
  int status = 0;
  for (; *argv; argv++) {
    const char *base = bb_get_last_path_component_nostrip(*argv);
    char *stripped = bb_basename_dup(*argv);
    if (is_dot_or_dotdot(stripped) || is_dot_or_dotdot(base)) {
      bb_error_msg("can't remove '.' or '..'");
      status = 1;
      free(stripped);
      continue;
    }
    free(stripped);
    if (remove_file(*argv, flags) < 0) status = 1;
  }
  if (fflush_all()) return 1;
  return status;
}
