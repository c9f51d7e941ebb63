/*
 * $(( )) arithmetic: C's integer operators on 64-bit values, variables
 * (whose values are themselves evaluated as expressions, as ash does),
 * assignment operators, ++/--, ?:, ** and the comma operator. Errors are
 * ash's: "arithmetic syntax error", "divide by zero", "exponent less than 0".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

typedef struct {
  const char *s;
  int noeval; /* inside a branch that is not taken */
  int err;    /* 0, or 1 after an error was reported */
  int depth;
} ar_t;

static arith_t assign_expr(ar_t *a);

static void skip_ws(ar_t *a) {
  while (*a->s == ' ' || *a->s == '\t' || *a->s == '\n' || *a->s == '\r') a->s++;
}

static arith_t fail(ar_t *a, const char *msg) {
  if (!a->err) {
    a->err = 1;
    sh_error("%s", msg);
  }
  return 0;
}

static int parse_number(const char *s, const char **end, arith_t *out) {
  const char *p = s;
  uint64_t v = 0;
  int base = 10;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    base = 16;
    p += 2;
    if (!isxdigit((unsigned char)*p)) return -1;
  } else if (p[0] == '0' && isdigit((unsigned char)p[1])) {
    base = 8;
    p++;
  } else {
    /* base#digits? */
    const char *q = p;
    uint64_t b = 0;
    while (isdigit((unsigned char)*q)) b = b * 10 + (uint64_t)(*q++ - '0');
    if (*q == '#' && q > p) {
      if (b < 2 || b > 64) return -1;
      base = (int)b;
      p = q + 1;
    }
  }
  const char *digits = p;
  for (;; p++) {
    int c = (unsigned char)*p, d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'Z') d = base <= 36 ? c - 'A' + 10 : c - 'A' + 36;
    else if (c == '@' && base > 36) d = 62;
    else if (c == '_' && base > 36) d = 63;
    else break;
    if (d >= base) return -1;
    v = v * (uint64_t)base + (uint64_t)d;
  }
  if (p == digits) return -1;
  if (is_name_char((unsigned char)*p)) return -1;
  *end = p;
  *out = (arith_t)v;
  return 0;
}

/* The value of a variable, evaluated as an expression. */
static arith_t var_value(ar_t *a, const char *name, size_t n) {
  const char *v = var_get_n(name, n);
  if (!v || !*v) {
    if (!v && g_opt[OPT_u] && !a->noeval) {
      char *nm = xstrndup(name, n);
      sh_error("%s: parameter not set", nm);
      free(nm);
      a->err = 1;
    }
    return 0;
  }
  if (a->depth > 100) return fail(a, "expression recursion loop detected");
  ar_t sub = {v, a->noeval, 0, a->depth + 1};
  skip_ws(&sub);
  arith_t r = assign_expr(&sub);
  skip_ws(&sub);
  if (!sub.err && *sub.s) fail(&sub, "arithmetic syntax error");
  if (sub.err) a->err = 1;
  return r;
}

static void store(ar_t *a, const char *name, size_t n, arith_t v) {
  if (a->noeval || a->err) return;
  char *nm = xstrndup(name, n);
  if (var_set_int(nm, v) < 0) a->err = 1;
  free(nm);
}

static arith_t unary(ar_t *a);

static arith_t primary(ar_t *a) {
  skip_ws(a);
  if (a->err) return 0;
  const char *s = a->s;
  if (*s == '(') {
    a->s++;
    arith_t v = assign_expr(a);
    skip_ws(a);
    if (*a->s != ')') return fail(a, "arithmetic syntax error");
    a->s++;
    return v;
  }
  if (isdigit((unsigned char)*s)) {
    arith_t v;
    const char *end;
    if (parse_number(s, &end, &v) < 0) return fail(a, "arithmetic syntax error");
    a->s = end;
    return v;
  }
  if (is_name_start((unsigned char)*s)) {
    const char *name = s;
    while (is_name_char((unsigned char)*s)) s++;
    size_t n = (size_t)(s - name);
    a->s = s;
    skip_ws(a);
    if ((a->s[0] == '+' && a->s[1] == '+') || (a->s[0] == '-' && a->s[1] == '-')) {
      int inc = a->s[0] == '+' ? 1 : -1;
      a->s += 2;
      arith_t v = var_value(a, name, n);
      store(a, name, n, v + inc);
      return v;
    }
    return var_value(a, name, n);
  }
  return fail(a, "arithmetic syntax error");
}

