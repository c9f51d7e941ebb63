/*
 * awk [-F SEP] [-v VAR=VAL]... [-f FILE | PROGRAM] [FILE | VAR=VAL]...
 *
 * A POSIX awk: patterns (BEGIN, END, expressions, /regex/, ranges),
 * actions with if/while/do/for/for-in/break/continue/next/exit/return,
 * user functions, associative arrays, fields and the special variables
 * (NR NF FNR FS OFS ORS RS FILENAME SUBSEP RSTART RLENGTH CONVFMT OFMT
 * ENVIRON ARGC ARGV), the string and arithmetic built-ins, printf, getline
 * in all its forms, and output redirection to files and commands (through
 * /bin/sh with popen). Regular expressions are POSIX extended (regcomp).
 *
 * The program is parsed into a tree (recursive descent, following the
 * POSIX grammar) and interpreted. Values are numbers, strings, or "strnum"
 * (input that looks numeric compares as a number), as POSIX specifies.
 * Error messages follow BusyBox's ("awk: cmd. line:1: Unexpected token").
 */
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include "../libbb.h"

extern char **environ;

/* ---------------------------------------------------------------- values */

enum { V_NUM = 1, V_STR = 2, V_STRNUM = 4 };

struct cell {
  int flags;
  double num;
  char *str; /* owned; NULL for pure numbers until converted */
};

static struct cell cell_num(double d) { return (struct cell){V_NUM, d, 0}; }
static struct cell cell_str(const char *s) { return (struct cell){V_STR, 0, xstrdup(s)}; }
static struct cell cell_strn(char *owned) { return (struct cell){V_STR, 0, owned}; }
static void cell_free(struct cell *c) {
  free(c->str);
  c->str = 0;
}
static struct cell cell_copy(const struct cell *c) {
  struct cell r = *c;
  if (c->str) r.str = xstrdup(c->str);
  return r;
}

static int looks_numeric(const char *s, double *out) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  if (!*p) return 0;
  char *end;
  double d = strtod(p, &end);
  if (end == p) return 0;
  /* strtod accepts hex and inf/nan; awk does not */
  for (const char *q = p; q < end; q++) {
    if (*q == 'x' || *q == 'X' || *q == 'n' || *q == 'N' || *q == 'i' || *q == 'I') return 0;
  }
  while (isspace((unsigned char)*end)) end++;
  if (*end) return 0;
  *out = d;
  return 1;
}

/* Input-derived strings ("strnum"): numeric comparisons when they look like numbers. */
static struct cell cell_input(const char *s) {
  struct cell c = cell_str(s);
  double d;
  if (looks_numeric(s, &d)) {
    c.flags |= V_STRNUM;
    c.num = d;
  }
  return c;
}

static double to_num(const struct cell *c) {
  if (c->flags & (V_NUM | V_STRNUM)) return c->num;
  if (!c->str) return 0;
  return strtod(c->str, 0);
}

static char *convfmt = "%.6g";
static char *ofmt = "%.6g";

static char *num_to_str(double d, const char *fmt) {
  if (d == (double)(long long)d && fabs(d) < 1e16) return xasprintf("%lld", (long long)d);
  if (isnan(d)) return xstrdup(signbit(d) ? "-nan" : "nan");
  if (isinf(d)) return xstrdup(d < 0 ? "-inf" : "inf");
  return xasprintf(fmt, d);
}

/* The string value (owned copy). */
static char *to_str_fmt(const struct cell *c, const char *fmt) {
  if (c->str && !(c->flags & V_NUM && !(c->flags & V_STR))) return xstrdup(c->str);
  if (c->flags & V_NUM) return num_to_str(c->num, fmt);
  return xstrdup(c->str ? c->str : "");
}
static char *to_str(const struct cell *c) { return to_str_fmt(c, convfmt); }

static int to_bool(const struct cell *c) {
  if (c->flags & V_NUM) return c->num != 0;
  if (c->flags & V_STRNUM) return c->num != 0;
  return c->str && c->str[0];
}

/* ---------------------------------------------------------------- hash maps (variables, arrays) */

struct entry {
  char *key;
  struct cell val;
  struct array *arr; /* for variables holding arrays */
  struct entry *next;
};

struct array {
  struct entry **buckets;
  size_t nbuckets, count;
};

static unsigned hash(const char *s) {
  unsigned h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static struct array *array_new(void) {
  struct array *a = xzalloc(sizeof *a);
  a->nbuckets = 16;
  a->buckets = xzalloc(sizeof *a->buckets * a->nbuckets);
  return a;
}

static struct entry *array_find(struct array *a, const char *key, int create) {
  unsigned h = hash(key);
  for (struct entry *e = a->buckets[h % a->nbuckets]; e; e = e->next) {
    if (strcmp(e->key, key) == 0) return e;
  }
  if (!create) return 0;
  if (a->count >= a->nbuckets * 2) {
    size_t n = a->nbuckets * 4;
    struct entry **b = xzalloc(sizeof *b * n);
    for (size_t i = 0; i < a->nbuckets; i++) {
      for (struct entry *e = a->buckets[i], *next; e; e = next) {
        next = e->next;
        unsigned k = hash(e->key) % n;
        e->next = b[k];
        b[k] = e;
      }
    }
    free(a->buckets);
    a->buckets = b;
    a->nbuckets = n;
  }
  struct entry *e = xzalloc(sizeof *e);
  e->key = xstrdup(key);
  e->val = (struct cell){V_STR | V_STRNUM, 0, xstrdup("")};
  e->next = a->buckets[h % a->nbuckets];
  a->buckets[h % a->nbuckets] = e;
  a->count++;
  return e;
}

static void array_delete(struct array *a, const char *key) {
  unsigned h = hash(key) % a->nbuckets;
  for (struct entry **p = &a->buckets[h]; *p; p = &(*p)->next) {
    if (strcmp((*p)->key, key) == 0) {
      struct entry *e = *p;
      *p = e->next;
      free(e->key);
      cell_free(&e->val);
      free(e);
      a->count--;
      return;
    }
  }
}

static void array_clear(struct array *a) {
  for (size_t i = 0; i < a->nbuckets; i++) {
    for (struct entry *e = a->buckets[i], *next; e; e = next) {
      next = e->next;
      free(e->key);
      cell_free(&e->val);
      free(e);
    }
    a->buckets[i] = 0;
  }
  a->count = 0;
}

/* ---------------------------------------------------------------- lexer */

enum tok {
  T_EOF, T_NEWLINE, T_LBRACE, T_RBRACE, T_LPAREN, T_RPAREN, T_LBRACKET, T_RBRACKET, T_SEMI, T_COMMA,
  T_NUMBER, T_STRING, T_ERE, T_NAME, T_FUNC_NAME, T_BUILTIN,
  T_BEGIN, T_END, T_FUNCTION, T_IF, T_ELSE, T_WHILE, T_FOR, T_DO, T_BREAK, T_CONTINUE, T_NEXT, T_NEXTFILE,
  T_EXIT, T_RETURN, T_DELETE, T_IN, T_GETLINE, T_PRINT, T_PRINTF,
  T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_CARET, T_NOT, T_GT, T_LT, T_PIPE, T_QUESTION, T_COLON,
  T_MATCH, T_NOMATCH, T_DOLLAR, T_ASSIGN, T_ADD_ASSIGN, T_SUB_ASSIGN, T_MUL_ASSIGN, T_DIV_ASSIGN,
  T_MOD_ASSIGN, T_POW_ASSIGN, T_EQ, T_LE, T_GE, T_NE, T_INCR, T_DECR, T_AND, T_OR, T_APPEND,
};

static const char *src;
static size_t pos;
static int line_no = 1;
static enum tok tok;
static char *tok_text;
static double tok_num;
static int prev_allows_regex = 1;

static _Noreturn void syntax_error(const char *msg) {
  bb_error_msg_and_die("cmd. line:%d: %s", line_no, msg);
}

static const char *const keywords[] = {"BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break",
                                       "continue", "next", "nextfile", "exit", "return", "delete", "in", "getline",
                                       "print", "printf"};
static const enum tok keyword_toks[] = {T_BEGIN, T_END, T_FUNCTION, T_FUNCTION, T_IF, T_ELSE, T_WHILE, T_FOR, T_DO,
                                        T_BREAK, T_CONTINUE, T_NEXT, T_NEXTFILE, T_EXIT, T_RETURN, T_DELETE, T_IN,
                                        T_GETLINE, T_PRINT, T_PRINTF};
static const char *const builtins[] = {"length", "substr", "index", "split", "sub", "gsub", "match", "sprintf",
                                       "sin", "cos", "atan2", "exp", "log", "sqrt", "int", "rand", "srand",
                                       "tolower", "toupper", "system", "close", "fflush"};

static char *read_string_literal(char quote) {
  strbuf sb = {0};
  for (;;) {
    char c = src[pos++];
    if (!c || c == '\n') syntax_error("Unexpected end of string");
    if (c == quote) break;
    if (c == '\\' && quote == '"') {
      c = src[pos++];
      switch (c) {
        case 'n': sb_putc(&sb, '\n'); break;
        case 't': sb_putc(&sb, '\t'); break;
        case 'r': sb_putc(&sb, '\r'); break;
        case '\\': sb_putc(&sb, '\\'); break;
        case '"': sb_putc(&sb, '"'); break;
        case '/': sb_putc(&sb, '/'); break;
        case 'a': sb_putc(&sb, '\a'); break;
        case 'b': sb_putc(&sb, '\b'); break;
        case 'f': sb_putc(&sb, '\f'); break;
        case 'v': sb_putc(&sb, '\v'); break;
        case '\n': line_no++; break;
        default:
          if (c >= '0' && c <= '7') {
            int v = c - '0';
            for (int k = 0; k < 2 && src[pos] >= '0' && src[pos] <= '7'; k++) v = v * 8 + (src[pos++] - '0');
            sb_putc(&sb, (char)v);
          } else {
            sb_putc(&sb, '\\');
            sb_putc(&sb, c);
          }
      }
      continue;
    }
    sb_putc(&sb, c);
  }
  return sb_str(&sb);
}

static char *read_regex_literal(void) {
  strbuf sb = {0};
  int in_bracket = 0;
  for (;;) {
    char c = src[pos++];
    if (!c || c == '\n') syntax_error("Unexpected end of regex");
    if (c == '\\' && src[pos]) {
      if (src[pos] == '/') {
        sb_putc(&sb, '/');
        pos++;
      } else {
        sb_putc(&sb, c);
        sb_putc(&sb, src[pos++]);
      }
      continue;
    }
    if (c == '[') in_bracket = 1;
    else if (c == ']') in_bracket = 0;
    if (c == '/' && !in_bracket) break;
    sb_putc(&sb, c);
  }
  return sb_str(&sb);
}

static void next_token(void) {
  free(tok_text);
  tok_text = 0;
  for (;;) {
    while (src[pos] == ' ' || src[pos] == '\t' || src[pos] == '\r') pos++;
    if (src[pos] == '\\' && src[pos + 1] == '\n') {
      pos += 2;
      line_no++;
      continue;
    }
    if (src[pos] == '#') {
      while (src[pos] && src[pos] != '\n') pos++;
      continue;
    }
    break;
  }
  char c = src[pos];
  int allows = prev_allows_regex;
  prev_allows_regex = 1;
  if (!c) {
    tok = T_EOF;
    return;
  }
  if (c == '\n') {
    pos++;
    line_no++;
    tok = T_NEWLINE;
    return;
  }
  if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)src[pos + 1]))) {
    char *end;
    tok_num = strtod(src + pos, &end);
    /* no hex literals in awk */
    if (c == '0' && (src[pos + 1] == 'x' || src[pos + 1] == 'X')) {
      tok_num = 0;
      end = (char *)src + pos + 1;
    }
    pos = (size_t)(end - src);
    tok = T_NUMBER;
    prev_allows_regex = 0;
    return;
  }
  if (isalpha((unsigned char)c) || c == '_') {
    size_t start = pos;
    while (isalnum((unsigned char)src[pos]) || src[pos] == '_') pos++;
    tok_text = xstrndup(src + start, pos - start);
    for (size_t i = 0; i < ARRAY_SIZE(keywords); i++) {
      if (strcmp(tok_text, keywords[i]) == 0) {
        tok = keyword_toks[i];
        prev_allows_regex = tok != T_GETLINE;
        return;
      }
    }
    for (size_t i = 0; i < ARRAY_SIZE(builtins); i++) {
      if (strcmp(tok_text, builtins[i]) == 0) {
        tok = T_BUILTIN;
        prev_allows_regex = 0;
        return;
      }
    }
    tok = src[pos] == '(' ? T_FUNC_NAME : T_NAME;
    prev_allows_regex = 0;
    return;
  }
  if (c == '"') {
    pos++;
    tok_text = read_string_literal('"');
    tok = T_STRING;
    prev_allows_regex = 0;
    return;
  }
  if (c == '/' && allows) {
    pos++;
    tok_text = read_regex_literal();
    tok = T_ERE;
    prev_allows_regex = 0;
    return;
  }
  pos++;
  char d = src[pos];
