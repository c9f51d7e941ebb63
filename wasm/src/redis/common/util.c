/* Shared helpers of redis-server and redis-cli (see util.h). */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "out of memory allocating %zu bytes\n", n);
    abort();
  }
  return q;
}

void buf_reserve(buf_t *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void buf_append(buf_t *b, const void *p, size_t n) {
  buf_reserve(b, n);
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = 0;
}

void buf_puts(buf_t *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_printf(buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    buf_append(b, small, (size_t)n);
    return;
  }
  buf_reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void buf_consume(buf_t *b, size_t n) {
  if (n >= b->len) {
    b->len = 0;
  } else {
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
  }
  if (b->data) b->data[b->len] = 0;
}

void buf_free(buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void free_args(arg_t *args, int argc) {
  if (!args) return;
  for (int i = 0; i < argc; i++) free(args[i].ptr);
  free(args);
}

int split_args(const char *line, size_t len, arg_t **out) {
  const char *p = line, *end = line + len;
  arg_t *args = NULL;
  int argc = 0, cap = 0;
  *out = NULL;
  for (;;) {
    while (p < end && isspace((unsigned char)*p)) p++;
    if (p >= end || *p == 0) break;
    buf_t cur = {0};
    buf_reserve(&cur, 0);
    int inq = 0, insq = 0, done = 0;
    while (!done) {
      int c = p < end ? (unsigned char)*p : 0;
      int next = p + 1 < end ? (unsigned char)p[1] : 0;
      if (inq) {
        if (c == '\\' && next == 'x' && p + 3 < end && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
          char byte = (char)(hexval(p[2]) * 16 + hexval(p[3]));
          buf_append(&cur, &byte, 1);
          p += 3;
        } else if (c == '\\' && next) {
          p++;
          char e;
          switch (*p) {
            case 'n': e = '\n'; break;
            case 'r': e = '\r'; break;
            case 't': e = '\t'; break;
            case 'b': e = '\b'; break;
            case 'a': e = '\a'; break;
            default: e = *p; break;
          }
          buf_append(&cur, &e, 1);
        } else if (c == '"') {
          if (next && !isspace(next)) goto unbalanced;
          done = 1;
        } else if (!c) {
          goto unbalanced;
        } else {
          buf_append(&cur, p, 1);
        }
      } else if (insq) {
        if (c == '\\' && next == '\'') {
          p++;
          buf_append(&cur, "'", 1);
        } else if (c == '\'') {
          if (next && !isspace(next)) goto unbalanced;
          done = 1;
        } else if (!c) {
          goto unbalanced;
        } else {
          buf_append(&cur, p, 1);
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case 0: done = 1; break;
          case '"': inq = 1; break;
          case '\'': insq = 1; break;
          default: buf_append(&cur, p, 1); break;
        }
      }
      if (p < end && *p) p++;
      continue;
    unbalanced:
      buf_free(&cur);
      free_args(args, argc);
      return -1;
    }
    if (argc == cap) {
      cap = cap ? cap * 2 : 8;
      args = xrealloc(args, sizeof *args * (size_t)cap);
    }
    args[argc].ptr = cur.data;
    args[argc].len = cur.len;
    argc++;
  }
  *out = args;
  return argc;
}

int string2ll(const char *s, size_t len, long long *out) {
  if (len == 0 || len > 20) return 0;
  if (len == 1 && s[0] == '0') {
    *out = 0;
    return 1;
  }
  size_t i = 0;
  int neg = 0;
  if (s[0] == '-') {
    neg = 1;
    i = 1;
    if (len == 1) return 0;
  }
  if (s[i] < '1' || s[i] > '9') return 0;
  unsigned long long v = 0;
  for (; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (18446744073709551615ULL - d) / 10) return 0;
    v = v * 10 + d;
  }
  if (neg) {
    if (v > 9223372036854775808ULL) return 0;
    *out = v == 9223372036854775808ULL ? (long long)(-9223372036854775807LL - 1) : -(long long)v;
  } else {
    if (v > 9223372036854775807ULL) return 0;
    *out = (long long)v;
  }
  return 1;
}

int string2d(const char *s, size_t len, double *out) {
  char tmp[128];
  if (len == 0 || len >= sizeof tmp || isspace((unsigned char)s[0])) return 0;
  memcpy(tmp, s, len);
  tmp[len] = 0;
  char *end;
  errno = 0;
  double v = strtod(tmp, &end);
  if ((size_t)(end - tmp) != len || isnan(v) || (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0))) return 0;
  *out = v;
  return 1;
}

void buf_repr(buf_t *b, const char *s, size_t len) {
  buf_append(b, "\"", 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    switch (c) {
      case '\\': buf_append(b, "\\\\", 2); break;
      case '"': buf_append(b, "\\\"", 2); break;
      case '\n': buf_append(b, "\\n", 2); break;
      case '\r': buf_append(b, "\\r", 2); break;
      case '\t': buf_append(b, "\\t", 2); break;
      case '\a': buf_append(b, "\\a", 2); break;
      case '\b': buf_append(b, "\\b", 2); break;
      default:
        if (c >= 0x20 && c < 0x7f) buf_append(b, &s[i], 1);
        else buf_printf(b, "\\x%02x", c);
    }
  }
  buf_append(b, "\"", 1);
}

static int fold(int c, int nocase) { return nocase ? tolower(c) : c; }

static int match_inner(const char *p, size_t plen, const char *s, size_t slen, int nocase, int *skip_longer, int depth) {
  if (depth > 1000) return 0; /* Redis limits recursion the same way */
  while (plen && slen) {
    switch (p[0]) {
      case '*':
        while (plen > 1 && p[1] == '*') {
          p++;
          plen--;
        }
        if (plen == 1) return 1;
        while (slen) {
          if (match_inner(p + 1, plen - 1, s, slen, nocase, skip_longer, depth + 1)) return 1;
          if (*skip_longer) return 0;
          s++;
          slen--;
        }
        *skip_longer = 1;
        return 0;
      case '?':
        s++;
        slen--;
        break;
      case '[': {
        p++;
        plen--;
        int not = plen && p[0] == '^';
        if (not) {
          p++;
          plen--;
        }
        int matched = 0;
        for (;;) {
          if (plen == 0) {
            /* unterminated class: Redis steps back onto the last char */
            p--;
            plen++;
            break;
          }
          if (p[0] == '\\' && plen >= 2) {
            p++;
            plen--;
            if (p[0] == s[0]) matched = 1;
          } else if (p[0] == ']') {
            break;
          } else if (plen >= 3 && p[1] == '-') {
            int start = fold((unsigned char)p[0], nocase), stop = fold((unsigned char)p[2], nocase);
            int c = fold((unsigned char)s[0], nocase);
            if (start > stop) {
              int t = start;
              start = stop;
              stop = t;
            }
            p += 2;
            plen -= 2;
            if (c >= start && c <= stop) matched = 1;
          } else if (fold((unsigned char)p[0], nocase) == fold((unsigned char)s[0], nocase)) {
            matched = 1;
          }
          p++;
          plen--;
        }
        if (not) matched = !matched;
        if (!matched) return 0;
        s++;
        slen--;
        break;
      }
      case '\\':
        if (plen >= 2) {
          p++;
          plen--;
        }
        /* fall through */
      default:
        if (fold((unsigned char)p[0], nocase) != fold((unsigned char)s[0], nocase)) return 0;
        s++;
        slen--;
        break;
    }
    p++;
    plen--;
    if (slen == 0) {
      while (plen && *p == '*') {
        p++;
        plen--;
      }
      break;
    }
  }
  return plen == 0 && slen == 0;
}

int string_match(const char *pattern, size_t plen, const char *str, size_t slen, int nocase) {
  int skip_longer = 0;
  return match_inner(pattern, plen, str, slen, nocase, &skip_longer, 0);
}