static arith_t unary(ar_t *a) {
  skip_ws(a);
  const char *s = a->s;
  if ((s[0] == '+' && s[1] == '+') || (s[0] == '-' && s[1] == '-')) {
    int inc = s[0] == '+' ? 1 : -1;
    a->s += 2;
    skip_ws(a);
    const char *name = a->s;
    if (!is_name_start((unsigned char)*name)) return fail(a, "arithmetic syntax error");
    while (is_name_char((unsigned char)*a->s)) a->s++;
    size_t n = (size_t)(a->s - name);
    arith_t v = var_value(a, name, n) + inc;
    store(a, name, n, v);
    return v;
  }
  switch (*s) {
    case '-':
      a->s++;
      return -unary(a);
    case '+':
      a->s++;
      return unary(a);
    case '!':
      a->s++;
      return !unary(a);
    case '~':
      a->s++;
      return ~unary(a);
  }
  return primary(a);
}

static arith_t power(ar_t *a) {
  arith_t base = unary(a);
  skip_ws(a);
  if (a->s[0] == '*' && a->s[1] == '*' && a->s[2] != '=') {
    a->s += 2;
    arith_t e = power(a);
    if (a->err) return 0;
    if (e < 0) return fail(a, "exponent less than 0");
    arith_t r = 1;
    while (e-- > 0) r *= base;
    return r;
  }
  return base;
}

/* Binary operators by precedence level (low to high). */
enum { L_OR, L_AND, L_BOR, L_XOR, L_BAND, L_EQ, L_REL, L_SHIFT, L_ADD, L_MUL, L_TOP };

/* Matches a binary operator of `level` at a->s; returns its length and code. */
static int match_op(ar_t *a, int level, int *op) {
  const char *s = a->s;
  switch (level) {
    case L_OR:
      if (s[0] == '|' && s[1] == '|') return *op = 'o', 2;
      break;
    case L_AND:
      if (s[0] == '&' && s[1] == '&') return *op = 'a', 2;
      break;
    case L_BOR:
      if (s[0] == '|' && s[1] != '|' && s[1] != '=') return *op = '|', 1;
      break;
    case L_XOR:
      if (s[0] == '^' && s[1] != '=') return *op = '^', 1;
      break;
    case L_BAND:
      if (s[0] == '&' && s[1] != '&' && s[1] != '=') return *op = '&', 1;
      break;
    case L_EQ:
      if (s[0] == '=' && s[1] == '=') return *op = 'e', 2;
      if (s[0] == '!' && s[1] == '=') return *op = 'n', 2;
      break;
    case L_REL:
      if (s[0] == '<' && s[1] == '=') return *op = 'l', 2;
      if (s[0] == '>' && s[1] == '=') return *op = 'g', 2;
      if (s[0] == '<' && s[1] != '<') return *op = '<', 1;
      if (s[0] == '>' && s[1] != '>') return *op = '>', 1;
      break;
    case L_SHIFT:
      if (s[0] == '<' && s[1] == '<' && s[2] != '=') return *op = 'L', 2;
      if (s[0] == '>' && s[1] == '>' && s[2] != '=') return *op = 'R', 2;
      break;
    case L_ADD:
      if ((s[0] == '+' || s[0] == '-') && s[1] != '=' && s[1] != s[0]) return *op = s[0], 1;
      /* a+++b style: "+" followed by "++" */
      if ((s[0] == '+' || s[0] == '-') && s[1] == s[0] && s[2] == s[0]) return *op = s[0], 1;
      break;
    case L_MUL:
      if ((s[0] == '*' && s[1] != '*' && s[1] != '=') || ((s[0] == '/' || s[0] == '%') && s[1] != '='))
        return *op = s[0], 1;
      break;
  }
  return 0;
}