#define TWO(ch, t2, t1) \
  if (d == (ch)) {      \
    pos++;              \
    tok = (t2);         \
  } else                \
    tok = (t1)
  switch (c) {
    case '{': tok = T_LBRACE; break;
    case '}': tok = T_RBRACE; prev_allows_regex = 1; break;
    case '(': tok = T_LPAREN; break;
    case ')': tok = T_RPAREN; prev_allows_regex = 0; break;
    case '[': tok = T_LBRACKET; break;
    case ']': tok = T_RBRACKET; prev_allows_regex = 0; break;
    case ';': tok = T_SEMI; break;
    case ',': tok = T_COMMA; break;
    case '+':
      if (d == '+') {
        pos++;
        tok = T_INCR;
        prev_allows_regex = 0;
      } else {
        TWO('=', T_ADD_ASSIGN, T_PLUS);
      }
      break;
    case '-':
      if (d == '-') {
        pos++;
        tok = T_DECR;
        prev_allows_regex = 0;
      } else {
        TWO('=', T_SUB_ASSIGN, T_MINUS);
      }
      break;
    case '*':
      if (d == '*') {
        pos++;
        if (src[pos] == '=') {
          pos++;
          tok = T_POW_ASSIGN;
        } else {
          tok = T_CARET;
        }
      } else {
        TWO('=', T_MUL_ASSIGN, T_STAR);
      }
      break;
    case '/': TWO('=', T_DIV_ASSIGN, T_SLASH); break;
    case '%': TWO('=', T_MOD_ASSIGN, T_PERCENT); break;
    case '^': TWO('=', T_POW_ASSIGN, T_CARET); break;
    case '!':
      if (d == '=') {
        pos++;
        tok = T_NE;
      } else if (d == '~') {
        pos++;
        tok = T_NOMATCH;
      } else {
        tok = T_NOT;
      }
      break;
    case '>':
      if (d == '=') {
        pos++;
        tok = T_GE;
      } else if (d == '>') {
        pos++;
        tok = T_APPEND;
      } else {
        tok = T_GT;
      }
      break;
    case '<': TWO('=', T_LE, T_LT); break;
    case '|': TWO('|', T_OR, T_PIPE); break;
    case '&':
      if (d == '&') {
        pos++;
        tok = T_AND;
      } else {
        syntax_error("Unexpected token");
      }
      break;
    case '=': TWO('=', T_EQ, T_ASSIGN); break;
    case '?': tok = T_QUESTION; break;
    case ':': tok = T_COLON; break;
    case '~': tok = T_MATCH; break;
    case '$': tok = T_DOLLAR; break;
    default: syntax_error("Unexpected token");
  }
#undef TWO
}

/* ---------------------------------------------------------------- syntax tree */

enum node_kind {
  N_NUM, N_STR, N_REGEX, N_VAR, N_FIELD, N_INDEX, N_ASSIGN, N_COND, N_OR, N_AND, N_IN, N_MATCH,
  N_BINARY, N_CMP, N_CONCAT, N_NOT, N_NEG, N_PLUS, N_PREINC, N_PREDEC, N_POSTINC, N_POSTDEC,
  N_CALL, N_BUILTIN, N_GETLINE, N_GROUP,
  /* statements */
  N_BLOCK, N_EXPR_STMT, N_PRINT, N_PRINTF, N_IF, N_WHILE, N_DO, N_FOR, N_FOR_IN, N_BREAK, N_CONTINUE,
  N_NEXT, N_NEXTFILE, N_EXIT, N_RETURN, N_DELETE, N_GETLINE_STMT,
};

struct node {
  enum node_kind kind;
  int op;              /* operator token, builtin index, getline form, redirection token */
  double num;
  char *str;
  regex_t *re;
  struct node *a, *b, *c, *d; /* operands / children */
  struct node **list;  /* arguments, block statements */
  int nlist;
  int var;             /* variable index (globals) or local slot (< 0: -1-slot) */
};

static struct node *mk(enum node_kind k) {
  struct node *n = xzalloc(sizeof *n);
  n->kind = k;
  return n;
}

static void list_add(struct node *n, struct node *item) {
  n->list = xrealloc(n->list, sizeof *n->list * (size_t)(n->nlist + 1));
  n->list[n->nlist++] = item;
}

/* Global variables by name; special ones first. */
static char **var_names;
static int nvars;
enum { V_NR, V_NF, V_FNR, V_FS, V_OFS, V_ORS, V_RS, V_FILENAME, V_SUBSEP, V_RSTART, V_RLENGTH, V_CONVFMT, V_OFMT,
       V_ENVIRON, V_ARGC, V_ARGV, NSPECIAL };
static const char *const special_names[NSPECIAL] = {"NR", "NF", "FNR", "FS", "OFS", "ORS", "RS", "FILENAME", "SUBSEP",
                                                   "RSTART", "RLENGTH", "CONVFMT", "OFMT", "ENVIRON", "ARGC", "ARGV"};

struct var {
  struct cell val;
  struct array *arr;
  int borrowed;        /* arr belongs to the caller (function parameters) */
  struct var *source;  /* an untyped caller variable: used as an array, it becomes the caller's array */
};
static struct var *vars;
static int vars_allocated;

/* Grows `vars` to every variable name known so far (names can appear after parsing: -v, ARGV). */
static void ensure_vars(void) {
  if (vars_allocated >= nvars) return;
  vars = xrealloc(vars, sizeof *vars * (size_t)nvars);
  for (int i = vars_allocated; i < nvars; i++) {
    memset(&vars[i], 0, sizeof vars[i]);
    vars[i].val = (struct cell){V_STR | V_STRNUM, 0, xstrdup("")};
  }
  vars_allocated = nvars;
}

static int var_index(const char *name) {
  for (int i = 0; i < nvars; i++) {
    if (strcmp(var_names[i], name) == 0) return i;
  }
  var_names = xrealloc(var_names, sizeof *var_names * (size_t)(nvars + 1));
  var_names[nvars] = xstrdup(name);
  return nvars++;
}

struct func {
  char *name;
  char **params;
  int nparams;
  struct node *body;
};
static struct func *funcs;
static int nfuncs;
static char **cur_params; /* while parsing a function body */
static int cur_nparams;

static int func_index(const char *name) {
  for (int i = 0; i < nfuncs; i++) {
    if (strcmp(funcs[i].name, name) == 0) return i;
  }
  funcs = xrealloc(funcs, sizeof *funcs * (size_t)(nfuncs + 1));
  memset(&funcs[nfuncs], 0, sizeof *funcs);
  funcs[nfuncs].name = xstrdup(name);
  return nfuncs++;
}

static struct node *name_ref(const char *name) {
  struct node *n = mk(N_VAR);
  for (int i = 0; i < cur_nparams; i++) {
    if (strcmp(cur_params[i], name) == 0) {
      n->var = -1 - i;
      return n;
    }
  }
  n->var = var_index(name);
  return n;
}

static regex_t *compile_ere(const char *s) {
  regex_t *re = xzalloc(sizeof *re);
  int err = regcomp(re, s, REG_EXTENDED);
  if (err) {
    char msg[128];
    regerror(err, re, msg, sizeof msg);
    bb_error_msg_and_die("bad regex '%s': %s", s, msg);
  }
  return re;
}

/* ---------------------------------------------------------------- parser */

static void expect(enum tok t) {
  if (tok != t) syntax_error("Unexpected token");
  next_token();
}

static void opt_newlines(void) {
  while (tok == T_NEWLINE) next_token();
}

static struct node *expr(int no_in, int no_gt);
static struct node *statement(void);

static struct node *primary(int no_in, int no_gt);

/* Whether the current token can start an expression (for concatenation). */
static int starts_expr(void) {
  switch (tok) {
    case T_NUMBER: case T_STRING: case T_ERE: case T_NAME: case T_FUNC_NAME: case T_BUILTIN: case T_DOLLAR:
    case T_NOT: case T_LPAREN: case T_MINUS: case T_PLUS: case T_INCR: case T_DECR:
      return 1;
    default:
      return 0;
  }
}

static int is_lvalue(struct node *n) { return n->kind == N_VAR || n->kind == N_FIELD || n->kind == N_INDEX; }

static struct node *postfix(struct node *n) {
  if (is_lvalue(n) && (tok == T_INCR || tok == T_DECR)) {
    struct node *p = mk(tok == T_INCR ? N_POSTINC : N_POSTDEC);
    p->a = n;
    next_token();
    return p;
  }
  return n;
}

static struct node *simple_getline_target(void) {
  /* getline's optional variable: $expr, NAME, NAME[...] */
  if (tok == T_DOLLAR || tok == T_NAME) return primary(0, 1);
  return 0;
}

