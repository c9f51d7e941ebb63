/* seq [-w] [-s SEP] [FIRST [INC]] LAST: numbers, with as many decimals as the arguments have. */
#include "../libbb.h"

static int decimals(const char *s) {
  const char *dot = strchr(s, '.');
  if (!dot) return 0;
  const char *e = dot + 1;
  while (bb_isdigit((unsigned char)*e)) e++;
  return (int)(e - dot - 1);
}

int seq_main(int argc, char **argv) {
  char *sep = "\n";
  unsigned opt = getopt32(argv, "+ws:", &sep);
  argv += optind;
  int n = argc_of(argv);
  /* Negative numbers look like options: getopt stopped at them (+). */
  if (n < 1 || n > 3) bb_show_usage();
  double v[3];
  int prec = 0;
  for (int i = 0; i < n; i++) {
    char *end;
    v[i] = strtod(argv[i], &end);
    if (end == argv[i] || *end) bb_error_msg_and_die("invalid number '%s'", argv[i]);
    int d = decimals(argv[i]);
    if (d > prec) prec = d;
  }
  double first = 1, inc = 1, last = v[n - 1];
  if (n >= 2) first = v[0];
  if (n == 3) inc = v[1];
  int width = 0;
  if (opt & 1) {
    char buf[64];
    int a = snprintf(buf, sizeof buf, "%.*f", prec, first);
    int b = snprintf(buf, sizeof buf, "%.*f", prec, last);
    width = a > b ? a : b;
  }
  if (inc == 0) return 0;
  int count = 0;
  for (long long i = 0;; i++) {
    double x = first + (double)i * inc;
    if ((inc > 0 && x > last + 1e-9 * (last < 0 ? -last : last)) || (inc < 0 && x < last)) break;
    if (count++) fputs(sep, stdout);
    if (width) printf("%0*.*f", width, prec, x);
    else printf("%.*f", prec, x);
  }
  if (count) putchar('\n');
  return fflush_all();
}
