/*
 * cmp [-ls] [-n NUM] FILE1 [FILE2 [SKIP1 [SKIP2]]]: compares two files byte
 * by byte. Exit 0 equal, 1 different, 2 trouble.
 */
#include "../libbb.h"

int cmp_main(int argc, char **argv) {
  char *limit_s = 0;
  unsigned opt = getopt32(argv, "lsn:", &limit_s);
  enum { L = 1, S = 2 };
  xfunc_error_retval = 2;
  argv += optind;
  int n = argc_of(argv);
  if (n < 1 || n > 4) bb_show_usage();
  const char *name1 = argv[0], *name2 = n > 1 ? argv[1] : "-";
  unsigned long long skip1 = n > 2 ? xatoull_sfx(argv[2], kmg_suffixes) : 0;
  unsigned long long skip2 = n > 3 ? xatoull_sfx(argv[3], kmg_suffixes) : 0;
  unsigned long long limit = limit_s ? xatoull_sfx(limit_s, kmg_suffixes) : ULLONG_MAX;
  FILE *f1 = strcmp(name1, "-") == 0 ? stdin : fopen(name1, "r");
  if (!f1) bb_perror_msg_and_die("%s", name1);
  FILE *f2 = strcmp(name2, "-") == 0 ? stdin : fopen(name2, "r");
  if (!f2) bb_perror_msg_and_die("%s", name2);
  bb_big_buffer(f1);
  if (f2 != f1) bb_big_buffer(f2);
  while (skip1-- > 0 && getc(f1) != EOF) {
  }
  while (skip2-- > 0 && getc(f2) != EOF) {
  }
  unsigned long long pos = 0, line = 1;
  int status = 0;
  while (pos < limit) {
    int c1 = getc(f1), c2 = getc(f2);
    pos++;
    if (c1 == EOF || c2 == EOF) {
      if (c1 == c2) break;
      if (!(opt & S)) {
        fflush_all();
        bb_error_msg("EOF on %s", c1 == EOF ? name1 : name2);
      }
      status = 1;
      break;
    }
    if (c1 != c2) {
      status = 1;
      if (opt & L) {
        printf("%llu %o %o\n", pos, c1, c2);
        continue;
      }
      if (!(opt & S)) printf("%s %s differ: char %llu, line %llu\n", name1, name2, pos, line);
      break;
    }
    if (c1 == '\n') line++;
  }
  if (fflush_all()) return 2;
  return status;
}