static struct node *primary(int no_in, int no_gt) {
  struct node *n;
  switch (tok) {
    case T_NUMBER:
      n = mk(N_NUM);
      n->num = tok_num;
      next_token();
      return n;
    case T_STRING:
      n = mk(N_STR);
      n->str = xstrdup(tok_text);
      next_token();
      return n;
    case T_ERE:
      n = mk(N_REGEX);
      n->str = xstrdup(tok_text);
      n->re = compile_ere(tok_text);
      next_token();
      return n;
    case T_DOLLAR: {
      next_token();
      n = mk(N_FIELD);
      if (tok == T_INCR || tok == T_DECR) {
        /* $++i */
        struct node *p = mk(tok == T_INCR ? N_PREINC : N_PREDEC);
        next_token();
        p->a = primary(no_in, no_gt);
        n->a = p;
      } else if (tok == T_MINUS || tok == T_PLUS || tok == T_NOT) {
        int t = tok;
        next_token();
        struct node *u = mk(t == T_MINUS ? N_NEG : t == T_PLUS ? N_PLUS : N_NOT);
        u->a = primary(no_in, no_gt);
        n->a = u;
      } else {
        n->a = primary(no_in, no_gt);
      }
      return postfix(n);
    }
    case T_NOT:
      next_token();
      n = mk(N_NOT);
      n->a = primary(no_in, no_gt);
      return n;
    case T_MINUS:
    case T_PLUS: {
      int t = tok;
      next_token();
      n = mk(t == T_MINUS ? N_NEG : N_PLUS);
      n->a = primary(no_in, no_gt);
      /* unary minus binds looser than ^ */
      if (tok == T_CARET) {
        next_token();
        struct node *pw = mk(N_BINARY);
        pw->op = T_CARET;
        pw->a = n->a;
        pw->b = primary(no_in, no_gt);
        n->a = pw;
      }
      return n;
    }
    case T_INCR:
    case T_DECR: {
      int t = tok;
      next_token();
      n = mk(t == T_INCR ? N_PREINC : N_PREDEC);
      n->a = primary(no_in, no_gt);
      if (!is_lvalue(n->a)) syntax_error("Unexpected token");
      return n;
    }
    case T_LPAREN: {
      next_token();
      struct node *first = expr(0, 0);
      if (tok == T_COMMA) {
        /* (a, b) in arr */
        struct node *g = mk(N_GROUP);
        list_add(g, first);
        while (tok == T_COMMA) {
          next_token();
          opt_newlines();
          list_add(g, expr(0, 0));
        }
        expect(T_RPAREN);
        if (tok != T_IN) return g; /* print (a, b): the argument list */
        next_token();
        if (tok != T_NAME) syntax_error("Unexpected token");
        n = mk(N_IN);
        n->a = g;
        n->b = name_ref(tok_text);
        next_token();
        return n;
      }
      expect(T_RPAREN);
      n = mk(N_GROUP);
      list_add(n, first);
      return postfix(n);
    }
    case T_NAME: {
      char *name = xstrdup(tok_text);
      next_token();
      if (tok == T_LBRACKET) {
        next_token();
        n = mk(N_INDEX);
        n->a = name_ref(name);
        struct node *sub = mk(N_GROUP);
        list_add(sub, expr(0, 0));
        while (tok == T_COMMA) {
          next_token();
          opt_newlines();
          list_add(sub, expr(0, 0));
        }
        expect(T_RBRACKET);
        n->b = sub;
        free(name);
        return postfix(n);
      }
      n = name_ref(name);
      free(name);
      return postfix(n);
    }
    case T_FUNC_NAME: {
      n = mk(N_CALL);
      n->var = func_index(tok_text);
      next_token();
      expect(T_LPAREN);
      opt_newlines();
      if (tok != T_RPAREN) {
        list_add(n, expr(0, 0));
        while (tok == T_COMMA) {
          next_token();
          opt_newlines();
          list_add(n, expr(0, 0));
        }
      }
      expect(T_RPAREN);
      return n;
    }
    case T_BUILTIN: {
      n = mk(N_BUILTIN);
      for (size_t i = 0; i < ARRAY_SIZE(builtins); i++) {
        if (strcmp(tok_text, builtins[i]) == 0) n->op = (int)i;
      }
      next_token();
      if (tok == T_LPAREN) {
        next_token();
        opt_newlines();
        if (tok != T_RPAREN) {
          list_add(n, expr(0, 0));
          while (tok == T_COMMA) {
            next_token();
            opt_newlines();
            list_add(n, expr(0, 0));
          }
        }
        expect(T_RPAREN);
      } else if (n->op != 0) {
        syntax_error("Unexpected token");
      }
      return n;
    }
    case T_GETLINE: {
      next_token();
      n = mk(N_GETLINE);
      n->op = 0; /* plain */
      n->a = simple_getline_target();
      if (tok == T_LT) {
        next_token();
        n->op = T_LT;
        n->b = primary(1, 1);
      }
      return n;
    }
    default:
      syntax_error("Unexpected token");
  }
}

/* Precedence climbing over awk's binary operators (lowest first). */
static struct node *unary_pow(int no_in, int no_gt) {
  struct node *left = primary(no_in, no_gt);
  if (tok == T_CARET) {
    next_token();
    struct node *n = mk(N_BINARY);
    n->op = T_CARET;
    n->a = left;
    n->b = unary_pow(no_in, no_gt); /* right associative */
    return n;
  }
  return left;
}

static struct node *mul(int no_in, int no_gt) {
  struct node *left = unary_pow(no_in, no_gt);
  while (tok == T_STAR || tok == T_SLASH || tok == T_PERCENT) {
    int op = tok;
    next_token();
    struct node *n = mk(N_BINARY);
    n->op = op;
    n->a = left;
    n->b = unary_pow(no_in, no_gt);
    left = n;
  }
  return left;
}

static struct node *add(int no_in, int no_gt) {
  struct node *left = mul(no_in, no_gt);
  while (tok == T_PLUS || tok == T_MINUS) {
    int op = tok;
    next_token();
    struct node *n = mk(N_BINARY);
    n->op = op;
    n->a = left;
    n->b = mul(no_in, no_gt);
    left = n;
  }
  return left;
}

static struct node *concat(int no_in, int no_gt) {
  struct node *left = add(no_in, no_gt);
  while (starts_expr() && !(tok == T_IN && no_in)) {
    if (tok == T_GETLINE) break;
    struct node *n = mk(N_CONCAT);
    n->a = left;
    n->b = add(no_in, no_gt);
    left = n;
  }
  return left;
}

static struct node *comparison(int no_in, int no_gt) {
  struct node *left = concat(no_in, no_gt);
  for (;;) {
    int op = tok;
    if (op == T_LT || op == T_LE || op == T_NE || op == T_EQ || op == T_GE || (op == T_GT && !no_gt)) {
      next_token();
      struct node *n = mk(N_CMP);
      n->op = op;
      n->a = left;
      n->b = concat(no_in, no_gt);
      left = n;
    } else if (op == T_PIPE && !no_gt) {
      /* cmd | getline [var] (in print's arguments "|" is the output pipe) */
      next_token();
      if (tok != T_GETLINE) syntax_error("Unexpected token");
      next_token();
      struct node *n = mk(N_GETLINE);
      n->op = T_PIPE;
      n->b = left;
      n->a = simple_getline_target();
      left = n;
    } else {
      return left;
    }
  }
}

static struct node *match_expr(int no_in, int no_gt) {
  struct node *left = comparison(no_in, no_gt);
  while (tok == T_MATCH || tok == T_NOMATCH) {
    int op = tok;
    next_token();
    struct node *n = mk(N_MATCH);
    n->op = op;
    n->a = left;
    n->b = comparison(no_in, no_gt);
    left = n;
  }
  return left;
}

static struct node *in_expr(int no_in, int no_gt) {
  struct node *left = match_expr(no_in, no_gt);
  while (tok == T_IN && !no_in) {
    next_token();
    if (tok != T_NAME) syntax_error("Unexpected token");
    struct node *n = mk(N_IN);
    struct node *g = mk(N_GROUP);
    list_add(g, left);
    n->a = g;
    n->b = name_ref(tok_text);
    next_token();
    left = n;
  }
  return left;
}

static struct node *and_expr(int no_in, int no_gt) {
  struct node *left = in_expr(no_in, no_gt);
  while (tok == T_AND) {
    next_token();
    opt_newlines();
    struct node *n = mk(N_AND);
    n->a = left;
    n->b = in_expr(no_in, no_gt);
    left = n;
  }
  return left;
}

static struct node *or_expr(int no_in, int no_gt) {
  struct node *left = and_expr(no_in, no_gt);
  while (tok == T_OR) {
    next_token();
    opt_newlines();
    struct node *n = mk(N_OR);
    n->a = left;
    n->b = and_expr(no_in, no_gt);
    left = n;
  }
  return left;
}

static struct node *ternary(int no_in, int no_gt) {
  struct node *cond = or_expr(no_in, no_gt);
  if (tok != T_QUESTION) return cond;
  next_token();
  opt_newlines();
  struct node *n = mk(N_COND);
  n->a = cond;
  n->b = ternary(no_in, no_gt);
  opt_newlines();
  expect(T_COLON);
  opt_newlines();
  n->c = ternary(no_in, no_gt);
  return n;
}

static struct node *expr(int no_in, int no_gt) {
  struct node *left = ternary(no_in, no_gt);
  if (is_lvalue(left) || (left->kind == N_GROUP && left->nlist == 1 && is_lvalue(left->list[0]))) {
    int op = tok;
    if (op == T_ASSIGN || op == T_ADD_ASSIGN || op == T_SUB_ASSIGN || op == T_MUL_ASSIGN || op == T_DIV_ASSIGN ||
        op == T_MOD_ASSIGN || op == T_POW_ASSIGN) {
      next_token();
      opt_newlines();
      struct node *n = mk(N_ASSIGN);
      n->op = op;
      n->a = left->kind == N_GROUP ? left->list[0] : left;
      n->b = expr(no_in, no_gt);
      return n;
    }
  }
  return left;
}

static void end_simple_statement(void) {
  if (tok == T_SEMI || tok == T_NEWLINE) {
    next_token();
    return;
  }
  if (tok == T_RBRACE || tok == T_EOF) return;
  syntax_error("Unexpected token");
}

static struct node *block(void) {
  expect(T_LBRACE);
  struct node *b = mk(N_BLOCK);
  for (;;) {
    while (tok == T_NEWLINE || tok == T_SEMI) next_token();
    if (tok == T_RBRACE) break;
    if (tok == T_EOF) syntax_error("Unexpected token");
    list_add(b, statement());
  }
  next_token();
  return b;
}

static struct node *simple_or_block(void) {
  opt_newlines();
  if (tok == T_SEMI) {
    next_token();
    return mk(N_BLOCK);
  }
  return statement();
}

