/*
 * expr EXPRESSION: BusyBox's expr (coreutils' grammar): | & < <= = == != >= >
 * + - * / % : and match, substr, index, length, quote, parentheses. Values
 * are 64-bit integers or strings. Exit 0 when the result is neither empty
 * nor 0, 1 when it is, 2 on an error.
 */
#include <regex.h>
#include "../libbb.h"

struct value {
  int is_int;
  long long i;
  char *s;
};

static char **args;

static struct value *int_value(long long i) {
  struct value *v = xzalloc(sizeof *v);
  v->is_int = 1;
  v->i = i;
  return v;
}

static struct value *str_value(const char *s) {
  struct value *v = xzalloc(sizeof *v);
  v->s = xstrdup(s);
  return v;
}

static int to_int(struct value *v) {
  if (v->is_int) return 1;
  const char *s = v->s;
  if (*s == '-') s++;
  if (!*s) return 0;
  for (const char *p = s; *p; p++) {
    if (!bb_isdigit((unsigned char)*p)) return 0;
  }
  errno = 0;
  long long i = strtoll(v->s, 0, 10);
  if (errno) return 0;
  v->is_int = 1;
  v->i = i;
  return 1;
}

static void to_str(struct value *v) {
  if (!v->is_int) return;
  v->s = xasprintf("%lld", v->i);
  v->is_int = 0;
}

static int is_null(struct value *v) {
  if (v->is_int) return v->i == 0;
  return v->s[0] == 0 || (strcmp(v->s, "0") == 0);
}

static int nextarg(const char *s) { return *args && strcmp(*args, s) == 0; }

static _Noreturn void syntax_error(void) { bb_error_msg_and_die("syntax error"); }

static struct value *eval(void);

static struct value *eval6(void) {
  static const char keywords[] = "quote\0length\0match\0index\0substr\0";
  if (!*args) syntax_error();
  int k = index_in_strings(keywords, *args);
  if (k >= 0 && args[1]) {
    args++;
    if (k == 0) {
      if (!*args) syntax_error();
      return str_value(*args++);
    }
    struct value *a = eval6();
    to_str(a);
    if (k == 1) return int_value((long long)strlen(a->s));
    struct value *b = eval6();
    to_str(b);
    if (k == 2) {
      /* match STR RE is STR : RE */
      regex_t re;
      if (regcomp(&re, b->s, 0) != 0) bb_error_msg_and_die("invalid regular expression");
      regmatch_t m[2];
      if (regexec(&re, a->s, 2, m, 0) == 0 && m[0].rm_so == 0) {
        if (re.re_nsub > 0) {
          if (m[1].rm_so < 0) return str_value("");
          return str_value(xstrndup(a->s + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so)));
        }
        return int_value(m[0].rm_eo);
      }
      return re.re_nsub > 0 ? str_value("") : int_value(0);
    }
    if (k == 3) {
      size_t pos = strcspn(a->s, b->s);
      return int_value(a->s[pos] ? (long long)pos + 1 : 0);
    }
    struct value *c = eval6();
    if (!to_int(b) || !to_int(c)) bb_error_msg_and_die("non-numeric argument");
    long long len = (long long)strlen(a->s);
    if (b->i <= 0 || b->i > len || c->i <= 0) return str_value("");
    return str_value(xstrndup(a->s + b->i - 1, (size_t)c->i));
  }
  if (nextarg("(")) {
    args++;
    struct value *v = eval();
    if (!nextarg(")")) syntax_error();
    args++;
    return v;
  }
  if (nextarg(")")) syntax_error();
  return str_value(*args++);
}

static struct value *eval5(void) {
  struct value *l = eval6();
  while (nextarg(":")) {
    args++;
    struct value *r = eval6();
    to_str(l);
    to_str(r);
    regex_t re;
    if (regcomp(&re, r->s, 0) != 0) bb_error_msg_and_die("invalid regular expression");
    regmatch_t m[2];
    if (regexec(&re, l->s, 2, m, 0) == 0 && m[0].rm_so == 0) {
      if (re.re_nsub > 0) {
        l = m[1].rm_so < 0 ? str_value("") : str_value(xstrndup(l->s + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so)));
      } else {
        l = int_value(m[0].rm_eo);
      }
    } else {
      l = re.re_nsub > 0 ? str_value("") : int_value(0);
    }
    regfree(&re);
  }
  return l;
}

static struct value *eval4(void) {
  struct value *l = eval5();
  for (;;) {
    char op;
    if (nextarg("*")) op = '*';
    else if (nextarg("/")) op = '/';
    else if (nextarg("%")) op = '%';
    else return l;
    args++;
    struct value *r = eval5();
    if (!to_int(l) || !to_int(r)) bb_error_msg_and_die("non-numeric argument");
    if (op != '*' && r->i == 0) bb_error_msg_and_die("division by zero");
    l = int_value(op == '*' ? l->i * r->i : op == '/' ? l->i / r->i : l->i % r->i);
  }
}

static struct value *eval3(void) {
  struct value *l = eval4();
  for (;;) {
    char op;
    if (nextarg("+")) op = '+';
    else if (nextarg("-")) op = '-';
    else return l;
    args++;
    struct value *r = eval4();
    if (!to_int(l) || !to_int(r)) bb_error_msg_and_die("non-numeric argument");
    l = int_value(op == '+' ? l->i + r->i : l->i - r->i);
  }
}

static struct value *eval2(void) {
  struct value *l = eval3();
  for (;;) {
    static const char cmps[] = "<\0<=\0=\0==\0!=\0>=\0>\0";
    int k = *args ? index_in_strings(cmps, *args) : -1;
    if (k < 0) return l;
    args++;
    struct value *r = eval3();
    long long c;
    if (to_int(l) && to_int(r)) {
      c = l->i < r->i ? -1 : l->i > r->i;
    } else {
      to_str(l);
      to_str(r);
      c = strcoll(l->s, r->s);
    }
    int res = k == 0 ? c < 0 : k == 1 ? c <= 0 : (k == 2 || k == 3) ? c == 0 : k == 4 ? c != 0 : k == 5 ? c >= 0 : c > 0;
    l = int_value(res);
  }
}

static struct value *eval1(void) {
  struct value *l = eval2();
  while (nextarg("&")) {
    args++;
    struct value *r = eval2();
    if (is_null(l) || is_null(r)) l = int_value(0);
  }
  return l;
}

static struct value *eval(void) {
  struct value *l = eval1();
  while (nextarg("|")) {
    args++;
    struct value *r = eval1();
    if (is_null(l)) l = is_null(r) ? int_value(0) : r;
  }
  return l;
}

int expr_main(int argc, char **argv) {
  xfunc_error_retval = 2;
  if (argc < 2) bb_error_msg_and_die("too few arguments");
  args = argv + 1;
  struct value *v = eval();
  if (*args) syntax_error();
  if (v->is_int) printf("%lld\n", v->i);
  else puts(v->s);
  if (fflush_all()) return 2;
  return is_null(v);
}
