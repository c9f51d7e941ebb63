/* echo and printf, as busybox's applets behave when ash runs them as builtins. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

int g_epipe_silent; /* a builtin writing into a pipe for a reader that left: no message (ash dies of SIGPIPE) */

/* Processes one backslash escape at *pp (after the backslash). printf_mode:
 * \NNN is octal without a leading 0; echo/%b: \0NNN. Returns 1 for \c. */
static int escape(const char **pp, sbuf_t *out, int printf_mode) {
  const char *p = *pp;
  int c = (unsigned char)*p;
  int v;
  switch (c) {
    case 'a': sb_addc(out, '\a'); break;
    case 'b': sb_addc(out, '\b'); break;
    case 'c': *pp = p + 1; return 1;
    case 'e': sb_addc(out, 033); break;
    case 'f': sb_addc(out, '\f'); break;
    case 'n': sb_addc(out, '\n'); break;
    case 'r': sb_addc(out, '\r'); break;
    case 't': sb_addc(out, '\t'); break;
    case 'v': sb_addc(out, '\v'); break;
    case '\\': sb_addc(out, '\\'); break;
    case 'x': {
      v = 0;
      int n = 0;
      p++;
      while (n < 2 && ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))) {
        v = v * 16 + (*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
        p++;
        n++;
      }
      if (n == 0) {
        sb_adds(out, "\\x");
        *pp = p;
        return 0;
      }
      sb_addc(out, v);
      *pp = p;
      return 0;
    }
    default:
      if (c >= '0' && c <= '7') {
        int max = 3;
        if (!printf_mode && c == '0') p++;
        else if (!printf_mode) {
          /* echo: \NNN without a leading 0 is not an escape in busybox? it is (octal) */
        }
        v = 0;
        int n = 0;
        while (n < max && *p >= '0' && *p <= '7') {
          v = v * 8 + (*p - '0');
          p++;
          n++;
        }
        sb_addc(out, v & 0xff);
        *pp = p;
        return 0;
      }
      sb_addc(out, '\\');
      if (!c) {
        *pp = p;
        return 0;
      }
      sb_addc(out, c);
      break;
  }
  *pp = p + 1;
  return 0;
}

int bi_echo(int argc, char **argv) {
  int nl = 1, esc = 0, i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || !a[1]) break;
    const char *p = a + 1;
    while (*p == 'n' || *p == 'e' || *p == 'E') p++;
    if (*p) break;
    for (p = a + 1; *p; p++) {
      if (*p == 'n') nl = 0;
      else if (*p == 'e') esc = 1;
      else esc = 0;
    }
  }
  sbuf_t out = {0};
  int stop = 0;
  for (; i < argc && !stop; i++) {
    if (out.len || i > 1) {
      /* separator between arguments */
    }
    const char *a = argv[i];
    if (esc) {
      while (*a && !stop) {
        if (*a == '\\') {
          a++;
          stop = escape(&a, &out, 0);
        } else {
          sb_addc(&out, *a++);
        }
      }
    } else {
      sb_adds(&out, a);
    }
    if (i + 1 < argc && !stop) sb_addc(&out, ' ');
  }
  if (nl && !stop) sb_addc(&out, '\n');
  bputn(sb_str(&out), out.len);
  sb_free(&out);
  bout_flush();
  if (g_bout_error) {
    if (!(g_bout_error == EPIPE && g_epipe_silent)) sh_warnx("write error: %s", strerror(g_bout_error));
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------ printf */

static int printf_status;
static sbuf_t *pf_out; /* output produced so far: written out before an error message */

static int conv_error(const char *s) {
  if (pf_out && pf_out->len) {
    bputn(pf_out->s, pf_out->len);
    pf_out->len = 0;
  }
  sh_warnx("invalid number '%s'", s);
  printf_status = 1;
  return 0;
}

static long long to_ll(const char *s) {
  if ((s[0] == '\'' || s[0] == '"') && s[1]) return (unsigned char)s[1];
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 0);
  if (errno == ERANGE) {
    /* unsigned values beyond the signed range are fine for %u %x */
    errno = 0;
    unsigned long long u = strtoull(s, &end, 0);
    if (!errno && !*end && *s && s[0] != '-') return (long long)u;
    conv_error(s);
    return 0;
  }
  if (!*s || *end) {
    conv_error(s);
    return 0;
  }
  return v;
}

static double to_double(const char *s) {
  if ((s[0] == '\'' || s[0] == '"') && s[1]) return (unsigned char)s[1];
  char *end;
  double v = strtod(s, &end);
  if (!*s || *end) {
    conv_error(s);
    return 0;
  }
  return v;
}

