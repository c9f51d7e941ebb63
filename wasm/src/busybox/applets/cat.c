/*
 * cat [-nbvteA] [FILE...]: concatenates files ("-" is stdin). Without
 * options the data is copied with large reads and writes; -n/-b number
 * lines, -v shows non-printing characters (^X, M-X), -e adds '$' at line
 * ends, -t shows tabs as ^I, -A is -vte.
 */
#include "../libbb.h"

enum { OPT_n = 1, OPT_b = 2, OPT_v = 4, OPT_t = 8, OPT_e = 16, OPT_A = 32, OPT_u = 64 };

static unsigned long line_no;
static int at_line_start = 1;

static void cat_decorated(FILE *in, unsigned opt) {
  int c;
  while ((c = getc(in)) != EOF) {
    if (at_line_start && (opt & (OPT_n | OPT_b)) && !((opt & OPT_b) && c == '\n')) {
      printf("%6lu\t", ++line_no);
    }
    at_line_start = c == '\n';
    if (c == '\n') {
      if (opt & OPT_e) putchar('$');
      putchar('\n');
      continue;
    }
    if (c == '\t' && !(opt & OPT_t)) {
      putchar('\t');
      continue;
    }
    if (opt & OPT_v) {
      if (c >= 128) {
        fputs("M-", stdout);
        c -= 128;
      }
      if (c < 32 || c == 127) {
        putchar('^');
        c = c == 127 ? '?' : c + '@';
      }
    } else if (c == '\t' && (opt & OPT_t)) {
      fputs("^I", stdout);
      continue;
    }
    putchar(c);
  }
  /* Numbered output is line by line: the last line of each file gets its newline. */
  if ((opt & (OPT_n | OPT_b)) && !at_line_start) {
    putchar('\n');
    at_line_start = 1;
  }
}

int cat_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "nbvteAu");
  if (opt & OPT_A) opt |= OPT_v | OPT_t | OPT_e;
  if (opt & (OPT_t | OPT_e)) opt |= OPT_v;
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int status = 0;
  for (; *argv; argv++) {
    if (opt & ~(unsigned)OPT_u) {
      FILE *f = fopen_or_warn_stdin(*argv);
      if (!f) {
        status = 1;
        continue;
      }
      cat_decorated(f, opt);
      if (ferror(f)) {
        bb_perror_msg("read error");
        status = 1;
      }
      fclose_if_not_stdin(f);
      continue;
    }
    int fd = open_or_warn_stdin(*argv);
    if (fd < 0) {
      status = 1;
      continue;
    }
    fflush(stdout);
    if (bb_copyfd_size(fd, 1, -1) < 0) status = 1;
    if (fd) close(fd);
  }
  if (fflush_all()) return 1;
  return status;
}
