/* tac, rev, nl: line-oriented filters. */
#include "../libbb.h"

/* tac [FILE...]: each file's lines in reverse order (a last line without '\n' stays without it). */
int tac_main(int argc, char **argv) {
  getopt32(argv, "");
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int status = 0;
  for (; *argv; argv++) {
    size_t len;
    char *data = xmalloc_read_file(*argv, &len);
    if (!data) {
      status = 1;
      continue;
    }
    size_t end = len;
    while (end > 0) {
      size_t start = end - 1;
      /* The line ending at `end` (its '\n' included) starts after the previous '\n'. */
      while (start > 0 && data[start - 1] != '\n') start--;
      fwrite(data + start, 1, end - start, stdout);
      end = start;
    }
    free(data);
  }
  if (fflush_all()) return 1;
  return status;
}

/* rev [FILE...]: each line reversed (bytes). */
int rev_main(int argc, char **argv) {
  getopt32(argv, "");
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int status = 0;
  char *line = 0;
  size_t cap = 0;
  for (; *argv; argv++) {
    FILE *f = fopen_or_warn_stdin(*argv);
    if (!f) {
      status = 1;
      continue;
    }
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
      int nl = n > 0 && line[n - 1] == '\n';
      if (nl) n--;
      for (ssize_t i = n - 1; i >= 0; i--) putchar(line[i]);
      if (nl) putchar('\n');
    }
    fclose_if_not_stdin(f);
  }
  if (fflush_all()) return 1;
  return status;
}

/* nl [-b STYLE] [-i INC] [-s SEP] [-v START] [-w WIDTH] [FILE...]: numbers lines (-b a: all, t: non-empty, n: none). */
int nl_main(int argc, char **argv) {
  char *style = "t", *inc_s = 0, *sep = "\t", *start_s = 0, *width_s = 0, *fmt = 0;
  getopt32(argv, "b:i:s:v:w:n:", &style, &inc_s, &sep, &start_s, &width_s, &fmt);
  long inc = inc_s ? xatoi(inc_s) : 1;
  long num = start_s ? xatoi(start_s) : 1;
  int width = width_s ? xatoi_positive(width_s) : 6;
  const char *nfmt = "%*ld";
  if (fmt && strcmp(fmt, "ln") == 0) nfmt = "%-*ld";
  else if (fmt && strcmp(fmt, "rz") == 0) nfmt = "%0*ld";
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int status = 0;
  char *line = 0;
  size_t cap = 0;
  for (; *argv; argv++) {
    FILE *f = fopen_or_warn_stdin(*argv);
    if (!f) {
      status = 1;
      continue;
    }
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
      int empty = n == 0 || (n == 1 && line[0] == '\n');
      int number = style[0] == 'a' || (style[0] == 't' && !empty);
      if (number) {
        printf(nfmt, width, num);
        fputs(sep, stdout);
        num += inc;
      } else {
        printf("%*s", width + (int)strlen(sep), "");
      }
      fwrite(line, 1, (size_t)n, stdout);
      if (n == 0 || line[n - 1] != '\n') putchar('\n');
    }
    fclose_if_not_stdin(f);
  }
  if (fflush_all()) return 1;
  return status;
}
