/*
 * printf FORMAT [ARG...]: as BusyBox's printf. The format is reused while
 * arguments remain; missing arguments are "" or 0; a bad number prints
 * "invalid number 'X'", uses 0 and makes the exit status 1; %b expands
 * escapes in its argument and \c stops all output.
 */
#include <ctype.h>
#include "../libbb.h"

static int status;

static long long to_ll(const char *arg) {
  arg = skip_whitespace(arg);
  if (*arg == '"' || *arg == '\'') return (unsigned char)arg[1];
  const char *p = arg;
  if (*p == '+') p++;
  errno = 0;
  char *end;
  long long v = strtoll(p, &end, 0);
  if (errno == ERANGE && *p != '-') {
    errno = 0;
    v = (long long)strtoull(p, &end, 0);
  }
  if (end == p || *end || errno) {
    bb_error_msg("invalid number '%s'", arg);
    status = 1;
    return 0;
  }
  return v;
}

static double to_double(const char *arg) {
  arg = skip_whitespace(arg);
  if (*arg == '"' || *arg == '\'') return (unsigned char)arg[1];
  char *end;
  errno = 0;
  double v = strtod(arg, &end);
  if (end == arg || *end) {
    bb_error_msg("invalid number '%s'", arg);
    status = 1;
    return 0;
  }
  return v;
}

/* One escape after a backslash in a format or a %b argument; returns 1 for \c. */
static int put_escape(const char **sp, int in_b) {
  const char *s = *sp;
  if (*s == 'c') return 1;
  if (in_b && *s == '0') {
    /* %b: \0NNN, up to three octal digits after the 0. */
    s++;
    int v = 0, n = 0;
    while (n < 3 && *s >= '0' && *s <= '7') {
      v = v * 8 + (*s++ - '0');
      n++;
    }
    putchar(v);
    *sp = s;
    return 0;
  }
  const char *before = s;
  int c = bb_process_escape_sequence(&s);
  if (s == before) {
    putchar('\\');
  } else {
    putchar(c);
  }
  *sp = s;
  return 0;
}

static int print_b(const char *s) {
  while (*s) {
    if (*s != '\\' || !s[1]) {
      putchar(*s++);
      continue;
    }
    s++;
    if (put_escape(&s, 1)) return 1;
  }
  return 0;
}

/*
 * Prints the format once, consuming arguments from *argv. Returns -1 after \c,
 * -2 for an invalid format (both stop everything), else 0.
 */
static int print_formatted(const char *f, char ***argvp) {
  char **argv = *argvp;
  while (*f) {
    if (*f == '\\') {
      f++;
      if (!*f) {
        putchar('\\');
        break;
      }
      if (put_escape(&f, 0)) return -1;
      continue;
    }
    if (*f != '%') {
      putchar(*f++);
      continue;
    }
    const char *start = f++;
    if (*f == '%') {
      putchar('%');
      f++;
      continue;
    }
    /* Build a C format: flags, width, precision (a '*' takes an argument). */
    char spec[64];
    size_t n = 0;
    spec[n++] = '%';
    while (*f && strchr("-+ #0", *f) && n < 20) spec[n++] = *f++;
    int width = -1, prec = -1, have_width = 0, have_prec = 0;
    if (*f == '*') {
      f++;
      width = *argv ? (int)to_ll(*argv++) : 0;
      have_width = 1;
    } else {
      while (isdigit((unsigned char)*f) && n < 40) spec[n++] = *f++;
    }
    if (*f == '.') {
      f++;
      if (*f == '*') {
        f++;
        prec = *argv ? (int)to_ll(*argv++) : 0;
        have_prec = 1;
      } else {
        spec[n++] = '.';
        while (isdigit((unsigned char)*f) && n < 60) spec[n++] = *f++;
      }
    }
    while (*f && strchr("hlLqjzt", *f)) f++;
    char conv = *f;
    if (!conv || !strchr("diouxXfeEgGaAcsb", conv)) {
      bb_error_msg("%s: invalid format", start);
      return -2;
    }
    f++;
    if (have_width) spec[n++] = '*';
    if (have_prec) {
      spec[n++] = '.';
      spec[n++] = '*';
    }
    const char *arg = *argv ? *argv++ : 0;
    char full[72];
    switch (conv) {
      case 'd':
      case 'i': {
        long long v = arg ? to_ll(arg) : 0;
        snprintf(full, sizeof full, "%.*sll%c", (int)n, spec, conv);
        if (have_width && have_prec) printf(full, width, prec, v);
        else if (have_width) printf(full, width, v);
        else if (have_prec) printf(full, prec, v);
        else printf(full, v);
        break;
      }
      case 'o':
      case 'u':
      case 'x':
      case 'X': {
        unsigned long long v = arg ? (unsigned long long)to_ll(arg) : 0;
        snprintf(full, sizeof full, "%.*sll%c", (int)n, spec, conv);
        if (have_width && have_prec) printf(full, width, prec, v);
        else if (have_width) printf(full, width, v);
        else if (have_prec) printf(full, prec, v);
        else printf(full, v);
        break;
      }
      case 'f':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
      case 'a':
      case 'A': {
        double v = arg ? to_double(arg) : 0;
        snprintf(full, sizeof full, "%.*s%c", (int)n, spec, conv);
        if (have_width && have_prec) printf(full, width, prec, v);
        else if (have_width) printf(full, width, v);
        else if (have_prec) printf(full, prec, v);
        else printf(full, v);
        break;
      }
      case 'c':
      case 's': {
        const char *s = arg ? arg : "";
        char cbuf[2] = {s[0], 0};
        if (conv == 'c') s = cbuf;
        snprintf(full, sizeof full, "%.*ss", (int)n, spec);
        if (have_width && have_prec) printf(full, width, prec, s);
        else if (have_width) printf(full, width, s);
        else if (have_prec) printf(full, prec, s);
        else printf(full, s);
        break;
      }
      case 'b':
        if (arg && print_b(arg)) return -1;
        break;
    }
  }
  *argvp = argv;
  return 0;
}

int printf_main(int argc, char **argv) {
  if (argc < 2) bb_show_usage();
  argv++;
  if (strcmp(argv[0], "--") == 0) {
    argv++;
    if (!argv[0]) bb_show_usage();
  }
  const char *format = *argv++;
  for (;;) {
    char **before = argv;
    int r = print_formatted(format, &argv);
    if (r < 0) {
      if (fflush_all()) return 1;
      return r == -2 ? 1 : status;
    }
    if (!*argv || argv == before) break;
  }
  if (fflush_all()) return 1;
  return status;
}