static struct node *print_statement(int printf_) {
  struct node *n = mk(printf_ ? N_PRINTF : N_PRINT);
  next_token();
  if (tok != T_SEMI && tok != T_NEWLINE && tok != T_RBRACE && tok != T_GT && tok != T_APPEND && tok != T_PIPE &&
      tok != T_EOF) {
    list_add(n, expr(0, 1));
    while (tok == T_COMMA) {
      next_token();
      opt_newlines();
      list_add(n, expr(0, 1));
    }
    /* print (a, b): the parenthesised list is the argument list. */
    if (n->nlist == 1 && n->list[0]->kind == N_GROUP && n->list[0]->nlist > 1) {
      struct node *g = n->list[0];
      n->list = g->list;
      n->nlist = g->nlist;
    }
  }
  if (tok == T_GT || tok == T_APPEND || tok == T_PIPE) {
    n->op = tok;
    next_token();
    n->a = concat(0, 1);
  }
  return n;
}

static struct node *statement(void) {
  struct node *n;
  switch (tok) {
    case T_LBRACE:
      return block();
    case T_IF:
      next_token();
      expect(T_LPAREN);
      n = mk(N_IF);
      n->a = expr(0, 0);
      expect(T_RPAREN);
      n->b = simple_or_block();
      {
        /* "else" may follow newlines or a ';' */
        size_t save_pos = pos;
        int save_line = line_no;
        enum tok save_tok = tok;
        char *save_text = tok_text ? xstrdup(tok_text) : 0;
        while (tok == T_NEWLINE || tok == T_SEMI) next_token();
        if (tok == T_ELSE) {
          next_token();
          n->c = simple_or_block();
          free(save_text);
        } else {
          pos = save_pos;
          line_no = save_line;
          tok = save_tok;
          free(tok_text);
          tok_text = save_text;
        }
      }
      return n;
    case T_WHILE:
      next_token();
      expect(T_LPAREN);
      n = mk(N_WHILE);
      n->a = expr(0, 0);
      expect(T_RPAREN);
      if (tok == T_SEMI) {
        next_token();
        n->b = mk(N_BLOCK);
        return n;
      }
      n->b = simple_or_block();
      return n;
    case T_DO:
      next_token();
      n = mk(N_DO);
      n->b = simple_or_block();
      while (tok == T_NEWLINE || tok == T_SEMI) next_token();
      expect(T_WHILE);
      expect(T_LPAREN);
      n->a = expr(0, 0);
      expect(T_RPAREN);
      end_simple_statement();
      return n;
    case T_FOR: {
      next_token();
      expect(T_LPAREN);
      /* for (k in arr) */
      if (tok == T_NAME) {
        size_t save_pos = pos;
        int save_line = line_no;
        char *name = xstrdup(tok_text);
        next_token();
        if (tok == T_IN) {
          next_token();
          if (tok != T_NAME) syntax_error("Unexpected token");
          n = mk(N_FOR_IN);
          n->a = name_ref(name);
          n->b = name_ref(tok_text);
          next_token();
          expect(T_RPAREN);
          n->c = simple_or_block();
          free(name);
          return n;
        }
        pos = save_pos;
        line_no = save_line;
        free(tok_text);
        tok_text = name;
        tok = T_NAME;
        prev_allows_regex = 0;
      }
      n = mk(N_FOR);
      if (tok != T_SEMI) n->a = expr(0, 0);
      expect(T_SEMI);
      opt_newlines();
      if (tok != T_SEMI) n->b = expr(0, 0);
      expect(T_SEMI);
      opt_newlines();
      if (tok != T_RPAREN) n->c = expr(0, 0);
      expect(T_RPAREN);
      if (tok == T_SEMI) {
        next_token();
        n->d = mk(N_BLOCK);
        return n;
      }
      n->d = simple_or_block();
      return n;
    }
    case T_SEMI:
      next_token();
      return mk(N_BLOCK);
    case T_BREAK:
    case T_CONTINUE:
    case T_NEXT:
    case T_NEXTFILE:
      n = mk(tok == T_BREAK ? N_BREAK : tok == T_CONTINUE ? N_CONTINUE : tok == T_NEXT ? N_NEXT : N_NEXTFILE);
      next_token();
      end_simple_statement();
      return n;
    case T_EXIT:
    case T_RETURN:
      n = mk(tok == T_EXIT ? N_EXIT : N_RETURN);
      next_token();
      if (tok != T_SEMI && tok != T_NEWLINE && tok != T_RBRACE && tok != T_EOF) n->a = expr(0, 0);
      end_simple_statement();
      return n;
    case T_DELETE:
      next_token();
      if (tok != T_NAME) syntax_error("Unexpected token");
      n = mk(N_DELETE);
      n->a = primary(0, 0); /* NAME or NAME[...] */
      end_simple_statement();
      return n;
    case T_PRINT:
    case T_PRINTF:
      n = print_statement(tok == T_PRINTF);
      end_simple_statement();
      return n;
    default:
      n = mk(N_EXPR_STMT);
      n->a = expr(0, 0);
      end_simple_statement();
      return n;
  }
}

struct rule {
  int kind; /* 0 pattern, 1 BEGIN, 2 END, 3 range */
  struct node *pattern, *pattern2;
  struct node *action; /* NULL: print $0 */
  int in_range;
};
static struct rule *rules;
static int nrules;

static void parse_program(const char *text) {
  src = text;
  pos = 0;
  line_no = 1;
  next_token();
  for (;;) {
    while (tok == T_NEWLINE || tok == T_SEMI) next_token();
    if (tok == T_EOF) break;
    if (tok == T_FUNCTION) {
      next_token();
      if (tok != T_NAME && tok != T_FUNC_NAME) syntax_error("Unexpected token");
      int f = func_index(tok_text);
      next_token();
      expect(T_LPAREN);
      char **params = 0;
      int np = 0;
      while (tok == T_NAME) {
        params = xrealloc(params, sizeof *params * (size_t)(np + 1));
        params[np++] = xstrdup(tok_text);
        next_token();
        if (tok == T_COMMA) {
          next_token();
          opt_newlines();
        }
      }
      expect(T_RPAREN);
      opt_newlines();
      cur_params = params;
      cur_nparams = np;
      funcs[f].params = params;
      funcs[f].nparams = np;
      funcs[f].body = block();
      cur_params = 0;
      cur_nparams = 0;
      continue;
    }
    rules = xrealloc(rules, sizeof *rules * (size_t)(nrules + 1));
    struct rule *r = &rules[nrules];
    memset(r, 0, sizeof *r);
    if (tok == T_BEGIN || tok == T_END) {
      r->kind = tok == T_BEGIN ? 1 : 2;
      next_token();
      opt_newlines();
      r->action = block();
    } else {
      if (tok != T_LBRACE) {
        r->pattern = expr(0, 0);
        if (tok == T_COMMA) {
          next_token();
          opt_newlines();
          r->kind = 3;
          r->pattern2 = expr(0, 0);
        }
      }
      if (tok == T_LBRACE) r->action = block();
    }
    nrules++;
  }
}

/* ---------------------------------------------------------------- fields and records */

static char *record;    /* $0 */
static size_t record_len;
static struct cell *fields; /* $1.. */
static int nfields, fields_cap;
static int fields_valid;  /* fields split from record */
static int record_valid = 1; /* record up to date with fields */

static struct cell *var_cell(int v) { return &vars[v].val; }

static double var_num(int v) { return to_num(var_cell(v)); }

static char *var_str(int v) { return to_str(var_cell(v)); }

static void set_var_num(int v, double d) {
  cell_free(&vars[v].val);
  vars[v].val = cell_num(d);
}

static void set_var_str(int v, const char *s) {
  cell_free(&vars[v].val);
  vars[v].val = cell_str(s);
}

static void split_record(void) {
  for (int i = 0; i < nfields; i++) cell_free(&fields[i]);
  nfields = 0;
  char *fs = var_str(V_FS);
  const char *s = record ? record : "";
  size_t len = strlen(s);
  char **parts = 0;
  size_t *plen = 0;
  int n = 0;
#define ADD(p, l)                                                          \
  do {                                                                     \
    parts = xrealloc(parts, sizeof *parts * (size_t)(n + 1));              \
    plen = xrealloc(plen, sizeof *plen * (size_t)(n + 1));                 \
    parts[n] = (char *)(p);                                                \
    plen[n] = (l);                                                         \
    n++;                                                                   \
  } while (0)
  if (strcmp(fs, " ") == 0) {
    const char *p = s;
    for (;;) {
      while (*p == ' ' || *p == '\t' || *p == '\n') p++;
      if (!*p) break;
      const char *start = p;
      while (*p && *p != ' ' && *p != '\t' && *p != '\n') p++;
      ADD(start, (size_t)(p - start));
    }
  } else if (len == 0) {
  } else if (fs[0] == 0) {
    /* An empty FS splits into characters. */
    for (size_t i = 0; i < len; i++) ADD(s + i, 1);
  } else if (strlen(fs) == 1 && fs[0] != '\\') {
    const char *p = s;
    for (;;) {
      const char *e = strchr(p, fs[0]);
      if (!e) {
        ADD(p, strlen(p));
        break;
      }
      ADD(p, (size_t)(e - p));
      p = e + 1;
    }
  } else {
    regex_t re;
    if (regcomp(&re, fs, REG_EXTENDED) != 0) bb_error_msg_and_die("bad regex '%s'", fs);
    const char *p = s;
    regmatch_t m;
    while (*p && regexec(&re, p, 1, &m, p == s ? 0 : REG_NOTBOL) == 0 && m.rm_eo > m.rm_so) {
      ADD(p, (size_t)m.rm_so);
      p += m.rm_eo;
    }
    ADD(p, strlen(p));
    regfree(&re);
  }
#undef ADD
  free(fs);
  if (n > fields_cap) {
    fields = xrealloc(fields, sizeof *fields * (size_t)n);
    fields_cap = n;
  }
  for (int i = 0; i < n; i++) {
    char *t = xstrndup(parts[i], plen[i]);
    fields[i] = cell_input(t);
    free(t);
  }
  nfields = n;
  free(parts);
  free(plen);
  fields_valid = 1;
  set_var_num(V_NF, n);
}

static void ensure_fields(void) {
  if (!fields_valid) split_record();
}

static void rebuild_record(void) {
  char *ofs = var_str(V_OFS);
  strbuf sb = {0};
  for (int i = 0; i < nfields; i++) {
    if (i) sb_puts(&sb, ofs);
    char *t = to_str_fmt(&fields[i], ofmt);
    sb_puts(&sb, t);
    free(t);
  }
  free(ofs);
  free(record);
  record = sb_str(&sb);
  record_len = sb.len;
  record_valid = 1;
}

static void set_record(const char *s, size_t len) {
  free(record);
  record = xstrndup(s, len);
  record_len = len;
  fields_valid = 0;
  record_valid = 1;
  split_record();
}