static arith_t binary(ar_t *a, int level) {
  if (level == L_TOP) return power(a);
  arith_t l = binary(a, level + 1);
  for (;;) {
    skip_ws(a);
    if (a->err) return 0;
    int op, len = match_op(a, level, &op);
    if (!len) return l;
    a->s += len;
    if (op == 'o' || op == 'a') {
      /* busybox evaluates both sides (side effects and errors included) */
      arith_t r = binary(a, level + 1);
      l = op == 'o' ? (l || r) : (l && r);
      continue;
    }
    arith_t r = binary(a, level + 1);
    if (a->err) return 0;
    switch (op) {
      case '|': l |= r; break;
      case '^': l ^= r; break;
      case '&': l &= r; break;
      case 'e': l = l == r; break;
      case 'n': l = l != r; break;
      case 'l': l = l <= r; break;
      case 'g': l = l >= r; break;
      case '<': l = l < r; break;
      case '>': l = l > r; break;
      case 'L': l = (arith_t)((uint64_t)l << (r & 63)); break;
      case 'R': l >>= (r & 63); break;
      case '+': l = (arith_t)((uint64_t)l + (uint64_t)r); break;
      case '-': l = (arith_t)((uint64_t)l - (uint64_t)r); break;
      case '*': l = (arith_t)((uint64_t)l * (uint64_t)r); break;
      case '/':
      case '%':
        if (r == 0) {
          if (a->noeval) {
            l = 0;
            break;
          }
          return fail(a, "divide by zero");
        }
        if (r == -1) l = op == '/' ? (arith_t)(0 - (uint64_t)l) : 0;
        else l = op == '/' ? l / r : l % r;
        break;
    }
  }
}

static arith_t ternary(ar_t *a) {
  arith_t c = binary(a, L_OR);
  skip_ws(a);
  if (*a->s != '?') return c;
  a->s++;
  arith_t t = assign_expr(a);
  skip_ws(a);
  if (*a->s != ':') return fail(a, "arithmetic syntax error");
  a->s++;
  arith_t f = ternary(a);
  return c ? t : f;
}

/* name OP= expr, or a conditional expression. */
static arith_t assign_expr(ar_t *a) {
  skip_ws(a);
  const char *start = a->s;
  if (is_name_start((unsigned char)*start)) {
    const char *p = start;
    while (is_name_char((unsigned char)*p)) p++;
    size_t n = (size_t)(p - start);
    const char *q = p;
    while (*q == ' ' || *q == '\t' || *q == '\n') q++;
    int op = 0, oplen = 0;
    if (q[0] == '=' && q[1] != '=') op = '=', oplen = 1;
    else if (strchr("*/%+-&^|", q[0]) && q[0] && q[1] == '=') op = q[0], oplen = 2;
    else if ((q[0] == '<' && q[1] == '<' && q[2] == '=') || (q[0] == '>' && q[1] == '>' && q[2] == '=')) op = q[0] == '<' ? 'L' : 'R', oplen = 3;
    if (op) {
      a->s = q + oplen;
      arith_t r = assign_expr(a);
      if (a->err) return 0;
      arith_t l = op == '=' ? 0 : var_value(a, start, n);
      switch (op) {
        case '=': l = r; break;
        case '*': l *= r; break;
        case '+': l += r; break;
        case '-': l -= r; break;
        case '&': l &= r; break;
        case '^': l ^= r; break;
        case '|': l |= r; break;
        case 'L': l <<= (r & 63); break;
        case 'R': l >>= (r & 63); break;
        case '/':
        case '%':
          if (r == 0) return a->noeval ? 0 : fail(a, "divide by zero");
          l = op == '/' ? l / r : l % r;
          break;
      }
      store(a, start, n, l);
      return l;
    }
  }
  return ternary(a);
}

static arith_t comma_expr(ar_t *a) {
  arith_t v = assign_expr(a);
  skip_ws(a);
  while (*a->s == ',' && !a->err) {
    a->s++;
    v = assign_expr(a);
    skip_ws(a);
  }
  return v;
}

arith_t arith_eval(const char *expr, int *err) {
  ar_t a = {expr, 0, 0, 0};
  skip_ws(&a);
  if (!*a.s) {
    *err = 0;
    return 0;
  }
  arith_t v = comma_expr(&a);
  skip_ws(&a);
  if (!a.err && *a.s) fail(&a, "arithmetic syntax error");
  *err = a.err;
  return v;
}
