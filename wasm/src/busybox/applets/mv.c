/*
 * mv [-finvT] SOURCE... DEST: renames; across filesystems (EXDEV) it copies
 * with attributes and removes the source.
 */
#include "../libbb.h"

static int move(const char *src, const char *dest, unsigned opt) {
  enum { F = 1, I = 2, N = 4, V = 8 };
  struct stat dst;
  if (lstat(dest, &dst) == 0) {
    if (opt & N) return 0;
    if ((opt & I) || (!(opt & F) && access(dest, W_OK) < 0 && isatty(0))) {
      fprintf(stderr, "mv: overwrite '%s'? ", dest);
      if (!bb_ask_y_confirmation()) return 0;
    }
  }
  if (rename(src, dest) == 0) {
    if (opt & V) printf("'%s' -> '%s'\n", src, dest);
    return 0;
  }
  if (errno != EXDEV) {
    bb_perror_msg("can't rename '%s'", src);
    return -1;
  }
  struct stat s;
  if (lstat(src, &s) < 0) {
    bb_perror_msg("can't stat '%s'", src);
    return -1;
  }
  if (lstat(dest, &dst) == 0) {
    if (S_ISDIR(dst.st_mode) != S_ISDIR(s.st_mode)) {
      bb_error_msg(S_ISDIR(s.st_mode) ? "can't overwrite non-directory with directory" : "can't overwrite directory with non-directory");
      return -1;
    }
    if (remove_file(dest, FILEUTILS_RECUR | FILEUTILS_FORCE) < 0) return -1;
  }
  if (copy_file(src, dest, FILEUTILS_RECUR | FILEUTILS_PRESERVE_STATUS) < 0) return -1;
  if (remove_file(src, FILEUTILS_RECUR | FILEUTILS_FORCE) < 0) return -1;
  if (opt & V) printf("'%s' -> '%s'\n", src, dest);
  return 0;
}

int mv_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"force", 0, 'f'},           {"interactive", 0, 'i'},
                                        {"no-clobber", 0, 'n'},      {"verbose", 0, 'v'},
                                        {"no-target-directory", 0, 'T'}, {"target-directory", 1, 't'},
                                        {0, 0, 0}};
  char *target_dir = 0;
  unsigned opt = getopt32long(argv, "finvTt:", longopts, &target_dir);
  /* -f/-i/-n: the last one wins. */
  int last = 0, which = 0;
  for (int k = 0; k < 3; k++) {
    if (getopt32_seq[k] > last) {
      last = getopt32_seq[k];
      which = 1 << k;
    }
  }
  opt = (opt & ~7u) | (unsigned)which;
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
  int dest_is_dir = stat(dest, &st) == 0 && S_ISDIR(st.st_mode) && !(opt & 16);
  if (n == 1 && !dest_is_dir && !target_dir) {
    int r = move(argv[0], dest, opt);
    if (fflush_all()) return 1;
    return r < 0;
  }
  int status = 0;
  for (int i = 0; i < n; i++) {
    char *base = bb_basename_dup(argv[i]);
    char *to = concat_path_file(dest, base);
    if (move(argv[i], to, opt) < 0) status = 1;
    free(to);
    free(base);
  }
  if (fflush_all()) return 1;
  return status;
}
