/*
 * uniq [-cduiz] [-f N] [-s N] [-w N] [FILE [OUTFILE]]: drops repeated
 * adjacent lines (-c counts, -d only repeated, -u only unique; -f skips
 * fields, -s skips characters, -w compares at most N characters).
 */
#include <ctype.h>
#include "../libbb.h"

static const char *skip(const char *s, unsigned fields, unsigned chars) {
  while (fields--) {
    while (*s == ' ' || *s == '\t') s++;
    while (*s && *s != ' ' && *s != '\t') s++;
  }
  while (chars-- && *s) s++;
  return s;
}

int uniq_main(int argc, char **argv) {
  char *f_str = 0, *s_str = 0, *w_str = 0;
  unsigned opt = getopt32(argv, "cduizf:s:w:", &f_str, &s_str, &w_str);
  enum { C = 1, D = 2, U = 4, I = 8, Z = 16 };
  unsigned fields = f_str ? xatou(f_str) : 0, chars = s_str ? xatou(s_str) : 0;
  size_t width = w_str ? xatou(w_str) : (size_t)-1;
  argv += optind;
  FILE *in = stdin;
  if (argv[0]) {
    if (strcmp(argv[0], "-") != 0) in = xfopen(argv[0], "r");
    if (argv[1]) {
      if (strcmp(argv[1], "-") != 0 && !freopen(argv[1], "w", stdout)) bb_perror_msg_and_die("can't open '%s'", argv[1]);
      if (argv[2]) bb_show_usage();
    }
  }
  char eol = (opt & Z) ? 0 : '\n';
  char *prev = 0, *cur = 0;
  size_t prev_cap = 0, cur_cap = 0;
  ssize_t prev_len = -1;
  unsigned long count = 0;
  for (;;) {
    ssize_t n = getdelim(&cur, &cur_cap, eol, in);
    if (n > 0 && cur[n - 1] == eol) cur[--n] = 0;
    int same = 0;
    if (n >= 0 && prev_len >= 0) {
      const char *a = skip(prev, fields, chars), *b = skip(cur, fields, chars);
      same = (opt & I) ? strncasecmp(a, b, width) == 0 : strncmp(a, b, width) == 0;
    }
    if (same) {
      count++;
      continue;
    }
    if (prev_len >= 0) {
      int show = !((opt & D) && count == 1) && !((opt & U) && count > 1);
      if (show) {
        if (opt & C) printf("%7lu ", count);
        fwrite(prev, 1, (size_t)prev_len, stdout);
        putchar(eol);
      }
    }
    if (n < 0) break;
    /* The current line becomes the previous one. */
    char *t = prev;
    size_t tc = prev_cap;
    prev = cur;
    prev_cap = cur_cap;
    prev_len = n;
    cur = t;
    cur_cap = tc;
    count = 1;
  }
  if (fflush_all()) return 1;
  return 0;
}