static void set_nf(int n) {
  ensure_fields();
  if (n < 0) n = 0;
  if (n > fields_cap) {
    fields = xrealloc(fields, sizeof *fields * (size_t)n);
    fields_cap = n;
  }
  for (int i = nfields; i < n; i++) fields[i] = (struct cell){V_STR | V_STRNUM, 0, xstrdup("")};
  for (int i = n; i < nfields; i++) cell_free(&fields[i]);
  nfields = n;
  rebuild_record();
  set_var_num(V_NF, n);
}

/* ---------------------------------------------------------------- input */

struct input_stream {
  char *name;
  FILE *f;
  int is_cmd;
  struct input_stream *next;
};
static struct input_stream *streams;

struct output_stream {
  char *name;
  FILE *f;
  int is_cmd;
  struct output_stream *next;
};
static struct output_stream *outputs;

/* Reads one record from f with RS; 0 at EOF. */
static int read_record(FILE *f, strbuf *out) {
  char *rs = var_str(V_RS);
  out->len = 0;
  int c;
  if (rs[0] == 0) {
    /* Paragraph mode: records separated by blank lines; newline is also a field separator. */
    while ((c = getc(f)) == '\n') {
    }
    if (c == EOF) {
      free(rs);
      return 0;
    }
    for (;;) {
      if (c == '\n') {
        int d = getc(f);
        if (d == '\n' || d == EOF) {
          while (d == '\n') d = getc(f);
          if (d != EOF) ungetc(d, f);
          break;
        }
        sb_putc(out, '\n');
        c = d;
        continue;
      }
      if (c == EOF) break;
      sb_putc(out, (char)c);
      c = getc(f);
    }
    free(rs);
    sb_str(out);
    return 1;
  }
  char sep = rs[0];
  free(rs);
  int any = 0;
  while ((c = getc(f)) != EOF) {
    any = 1;
    if (c == sep) break;
    sb_putc(out, (char)c);
  }
  sb_str(out);
  return any;
}

/* Main input: the files of ARGV (VAR=VAL assignments applied in turn), or stdin. */
static int argv_index = 1;
static FILE *main_in;
static int used_any_file;

static void assign_from_arg(const char *arg);

static int next_main_record(strbuf *rec) {
  for (;;) {
    if (!main_in) {
      int argc = (int)var_num(V_ARGC);
      int opened = 0;
      while (argv_index < argc) {
        char key[32];
        snprintf(key, sizeof key, "%d", argv_index++);
        struct entry *e = array_find(vars[V_ARGV].arr, key, 0);
        if (!e) continue;
        char *arg = to_str(&e->val);
        if (!arg[0]) {
          free(arg);
          continue;
        }
        if (strchr(arg, '=') && (isalpha((unsigned char)arg[0]) || arg[0] == '_')) {
          const char *eq = strchr(arg, '=');
          int ok = 1;
          for (const char *p = arg; p < eq; p++) ok &= isalnum((unsigned char)*p) || *p == '_';
          if (ok) {
            assign_from_arg(arg);
            free(arg);
            continue;
          }
        }
        used_any_file = 1;
        if (strcmp(arg, "-") == 0) {
          main_in = stdin;
        } else {
          main_in = fopen(arg, "r");
          if (!main_in) {
            bb_perror_msg("%s", arg);
            free(arg);
            fflush_stdout_and_exit(1);
          }
          bb_big_buffer(main_in);
        }
        set_var_str(V_FILENAME, arg);
        set_var_num(V_FNR, 0);
        free(arg);
        opened = 1;
        break;
      }
      if (!opened) {
        if (used_any_file) return 0;
        used_any_file = 1;
        main_in = stdin;
        set_var_num(V_FNR, 0);
      }
    }
    if (read_record(main_in, rec)) {
      set_var_num(V_NR, var_num(V_NR) + 1);
      set_var_num(V_FNR, var_num(V_FNR) + 1);
      return 1;
    }
    if (main_in != stdin) fclose(main_in);
    main_in = 0;
  }
}

static FILE *get_output(const char *name, int how) {
  for (struct output_stream *o = outputs; o; o = o->next) {
    if (strcmp(o->name, name) == 0 && o->is_cmd == (how == T_PIPE)) return o->f;
  }
  FILE *f;
  if (how == T_PIPE) {
    fflush_all();
    f = popen(name, "w");
  } else if (strcmp(name, "/dev/stdout") == 0 || strcmp(name, "-") == 0) {
    f = stdout;
  } else if (strcmp(name, "/dev/stderr") == 0) {
    f = stderr;
  } else {
    f = fopen(name, how == T_APPEND ? "a" : "w");
  }
  if (!f) bb_perror_msg_and_die("can't open '%s'", name);
  struct output_stream *o = xzalloc(sizeof *o);
  o->name = xstrdup(name);
  o->f = f;
  o->is_cmd = how == T_PIPE;
  o->next = outputs;
  outputs = o;
  return f;
}

static int close_stream(const char *name) {
  int result = -1;
  for (struct output_stream **p = &outputs; *p; p = &(*p)->next) {
    if (strcmp((*p)->name, name) == 0) {
      struct output_stream *o = *p;
      *p = o->next;
      if (o->is_cmd) {
        int st = pclose(o->f);
        result = st >= 0 ? (st >> 8) & 0xff : -1;
      } else if (o->f != stdout && o->f != stderr) {
        result = fclose(o->f);
      } else {
        result = fflush(o->f);
      }
      free(o->name);
      free(o);
      break;
    }
  }
  for (struct input_stream **p = &streams; *p; p = &(*p)->next) {
    if (strcmp((*p)->name, name) == 0) {
      struct input_stream *s = *p;
      *p = s->next;
      if (s->is_cmd) {
        int st = pclose(s->f);
        result = st >= 0 ? (st >> 8) & 0xff : -1;
      } else {
        result = fclose(s->f);
      }
      free(s->name);
      free(s);
      break;
    }
  }
  return result;
}

static FILE *get_input(const char *name, int is_cmd) {
  for (struct input_stream *s = streams; s; s = s->next) {
    if (strcmp(s->name, name) == 0 && s->is_cmd == is_cmd) return s->f;
  }
  FILE *f;
  if (is_cmd) {
    fflush_all();
    f = popen(name, "r");
  } else if (strcmp(name, "-") == 0 || strcmp(name, "/dev/stdin") == 0) {
    f = stdin;
  } else {
    f = fopen(name, "r");
  }
  if (!f) return 0;
  struct input_stream *s = xzalloc(sizeof *s);
  s->name = xstrdup(name);
  s->f = f;
  s->is_cmd = is_cmd;
  s->next = streams;
  streams = s;
  return f;
}

/* ---------------------------------------------------------------- evaluation */

struct frame {
  struct var *locals;
  int nlocals;
};
static struct frame *frame;

enum { FLOW_NONE, FLOW_BREAK, FLOW_CONTINUE, FLOW_NEXT, FLOW_NEXTFILE, FLOW_EXIT, FLOW_RETURN };
static int flow;
static struct cell return_value;
static int exit_code;

static struct cell eval(struct node *n);
static void exec_stmt(struct node *s);

static struct var *var_of(struct node *n) {
  if (n->var < 0) return &frame->locals[-1 - n->var];
  return &vars[n->var];
}

static struct array *array_of(struct node *n) {
  struct var *v = var_of(n);
  if (!v->arr) {
    if (v->source) {
      if (!v->source->arr) v->source->arr = array_new();
      v->arr = v->source->arr;
      v->borrowed = 1;
    } else {
      v->arr = array_new();
    }
  }
  return v->arr;
}

static char *subscript(struct node *g) {
  if (g->nlist == 1) {
    struct cell c = eval(g->list[0]);
    char *s = to_str(&c);
    cell_free(&c);
    return s;
  }
  char *subsep = var_str(V_SUBSEP);
  strbuf sb = {0};
  for (int i = 0; i < g->nlist; i++) {
    if (i) sb_puts(&sb, subsep);
    struct cell c = eval(g->list[i]);
    char *s = to_str(&c);
    sb_puts(&sb, s);
    free(s);
    cell_free(&c);
  }
  free(subsep);
  return sb_str(&sb);
}

static int field_index(struct node *n) {
  struct cell c = eval(n->a);
  double d = to_num(&c);
  cell_free(&c);
  if (d < 0) bb_error_msg_and_die("cmd. line:%d: Access to negative field", line_no);
  return (int)d;
}

static struct cell get_field(int i) {
  if (i == 0) {
    if (!record_valid) rebuild_record();
    return cell_input(record ? record : "");
  }
  ensure_fields();
  if (i > nfields) return (struct cell){V_STR | V_STRNUM, 0, xstrdup("")};
  return cell_copy(&fields[i - 1]);
}

static void set_field(int i, struct cell v) {
  if (i == 0) {
    char *s = to_str(&v);
    set_record(s, strlen(s));
    free(s);
    cell_free(&v);
    return;
  }
  ensure_fields();
  if (i > nfields) set_nf(i);
  cell_free(&fields[i - 1]);
  fields[i - 1] = v;
  rebuild_record();
}

/* Reads the current value of an lvalue. */
static struct cell get_lvalue(struct node *n) {
  if (n->kind == N_VAR) {
    if (n->var == V_NF) ensure_fields();
    return cell_copy(&var_of(n)->val);
  }
  if (n->kind == N_FIELD) return get_field(field_index(n));
  char *key = subscript(n->b);
  struct entry *e = array_find(array_of(n->a), key, 1);
  free(key);
  return cell_copy(&e->val);
}

static void set_lvalue(struct node *n, struct cell v) {
  if (n->kind == N_VAR) {
    struct var *var = var_of(n);
    if (var->arr) bb_error_msg_and_die("cmd. line:%d: Can't assign to an array", line_no);
    cell_free(&var->val);
    var->val = v;
    if (n->var == V_NF) set_nf((int)to_num(&v));
    return;
  }
  if (n->kind == N_FIELD) {
    set_field(field_index(n), v);
    return;
  }
  char *key = subscript(n->b);
  struct entry *e = array_find(array_of(n->a), key, 1);
  free(key);
  cell_free(&e->val);
  e->val = v;
}

static regex_t *dynamic_regex(struct node *n, struct cell *c) {
  if (n->kind == N_REGEX) return n->re;
  /* Cache of regexes built from strings. */
  static struct {
    char *src;
    regex_t re;
  } cache[16];
  static int next;
  char *s = to_str(c);
  for (int i = 0; i < 16; i++) {
    if (cache[i].src && strcmp(cache[i].src, s) == 0) {
      free(s);
      return &cache[i].re;
    }
  }
  int k = next++ % 16;
  if (cache[k].src) {
    regfree(&cache[k].re);
    free(cache[k].src);
  }
  if (regcomp(&cache[k].re, s, REG_EXTENDED) != 0) bb_error_msg_and_die("bad regex '%s'", s);
  cache[k].src = s;
  return &cache[k].re;
}

