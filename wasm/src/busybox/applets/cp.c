/*
 * cp [-arPLHpfinlsTuv] [-t DIR] SOURCE... DEST: copies files (-r: trees).
 * Without -r symlinks are followed; with -r they are copied as symlinks
 * (-L follows them all, -H only those named). -p keeps mode, owner and times.
 */
#include "../libbb.h"

int cp_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"archive", 0, 'a'},   {"force", 0, 'f'},           {"interactive", 0, 'i'},
                                        {"no-clobber", 0, 'n'}, {"link", 0, 'l'},            {"dereference", 0, 'L'},
                                        {"no-dereference", 0, 'P'}, {"recursive", 0, 'R'},   {"symbolic-link", 0, 's'},
                                        {"no-target-directory", 0, 'T'}, {"target-directory", 1, 't'},
                                        {"update", 0, 'u'},    {"verbose", 0, 'v'},         {"parents", 0, 0x80},
                                        {"preserve", 2, 0x81}, {0, 0, 0}};
  char *target_dir = 0;
  /* bits: a0 R1 r2 d3 P4 L5 H6 p7 f8 i9 n10 l11 s12 T13 t14 u15 v16 */
  unsigned opt = getopt32long(argv, "aRrdPLHpfinlsTt:uv\x80\x81", longopts, &target_dir);
  int flags = 0;
  if (opt & 1) opt |= (1u << 1) | (1u << 3) | (1u << 7);
  if (opt & ((1u << 1) | (1u << 2))) flags |= FILEUTILS_RECUR;
  if (opt & (1u << 7)) flags |= FILEUTILS_PRESERVE_STATUS;
  if (opt & (1u << 18)) flags |= FILEUTILS_PRESERVE_STATUS;
  if (opt & (1u << 8)) flags |= FILEUTILS_FORCE;
  if (opt & (1u << 9)) flags |= FILEUTILS_INTERACTIVE;
  if (opt & (1u << 10)) flags |= FILEUTILS_NO_CLOBBER;
  if (opt & (1u << 11)) flags |= FILEUTILS_MAKE_HARDLINK;
  if (opt & (1u << 12)) flags |= FILEUTILS_MAKE_SOFTLINK;
  if (opt & (1u << 15)) flags |= FILEUTILS_UPDATE;
  if (opt & (1u << 16)) flags |= FILEUTILS_VERBOSE;
  /* Symlinks: followed unless recursing (or -d/-P); -L always, -H on the command line. */
  if (opt & (1u << 5)) flags |= FILEUTILS_DEREFERENCE;
  else if (opt & (1u << 6)) flags |= FILEUTILS_DEREFERENCE_L0;
  else if (!(flags & FILEUTILS_RECUR) && !(opt & ((1u << 3) | (1u << 4)))) flags |= FILEUTILS_DEREFERENCE;
  argv += optind;
  int n = argc_of(argv);
  const char *dest;
  if (target_dir) {
    dest = target_dir;
    if (n < 1) bb_show_usage();
  } else {
    if (n < 2) bb_show_usage();
    dest = argv[--n];
  }
  struct stat st;
  int dest_is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
  if (opt & (1u << 13)) {
    if (n > 1) bb_show_usage();
    dest_is_dir = 0;
  }
  if (n == 1 && !dest_is_dir && !target_dir) {
    int r = copy_file(argv[0], dest, flags);
    if (fflush_all()) return 1;
    return r < 0;
  }
  int status = 0;
  for (int i = 0; i < n; i++) {
    char *base = bb_basename_dup(argv[i]);
    char *to = concat_path_file(dest, base);
    if (copy_file(argv[i], to, flags) < 0) status = 1;
    free(to);
    free(base);
  }
  if (fflush_all()) return 1;
  return status;
}
