/*
 * wc [-cmlwL] [FILE...]: lines, words, characters, bytes and the longest
 * line, with BusyBox's rules: a word starts at a printable ASCII character
 * after whitespace; -m counts bytes that are not UTF-8 continuation bytes;
 * -L counts printable ASCII and expands tabs. One count is printed without
 * padding; several as "%9u" columns.
 */
#include "../libbb.h"

enum { WC_LINES, WC_WORDS, WC_CHARS, WC_BYTES, WC_LENGTH, NCOUNTS };

static int print_type;
static int one_count;

static void print_counts(const unsigned long long *c, const char *name) {
  static const int order[] = {WC_LINES, WC_WORDS, WC_CHARS, WC_BYTES, WC_LENGTH};
  const char *sep = "";
  for (int i = 0; i < NCOUNTS; i++) {
    int k = order[i];
    if (!(print_type & (1 << k))) continue;
    printf(one_count ? "%s%llu" : "%s%9llu", sep, c[k]);
    sep = " ";
  }
  if (name) printf(" %s", name);
  putchar('\n');
}

int wc_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "cmlwL");
  argv += optind;
  /* bits: c m l w L -> map to our indices */
  print_type = 0;
  if (opt & 1) print_type |= 1 << WC_BYTES;
  if (opt & 2) print_type |= 1 << WC_CHARS;
  if (opt & 4) print_type |= 1 << WC_LINES;
  if (opt & 8) print_type |= 1 << WC_WORDS;
  if (opt & 16) print_type |= 1 << WC_LENGTH;
  if (!print_type) print_type = (1 << WC_LINES) | (1 << WC_WORDS) | (1 << WC_BYTES);
  char *stdin_only[] = {"-", 0};
  int named = argv[0] != 0;
  /* One count of one file is printed without padding. */
  one_count = !(print_type & (print_type - 1)) && (!argv[0] || !argv[1]);
  if (!named) argv = stdin_only;
  unsigned long long total[NCOUNTS] = {0};
  int nfiles = 0, status = 0;
  static unsigned char buf[65536];
  for (; *argv; argv++) {
    nfiles++;
    unsigned long long c[NCOUNTS] = {0};
    int fd = fd_or_warn_stdin(*argv);
    if (fd < 0) {
      status = 1;
      continue;
    }
    int in_word = 0;
    unsigned long long linepos = 0;
    ssize_t n;
    while ((n = safe_read(fd, buf, sizeof buf)) > 0) {
      c[WC_BYTES] += (unsigned long long)n;
      for (ssize_t i = 0; i < n; i++) {
        unsigned ch = buf[i];
        if ((ch & 0xc0) != 0x80) c[WC_CHARS]++;
        if (ch == '\n') {
          c[WC_LINES]++;
          if (linepos > c[WC_LENGTH]) c[WC_LENGTH] = linepos;
          linepos = 0;
        } else if (ch == '\t') {
          linepos = (linepos | 7) + 1;
        } else if (ch >= 0x20 && ch < 0x7f) {
          linepos++;
        }
        if (ch == ' ' || (ch >= '\t' && ch <= '\r')) {
          in_word = 0;
        } else if (ch > 0x20 && ch < 0x7f && !in_word) {
          in_word = 1;
          c[WC_WORDS]++;
        }
      }
    }
    if (linepos > c[WC_LENGTH]) c[WC_LENGTH] = linepos;
    if (n < 0) {
      bb_perror_msg("%s", *argv);
      status = 1;
    }
    if (fd) close(fd);
    print_counts(c, named ? *argv : 0);
    for (int k = 0; k < NCOUNTS; k++) {
      if (k == WC_LENGTH) {
        if (c[k] > total[k]) total[k] = c[k];
      } else {
        total[k] += c[k];
      }
    }
  }
  if (nfiles > 1) print_counts(total, "total");
  if (fflush_all()) return 1;
  return status;
}