static int match_regex(struct node *re_node, const char *s, regmatch_t *m) {
  struct cell c = {0};
  if (re_node->kind != N_REGEX) c = eval(re_node);
  regex_t *re = dynamic_regex(re_node, &c);
  cell_free(&c);
  return regexec(re, s, m ? 1 : 0, m, 0) == 0;
}

static int compare(struct cell *a, struct cell *b) {
  int anum = (a->flags & V_NUM) || (a->flags & V_STRNUM) || (!a->str);
  int bnum = (b->flags & V_NUM) || (b->flags & V_STRNUM) || (!b->str);
  if (anum && bnum) {
    double x = to_num(a), y = to_num(b);
    return x < y ? -1 : x > y;
  }
  char *x = to_str(a), *y = to_str(b);
  int r = strcmp(x, y);
  free(x);
  free(y);
  return r;
}

static char *format(const char *fmt, struct node **args, int nargs) {
  strbuf out = {0};
  int ai = 0;
  for (const char *p = fmt; *p;) {
    if (*p != '%') {
      sb_putc(&out, *p++);
      continue;
    }
    if (p[1] == '%') {
      sb_putc(&out, '%');
      p += 2;
      continue;
    }
    char spec[64];
    size_t n = 0;
    spec[n++] = *p++;
    while (*p && strchr("-+ #0", *p) && n < 20) spec[n++] = *p++;
    while ((isdigit((unsigned char)*p) || *p == '*') && n < 40) {
      if (*p == '*') {
        struct cell c = ai < nargs ? eval(args[ai++]) : cell_num(0);
        n += (size_t)snprintf(spec + n, sizeof spec - n, "%d", (int)to_num(&c));
        cell_free(&c);
        p++;
      } else {
        spec[n++] = *p++;
      }
    }
    if (*p == '.') {
      spec[n++] = *p++;
      while ((isdigit((unsigned char)*p) || *p == '*') && n < 56) {
        if (*p == '*') {
          struct cell c = ai < nargs ? eval(args[ai++]) : cell_num(0);
          n += (size_t)snprintf(spec + n, sizeof spec - n, "%d", (int)to_num(&c));
          cell_free(&c);
          p++;
        } else {
          spec[n++] = *p++;
        }
      }
    }
    while (*p == 'h' || *p == 'l' || *p == 'L' || *p == 'q' || *p == 'j' || *p == 'z') p++;
    char conv = *p;
    if (!conv) {
      spec[n] = 0;
      sb_puts(&out, spec);
      break;
    }
    p++;
    struct cell c = ai < nargs ? eval(args[ai++]) : (struct cell){V_STR | V_STRNUM, 0, xstrdup("")};
    char buf[512];
    switch (conv) {
      case 'd':
      case 'i': {
        spec[n++] = 'l';
        spec[n++] = 'l';
        spec[n++] = 'd';
        spec[n] = 0;
        double d = to_num(&c);
        snprintf(buf, sizeof buf, spec, (long long)d);
        sb_puts(&out, buf);
        break;
      }
      case 'o':
      case 'x':
      case 'X':
      case 'u': {
        spec[n++] = 'l';
        spec[n++] = 'l';
        spec[n++] = conv;
        spec[n] = 0;
        double d = to_num(&c);
        snprintf(buf, sizeof buf, spec, (unsigned long long)(long long)d);
        sb_puts(&out, buf);
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
      case 'a':
      case 'A':
        spec[n++] = conv;
        spec[n] = 0;
        snprintf(buf, sizeof buf, spec, to_num(&c));
        sb_puts(&out, buf);
        break;
      case 'c': {
        char ch[2] = {0, 0};
        if ((c.flags & V_NUM) && !(c.flags & V_STR)) ch[0] = (char)(int)c.num;
        else ch[0] = c.str ? c.str[0] : 0;
        spec[n++] = 's';
        spec[n] = 0;
        if (ch[0] == 0) {
          sb_putc(&out, 0);
        } else {
          snprintf(buf, sizeof buf, spec, ch);
          sb_puts(&out, buf);
        }
        break;
      }
      case 's': {
        spec[n++] = 's';
        spec[n] = 0;
        char *s = to_str(&c);
        int len = snprintf(0, 0, spec, s);
        char *big = xmalloc((size_t)len + 1);
        snprintf(big, (size_t)len + 1, spec, s);
        sb_append(&out, big, (size_t)len);
        free(big);
        free(s);
        break;
      }
      default:
        spec[n++] = conv;
        spec[n] = 0;
        sb_puts(&out, spec);
    }
    cell_free(&c);
  }
  return sb_str(&out);
}

/* sub/gsub: replaces in *target; returns the number of replacements. */
static int substitute(struct node *re_node, const char *repl, char **target, int global) {
  struct cell c = {0};
  if (re_node->kind != N_REGEX) c = eval(re_node);
  regex_t *re = dynamic_regex(re_node, &c);
  cell_free(&c);
  const char *s = *target;
  size_t len = strlen(s);
  strbuf out = {0};
  size_t p = 0;
  int count = 0;
  while (p <= len) {
    regmatch_t m;
    if (regexec(re, s + p, 1, &m, p > 0 ? REG_NOTBOL : 0) != 0) break;
    size_t ms = p + (size_t)m.rm_so, me = p + (size_t)m.rm_eo;
    sb_append(&out, s + p, ms - p);
    for (const char *r = repl; *r; r++) {
      if (*r == '\\' && (r[1] == '&' || r[1] == '\\')) {
        sb_putc(&out, *++r);
      } else if (*r == '&') {
        sb_append(&out, s + ms, me - ms);
      } else {
        sb_putc(&out, *r);
      }
    }
    count++;
    if (me == ms) {
      if (ms < len) sb_putc(&out, s[ms]);
      p = ms + 1;
    } else {
      p = me;
    }
    if (!global) break;
  }
  if (count == 0) {
    free(out.data);
    return 0;
  }
  if (p < len) sb_append(&out, s + p, len - p);
  free(*target);
  *target = sb_str(&out);
  return count;
}

static unsigned rand_seed = 0;
static double prev_seed = 0;

static struct cell call_builtin(struct node *n) {
  int argc = n->nlist;
  struct node **a = n->list;
#define ARG_STR(i) (argc > (i) ? ({ struct cell _c = eval(a[i]); char *_s = to_str(&_c); cell_free(&_c); _s; }) : xstrdup(""))
#define ARG_NUM(i) (argc > (i) ? ({ struct cell _c = eval(a[i]); double _d = to_num(&_c); cell_free(&_c); _d; }) : 0.0)
  switch (n->op) {
    case 0: { /* length */
      if (argc == 0) {
        struct cell c = get_field(0);
        double l = (double)strlen(c.str);
        cell_free(&c);
        return cell_num(l);
      }
      if (a[0]->kind == N_VAR && var_of(a[0])->arr) return cell_num((double)var_of(a[0])->arr->count);
      char *s = ARG_STR(0);
      double l = (double)strlen(s);
      free(s);
      return cell_num(l);
    }
    case 1: { /* substr, as BusyBox: positions truncated, a start before 1 counts from 1 */
      char *s = ARG_STR(0);
      long len = (long)strlen(s);
      long i = (long)ARG_NUM(1) - 1;
      if (i > len) i = len;
      if (i < 0) i = 0;
      long count = argc > 2 ? (long)ARG_NUM(2) : len - i;
      if (count < 0) count = 0;
      if (count > len - i) count = len - i;
      char *r = xstrndup(s + i, (size_t)count);
      free(s);
      return cell_strn(r);
    }
    case 2: { /* index */
      char *s = ARG_STR(0), *t = ARG_STR(1);
      char *hit = t[0] ? strstr(s, t) : 0;
      double r = hit ? (double)(hit - s + 1) : 0;
      free(s);
      free(t);
      return cell_num(r);
    }
    case 3: { /* split */
      if (argc < 2 || a[1]->kind != N_VAR) syntax_error("Unexpected token");
      char *s = ARG_STR(0);
      struct array *arr = array_of(a[1]);
      array_clear(arr);
      char *saved_fs = var_str(V_FS);
      if (argc > 2) {
        if (a[2]->kind == N_REGEX) {
          set_var_str(V_FS, a[2]->str);
        } else {
          char *fs = ARG_STR(2);
          set_var_str(V_FS, fs);
          free(fs);
        }
      }
      /* Reuse the field splitter on a temporary record. */
      char *saved_record = record ? xstrdup(record) : xstrdup("");
      int saved_valid = record_valid;
      struct cell *saved_fields = fields;
      int saved_n = nfields, saved_cap = fields_cap, saved_fv = fields_valid;
      struct cell saved_nf = cell_copy(var_cell(V_NF));
      fields = 0;
      nfields = 0;
      fields_cap = 0;
      free(record);
      record = s;
      split_record();
      for (int i = 0; i < nfields; i++) {
        char key[32];
        snprintf(key, sizeof key, "%d", i + 1);
        struct entry *e = array_find(arr, key, 1);
        cell_free(&e->val);
        e->val = fields[i];
      }
      int count = nfields;
      free(fields);
      free(record);
      record = saved_record;
      record_valid = saved_valid;
      fields = saved_fields;
      nfields = saved_n;
      fields_cap = saved_cap;
      fields_valid = saved_fv;
      cell_free(&vars[V_NF].val);
      vars[V_NF].val = saved_nf;
      set_var_str(V_FS, saved_fs);
      free(saved_fs);
      return cell_num(count);
    }
    case 4:
    case 5: { /* sub, gsub */
      if (argc < 2) syntax_error("Unexpected token");
      char *repl = ARG_STR(1);
      struct node *target = argc > 2 ? a[2] : 0;
      struct cell cur;
      if (target) {
        if (!is_lvalue(target)) syntax_error("Unexpected token");
        cur = get_lvalue(target);
      } else {
        cur = get_field(0);
      }
      char *s = to_str(&cur);
      cell_free(&cur);
      int count = substitute(a[0], repl, &s, n->op == 5);
      free(repl);
      if (count) {
        if (target) set_lvalue(target, cell_strn(s));
        else set_field(0, cell_strn(s));
      } else {
        free(s);
      }
      return cell_num(count);
    }
    case 6: { /* match */
      char *s = ARG_STR(0);
      regmatch_t m;
      double start = 0, len = -1;
      if (argc > 1 && match_regex(a[1], s, &m)) {
        start = m.rm_so + 1;
        len = m.rm_eo - m.rm_so;
      }
      free(s);
      set_var_num(V_RSTART, start);
      set_var_num(V_RLENGTH, len);
      return cell_num(start);
    }
    case 7: { /* sprintf */
      if (argc == 0) return cell_str("");
      char *fmt = ARG_STR(0);
      char *r = format(fmt, a + 1, argc - 1);
      free(fmt);
      return cell_strn(r);
    }
    case 8: return cell_num(sin(ARG_NUM(0)));
    case 9: return cell_num(cos(ARG_NUM(0)));
    case 10: return cell_num(atan2(ARG_NUM(0), ARG_NUM(1)));
    case 11: return cell_num(exp(ARG_NUM(0)));
    case 12: return cell_num(log(ARG_NUM(0)));
    case 13: return cell_num(sqrt(ARG_NUM(0)));
    case 14: { /* int */
      double d = ARG_NUM(0);
      return cell_num(d < 0 ? ceil(d) : floor(d));
    }
    case 15: { /* rand */
      rand_seed = rand_seed * 1103515245u + 12345u;
      return cell_num((double)((rand_seed >> 1) & 0x3fffffff) / (double)0x40000000);
    }
    case 16: { /* srand */
      double old = prev_seed;
      double seed = argc > 0 ? ARG_NUM(0) : (double)time(0);
      prev_seed = seed;
      rand_seed = (unsigned)(long long)seed;
      return cell_num(old);
    }
    case 17:
    case 18: { /* tolower, toupper */
      char *s = ARG_STR(0);
      for (char *p = s; *p; p++) *p = (char)(n->op == 17 ? tolower((unsigned char)*p) : toupper((unsigned char)*p));
      return cell_strn(s);
    }
    case 19: { /* system */
      char *cmd = ARG_STR(0);
      fflush_all();
      for (struct output_stream *o = outputs; o; o = o->next) fflush(o->f);
      int st = system(cmd);
      free(cmd);
      if (st < 0) return cell_num(-1);
      if ((st & 0x7f) != 0) return cell_num(256 + (st & 0x7f));
      return cell_num((st >> 8) & 0xff);
    }
    case 20: { /* close */
      char *name = ARG_STR(0);
      int r = close_stream(name);
      free(name);
      return cell_num(r);
    }
    case 21: /* fflush */
      fflush_all();
      for (struct output_stream *o = outputs; o; o = o->next) fflush(o->f);
      return cell_num(0);
  }
#undef ARG_STR
#undef ARG_NUM
  return cell_num(0);
}

static int untouched(const struct var *v) {
  return !v->arr && v->val.flags == (V_STR | V_STRNUM) && v->val.str && !v->val.str[0];
}

static struct cell call_function(struct node *n) {
  struct func *f = &funcs[n->var];
  if (!f->body) bb_error_msg_and_die("cmd. line:%d: Call to undefined function", line_no);
  if (n->nlist > f->nparams) bb_error_msg_and_die("cmd. line:%d: Too many arguments", line_no);
  struct frame fr;
  fr.nlocals = f->nparams;
  fr.locals = xzalloc(sizeof *fr.locals * (size_t)(fr.nlocals + 1));
  for (int i = 0; i < f->nparams; i++) {
    struct var *local = &fr.locals[i];
    local->val = (struct cell){V_STR | V_STRNUM, 0, xstrdup("")};
    if (i >= n->nlist) continue;
    struct node *arg = n->list[i];
    if (arg->kind == N_VAR) {
      struct var *v = var_of(arg);
      /* Arrays are passed by reference; an untyped variable may become one in the callee. */
      if (v->arr) {
        local->arr = v->arr;
        local->borrowed = 1;
        continue;
      }
      if (untouched(v) && arg->var >= NSPECIAL) local->source = v->source ? v->source : v;
    }
    cell_free(&local->val);
    local->val = eval(arg);
  }
  struct frame *saved = frame;
  frame = &fr;
  static int depth;
  if (++depth > 2000) bb_error_msg_and_die("cmd. line:%d: Recursion too deep", line_no);
  exec_stmt(f->body);
  depth--;
  struct cell r;
  if (flow == FLOW_RETURN) {
    r = return_value;
    return_value = (struct cell){0};
    flow = FLOW_NONE;
  } else {
    r = (struct cell){V_STR | V_STRNUM, 0, xstrdup("")};
  }
  frame = saved;
  for (int i = 0; i < fr.nlocals; i++) {
    cell_free(&fr.locals[i].val);
    if (fr.locals[i].arr && !fr.locals[i].borrowed) {
      array_clear(fr.locals[i].arr);
      free(fr.locals[i].arr->buckets);
      free(fr.locals[i].arr);
    }
  }
  free(fr.locals);
  return r;
}

static int do_getline(struct node *n) {
  strbuf rec = {0};
  int got;
  if (n->op == 0) {
    got = next_main_record(&rec);
  } else {
    struct cell c = eval(n->b);
    char *name = to_str(&c);
    cell_free(&c);
    FILE *f = get_input(name, n->op == T_PIPE);
    free(name);
    if (!f) return -1;
    got = read_record(f, &rec);
    if (got && n->op == T_PIPE) set_var_num(V_NR, var_num(V_NR) + 1);
  }
  if (got) {
    if (n->a) {
      set_lvalue(n->a, cell_input(sb_str(&rec)));
    } else {
      set_record(sb_str(&rec), rec.len);
    }
  }
  free(rec.data);
  return got ? 1 : 0;
}

static struct cell eval(struct node *n) {
  switch (n->kind) {
    case N_NUM:
      return cell_num(n->num);
    case N_STR:
      return cell_str(n->str);
    case N_REGEX: {
      struct cell c = get_field(0);
      int r = regexec(n->re, c.str, 0, 0, 0) == 0;
      cell_free(&c);
      return cell_num(r);
    }
    case N_GROUP:
      return eval(n->list[0]);
    case N_VAR:
    case N_FIELD:
    case N_INDEX:
      if (n->kind == N_VAR && var_of(n)->arr) {
        bb_error_msg_and_die("cmd. line:%d: Can't use an array as a scalar", line_no);
      }
      return get_lvalue(n);
    case N_ASSIGN: {
      struct cell r = eval(n->b);
      if (n->op != T_ASSIGN) {
        struct cell cur = get_lvalue(n->a);
        double x = to_num(&cur), y = to_num(&r);
        cell_free(&cur);
        cell_free(&r);
        switch (n->op) {
          case T_ADD_ASSIGN: x += y; break;
          case T_SUB_ASSIGN: x -= y; break;
          case T_MUL_ASSIGN: x *= y; break;
          case T_DIV_ASSIGN:
            if (y == 0) bb_error_msg_and_die("cmd. line:%d: Division by zero", line_no);
            x /= y;
            break;
          case T_MOD_ASSIGN:
            if (y == 0) bb_error_msg_and_die("cmd. line:%d: Division by zero", line_no);
            x = fmod(x, y);
            break;
          case T_POW_ASSIGN: x = pow(x, y); break;
        }
        r = cell_num(x);
      } else if (r.flags & V_STRNUM) {
        /* keep strnum-ness */
      }
      set_lvalue(n->a, cell_copy(&r));
      return r;
    }
    case N_COND: {
      struct cell c = eval(n->a);
      int t = to_bool(&c);
      cell_free(&c);
      return eval(t ? n->b : n->c);
    }
    case N_OR:
    case N_AND: {
      struct cell c = eval(n->a);
      int t = to_bool(&c);
      cell_free(&c);
      if (n->kind == N_OR && t) return cell_num(1);
      if (n->kind == N_AND && !t) return cell_num(0);
      c = eval(n->b);
      t = to_bool(&c);
      cell_free(&c);
      return cell_num(t);
    }
    case N_IN: {
      char *key = subscript(n->a);
      int r = array_find(array_of(n->b), key, 0) != 0;
      free(key);
      return cell_num(r);
    }
    case N_MATCH: {
      struct cell c = eval(n->a);
      char *s = to_str(&c);
      cell_free(&c);
      int r = match_regex(n->b, s, 0);
      free(s);
      return cell_num(n->op == T_MATCH ? r : !r);
    }
    case N_BINARY: {
      struct cell x = eval(n->a), y = eval(n->b);
      double a = to_num(&x), b = to_num(&y);
      cell_free(&x);
      cell_free(&y);
      switch (n->op) {
        case T_PLUS: return cell_num(a + b);
        case T_MINUS: return cell_num(a - b);
        case T_STAR: return cell_num(a * b);
        case T_SLASH:
          if (b == 0) bb_error_msg_and_die("cmd. line:%d: Division by zero", line_no);
          return cell_num(a / b);
        case T_PERCENT:
          if (b == 0) bb_error_msg_and_die("cmd. line:%d: Division by zero", line_no);
          return cell_num(fmod(a, b));
        case T_CARET: return cell_num(pow(a, b));
      }
      return cell_num(0);
    }
    case N_CMP: {
      struct cell x = eval(n->a), y = eval(n->b);
      int c = compare(&x, &y);
      cell_free(&x);
      cell_free(&y);
      switch (n->op) {
        case T_LT: return cell_num(c < 0);
        case T_LE: return cell_num(c <= 0);
        case T_EQ: return cell_num(c == 0);
        case T_NE: return cell_num(c != 0);
        case T_GE: return cell_num(c >= 0);
        default: return cell_num(c > 0);
      }
    }
    case N_CONCAT: {
      struct cell x = eval(n->a), y = eval(n->b);
      char *a = to_str(&x), *b = to_str(&y);
      cell_free(&x);
      cell_free(&y);
      char *r = xasprintf("%s%s", a, b);
      free(a);
      free(b);
      return cell_strn(r);
    }
    case N_NOT: {
      struct cell c = eval(n->a);
      int t = to_bool(&c);
      cell_free(&c);
      return cell_num(!t);
    }
    case N_NEG:
    case N_PLUS: {
      struct cell c = eval(n->a);
      double d = to_num(&c);
      cell_free(&c);
      return cell_num(n->kind == N_NEG ? -d : d);
    }
    case N_PREINC:
    case N_PREDEC:
    case N_POSTINC:
    case N_POSTDEC: {
      struct cell cur = get_lvalue(n->a);
      double d = to_num(&cur);
      cell_free(&cur);
      double nv = (n->kind == N_PREINC || n->kind == N_POSTINC) ? d + 1 : d - 1;
      set_lvalue(n->a, cell_num(nv));
      return cell_num((n->kind == N_PREINC || n->kind == N_PREDEC) ? nv : d);
    }
    case N_CALL:
      return call_function(n);
    case N_BUILTIN:
      return call_builtin(n);
    case N_GETLINE:
      return cell_num(do_getline(n));
    default:
      return cell_num(0);
  }
}

static void output(struct node *n, const char *text, size_t len) {
  FILE *f = stdout;
  if (n->op) {
    struct cell c = eval(n->a);
    char *name = to_str(&c);
    cell_free(&c);
    f = get_output(name, n->op);
    free(name);
  }
  fwrite(text, 1, len, f);
  if (f != stdout && isatty(fileno(f))) fflush(f);
}

static void exec_stmt(struct node *s) {
  if (flow) return;
  switch (s->kind) {
    case N_BLOCK:
      for (int i = 0; i < s->nlist && !flow; i++) exec_stmt(s->list[i]);
      return;
    case N_EXPR_STMT: {
      struct cell c = eval(s->a);
      cell_free(&c);
      return;
    }
    case N_PRINT: {
      strbuf sb = {0};
      if (s->nlist == 0) {
        struct cell c = get_field(0);
        sb_puts(&sb, c.str);
        cell_free(&c);
      } else {
        char *ofs = var_str(V_OFS);
        for (int i = 0; i < s->nlist; i++) {
          if (i) sb_puts(&sb, ofs);
          struct cell c = eval(s->list[i]);
          char *t = to_str_fmt(&c, ofmt);
          sb_puts(&sb, t);
          free(t);
          cell_free(&c);
        }
        free(ofs);
      }
      char *ors = var_str(V_ORS);
      sb_puts(&sb, ors);
      free(ors);
      output(s, sb.data, sb.len);
      free(sb.data);
      return;
    }
    case N_PRINTF: {
      if (s->nlist == 0) syntax_error("Unexpected token");
      struct cell c = eval(s->list[0]);
      char *fmt = to_str(&c);
      cell_free(&c);
      char *text = format(fmt, s->list + 1, s->nlist - 1);
      /* NULs from %c are kept: the length is the strbuf's. */
      output(s, text, strlen(text));
      free(text);
      free(fmt);
      return;
    }
    case N_IF: {
      struct cell c = eval(s->a);
      int t = to_bool(&c);
      cell_free(&c);
      if (t) exec_stmt(s->b);
      else if (s->c) exec_stmt(s->c);
      return;
    }
    case N_WHILE:
      for (;;) {
        struct cell c = eval(s->a);
        int t = to_bool(&c);
        cell_free(&c);
        if (!t) break;
        exec_stmt(s->b);
        if (flow == FLOW_BREAK) {
          flow = 0;
          break;
        }
        if (flow == FLOW_CONTINUE) flow = 0;
        if (flow) break;
      }
      return;
    case N_DO:
      for (;;) {
        exec_stmt(s->b);
        if (flow == FLOW_BREAK) {
          flow = 0;
          break;
        }
        if (flow == FLOW_CONTINUE) flow = 0;
        if (flow) break;
        struct cell c = eval(s->a);
        int t = to_bool(&c);
        cell_free(&c);
        if (!t) break;
      }
      return;
    case N_FOR:
      if (s->a) {
        struct cell c = eval(s->a);
        cell_free(&c);
      }
      for (;;) {
        if (s->b) {
          struct cell c = eval(s->b);
          int t = to_bool(&c);
          cell_free(&c);
          if (!t) break;
        }
        exec_stmt(s->d);
        if (flow == FLOW_BREAK) {
          flow = 0;
          break;
        }
        if (flow == FLOW_CONTINUE) flow = 0;
        if (flow) break;
        if (s->c) {
          struct cell c = eval(s->c);
          cell_free(&c);
        }
      }
      return;
    case N_FOR_IN: {
      struct array *arr = array_of(s->b);
      /* Snapshot the keys: the body may change the array. */
      char **keys = xmalloc(sizeof *keys * (arr->count + 1));
      size_t nk = 0;
      for (size_t i = 0; i < arr->nbuckets; i++) {
        for (struct entry *e = arr->buckets[i]; e; e = e->next) keys[nk++] = xstrdup(e->key);
      }
      for (size_t i = 0; i < nk; i++) {
        if (!flow && array_find(arr, keys[i], 0)) {
          set_lvalue(s->a, cell_input(keys[i]));
          exec_stmt(s->c);
          if (flow == FLOW_BREAK) {
            flow = 0;
            for (size_t k = i; k < nk; k++) free(keys[k]);
            break;
          }
          if (flow == FLOW_CONTINUE) flow = 0;
        }
        free(keys[i]);
      }
      free(keys);
      return;
    }
    case N_BREAK: flow = FLOW_BREAK; return;
    case N_CONTINUE: flow = FLOW_CONTINUE; return;
    case N_NEXT: flow = FLOW_NEXT; return;
    case N_NEXTFILE: flow = FLOW_NEXTFILE; return;
    case N_EXIT:
      if (s->a) {
        struct cell c = eval(s->a);
        exit_code = (int)to_num(&c);
        cell_free(&c);
      }
      flow = FLOW_EXIT;
      return;
    case N_RETURN:
      cell_free(&return_value);
      return_value = s->a ? eval(s->a) : (struct cell){V_STR | V_STRNUM, 0, xstrdup("")};
      flow = FLOW_RETURN;
      return;
    case N_DELETE:
      if (s->a->kind == N_INDEX) {
        char *key = subscript(s->a->b);
        array_delete(array_of(s->a->a), key);
        free(key);
      } else {
        array_clear(array_of(s->a));
      }
      return;
    default: {
      struct cell c = eval(s);
      cell_free(&c);
    }
  }
}

static int pattern_true(struct node *p) {
  struct cell c = eval(p);
  int t = to_bool(&c);
  cell_free(&c);
  return t;
}

static void assign_from_arg(const char *arg) {
  const char *eq = strchr(arg, '=');
  char *name = xstrndup(arg, (size_t)(eq - arg));
  /* The value gets the escape processing of a string literal. */
  const char *saved_src = src;
  size_t saved_pos = pos;
  char *quoted = xasprintf("%s\"", eq + 1);
  src = quoted;
  pos = 0;
  char *value = read_string_literal('"');
  src = saved_src;
  pos = saved_pos;
  free(quoted);
  int v = var_index(name);
  ensure_vars();
  cell_free(&vars[v].val);
  vars[v].val = cell_input(value);
  if (v == V_FS || v == V_OFS || v == V_ORS || v == V_RS || v == V_SUBSEP) vars[v].val.flags &= ~V_STRNUM;
  free(value);
  free(name);
}

int awk_main(int argc, char **argv) {
  char *fs = 0;
  llist *assigns = 0, *progfiles = 0;
  getopt32(argv, "+F:v*f*W:", &fs, &assigns, &progfiles, (char **)0);
  argv += optind;
  strbuf program = {0};
  if (progfiles) {
    for (llist *p = progfiles; p; p = p->next) {
      char *text = xmalloc_read_file(p->data, 0);
      if (!text) return 2;
      sb_puts(&program, text);
      sb_putc(&program, '\n');
      free(text);
    }
  } else {
    if (!argv[0]) bb_show_usage();
    sb_puts(&program, *argv++);
  }
  /* Special variables first (their indexes are the V_* constants). */
  for (int i = 0; i < NSPECIAL; i++) var_index(special_names[i]);
  parse_program(sb_str(&program));
  ensure_vars();
  set_var_str(V_FS, " ");
  set_var_str(V_OFS, " ");
  set_var_str(V_ORS, "\n");
  set_var_str(V_RS, "\n");
  set_var_str(V_SUBSEP, "\034");
  set_var_str(V_CONVFMT, "%.6g");
  set_var_str(V_OFMT, "%.6g");
  set_var_num(V_NR, 0);
  set_var_num(V_NF, 0);
  set_var_num(V_FNR, 0);
  set_var_num(V_RSTART, 0);
  set_var_num(V_RLENGTH, -1);
  vars[V_ENVIRON].arr = array_new();
  for (char **e = environ; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq) continue;
    char *key = xstrndup(*e, (size_t)(eq - *e));
    struct entry *en = array_find(vars[V_ENVIRON].arr, key, 1);
    cell_free(&en->val);
    en->val = cell_input(eq + 1);
    free(key);
  }
  vars[V_ARGV].arr = array_new();
  int nargs = argc_of(argv);
  {
    struct entry *e0 = array_find(vars[V_ARGV].arr, "0", 1);
    cell_free(&e0->val);
    e0->val = cell_str("awk");
    for (int i = 0; i < nargs; i++) {
      char key[32];
      snprintf(key, sizeof key, "%d", i + 1);
      struct entry *e = array_find(vars[V_ARGV].arr, key, 1);
      cell_free(&e->val);
      e->val = cell_input(argv[i]);
    }
  }
  set_var_num(V_ARGC, nargs + 1);
  if (fs) {
    /* -F 't' is a tab, as in other awks; "\t" escapes are processed. */
    char *arg = xasprintf("FS=%s", strcmp(fs, "t") == 0 ? "\t" : fs);
    assign_from_arg(arg);
    free(arg);
  }
  for (llist *a = assigns; a; a = a->next) {
    if (!strchr(a->data, '=')) bb_show_usage();
    assign_from_arg(a->data);
  }
  convfmt = var_str(V_CONVFMT);
  ofmt = var_str(V_OFMT);
  struct frame global = {0, 0};
  frame = &global;
  int has_main = 0, has_end = 0;
  for (int r = 0; r < nrules; r++) {
    if (rules[r].kind == 0 || rules[r].kind == 3) has_main = 1;
    if (rules[r].kind == 2) has_end = 1;
  }
  for (int r = 0; r < nrules && flow != FLOW_EXIT; r++) {
    if (rules[r].kind == 1) exec_stmt(rules[r].action);
  }
  if (flow != FLOW_EXIT && (has_main || has_end)) {
    strbuf rec = {0};
    while (flow != FLOW_EXIT && next_main_record(&rec)) {
      set_record(rec.data, rec.len);
      flow = FLOW_NONE;
      for (int r = 0; r < nrules && !flow; r++) {
        struct rule *ru = &rules[r];
        if (ru->kind == 1 || ru->kind == 2) continue;
        int match;
        if (ru->kind == 3) {
          if (!ru->in_range) {
            match = pattern_true(ru->pattern);
            if (match) ru->in_range = !pattern_true(ru->pattern2);
          } else {
            match = 1;
            if (pattern_true(ru->pattern2)) ru->in_range = 0;
          }
        } else {
          match = !ru->pattern || pattern_true(ru->pattern);
        }
        if (!match) continue;
        if (ru->action) {
          exec_stmt(ru->action);
        } else {
          struct cell c = get_field(0);
          fputs(c.str, stdout);
          char *ors = var_str(V_ORS);
          fputs(ors, stdout);
          free(ors);
          cell_free(&c);
        }
      }
      if (flow == FLOW_NEXTFILE && main_in) {
        if (main_in != stdin) fclose(main_in);
        main_in = 0;
      }
      if (flow != FLOW_EXIT) flow = FLOW_NONE;
    }
    free(rec.data);
  }
  /* END runs after exit in main rules (not after exit in END itself). */
  if (flow == FLOW_EXIT || flow == FLOW_NONE) {
    int saved = exit_code;
    int exiting_from_begin_or_main = flow == FLOW_EXIT;
    flow = FLOW_NONE;
    (void)exiting_from_begin_or_main;
    for (int r = 0; r < nrules && flow != FLOW_EXIT; r++) {
      if (rules[r].kind == 2) exec_stmt(rules[r].action);
    }
    if (flow != FLOW_EXIT) exit_code = saved;
  }
  fflush_all();
  while (outputs) {
    char *name = xstrdup(outputs->name);
    close_stream(name);
    free(name);
  }
  return exit_code;
}