int bi_printf(int argc, char **argv) {
  if (argc < 2) {
    sh_warnx("usage: printf FORMAT [ARGUMENT...]");
    return 2;
  }
  int i = 1;
  if (strcmp(argv[1], "--") == 0) i++;
  if (i >= argc) {
    sh_warnx("usage: printf FORMAT [ARGUMENT...]");
    return 2;
  }
  const char *fmt = argv[i++];
  char **args = argv + i;
  int nargs = argc - i, ai = 0;
  printf_status = 0;
  sbuf_t out = {0};
  pf_out = &out;
  int stop = 0;
  do {
    int used_before = ai;
    for (const char *p = fmt; *p && !stop; p++) {
      if (*p == '\\') {
        p++;
        if (!*p) {
          sb_addc(&out, '\\');
          break;
        }
        const char *q = p;
        if (escape(&q, &out, 1)) {
          stop = 1;
          break;
        }
        p = q - 1;
        continue;
      }
      if (*p != '%') {
        sb_addc(&out, *p);
        continue;
      }
      if (p[1] == '%') {
        sb_addc(&out, '%');
        p++;
        continue;
      }
      /* %[flags][width][.prec]conv */
      const char *start = p++;
      char spec[64];
      size_t sl = 0;
      spec[sl++] = '%';
      while (*p && strchr("-+ #0", *p) && sl < 40) spec[sl++] = *p++;
      int width = 0, have_width = 0, prec = -1;
      if (*p == '*') {
        const char *a = ai < nargs ? args[ai++] : "";
        width = (int)to_ll(a);
        have_width = 1;
        p++;
      } else {
        while (*p >= '0' && *p <= '9' && sl < 40) spec[sl++] = *p++;
      }
      if (have_width) sl += (size_t)snprintf(spec + sl, sizeof spec - sl, "%d", width);
      if (*p == '.') {
        p++;
        if (*p == '*') {
          const char *a = ai < nargs ? args[ai++] : "";
          prec = (int)to_ll(a);
          p++;
        } else {
          prec = 0;
          while (*p >= '0' && *p <= '9') prec = prec * 10 + (*p++ - '0');
        }
        sl += (size_t)snprintf(spec + sl, sizeof spec - sl, ".%d", prec);
      }
      while (*p == 'l' || *p == 'h' || *p == 'L' || *p == 'q' || *p == 'j' || *p == 'z' || *p == 't') p++;
      char conv = *p;
      if (!conv || !strchr("diouxXcsbeEfFgGaA", conv)) {
        sh_warnx("%s: invalid format", start);
        bputn(sb_str(&out), out.len);
        sb_free(&out);
        pf_out = NULL;
        return 1;
      }
      const char *a = ai < nargs ? args[ai++] : "";
      char buf[512];
      switch (conv) {
        case 'd':
        case 'i': {
          spec[sl++] = 'l';
          spec[sl++] = 'l';
          spec[sl++] = 'd';
          spec[sl] = 0;
          long long v = to_ll(a);
          snprintf(buf, sizeof buf, spec, v);
          sb_adds(&out, buf);
          break;
        }
        case 'o':
        case 'u':
        case 'x':
        case 'X': {
          spec[sl++] = 'l';
          spec[sl++] = 'l';
          spec[sl++] = conv;
          spec[sl] = 0;
          unsigned long long v = (unsigned long long)to_ll(a);
          snprintf(buf, sizeof buf, spec, v);
          sb_adds(&out, buf);
          break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
        case 'a':
        case 'A': {
          spec[sl++] = conv;
          spec[sl] = 0;
          double v = to_double(a);
          snprintf(buf, sizeof buf, spec, v);
          sb_adds(&out, buf);
          break;
        }
        case 'c': {
          spec[sl++] = 'c';
          spec[sl] = 0;
          int n = snprintf(buf, sizeof buf, spec, a[0]);
          sb_addn(&out, buf, (size_t)n);
          break;
        }
        case 's':
        case 'b': {
          const char *val = a;
          sbuf_t tmp = {0};
          if (conv == 'b') {
            for (const char *q = a; *q;) {
              if (*q == '\\') {
                q++;
                if (escape(&q, &tmp, 0)) {
                  stop = 1;
                  break;
                }
              } else {
                sb_addc(&tmp, *q++);
              }
            }
            val = sb_str(&tmp);
          }
          spec[sl++] = 's';
          spec[sl] = 0;
          int n = snprintf(NULL, 0, spec, val);
          char *big = xmalloc((size_t)n + 1);
          snprintf(big, (size_t)n + 1, spec, val);
          sb_addn(&out, big, (size_t)n);
          free(big);
          sb_free(&tmp);
          break;
        }
      }
    }
    if (ai == used_before) break; /* the format consumed no arguments */
  } while (ai < nargs && !stop);
  bputn(sb_str(&out), out.len);
  sb_free(&out);
  pf_out = NULL;
  bout_flush();
  if (g_bout_error) {
    if (!(g_bout_error == EPIPE && g_epipe_silent)) sh_warnx("write error: %s", strerror(g_bout_error));
    return 1;
  }
  return printf_status;
}
