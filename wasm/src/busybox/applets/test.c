/*
 * test EXPRESSION, [ EXPRESSION ]: BusyBox's (and dash's) test. The POSIX
 * rules for one to three arguments come first; longer expressions are parsed
 * with -o below -a below ! and parentheses. Exit 0 true, 1 false, 2 error.
 */
#include "../libbb.h"

enum tok { EOI, OPERAND, UNOT, BAND, BOR, LPAREN, RPAREN, UNOP, BINOP };

struct op {
  const char *text;
  enum tok type;
};

static const struct op ops[] = {
    {"-r", UNOP}, {"-w", UNOP}, {"-x", UNOP}, {"-e", UNOP}, {"-f", UNOP}, {"-d", UNOP}, {"-c", UNOP},
    {"-b", UNOP}, {"-p", UNOP}, {"-u", UNOP}, {"-g", UNOP}, {"-k", UNOP}, {"-s", UNOP}, {"-t", UNOP},
    {"-z", UNOP}, {"-n", UNOP}, {"-h", UNOP}, {"-L", UNOP}, {"-S", UNOP}, {"-O", UNOP}, {"-G", UNOP},
    {"=", BINOP}, {"==", BINOP}, {"!=", BINOP}, {"<", BINOP}, {">", BINOP}, {"-eq", BINOP}, {"-ne", BINOP},
    {"-lt", BINOP}, {"-le", BINOP}, {"-gt", BINOP}, {"-ge", BINOP}, {"-nt", BINOP}, {"-ot", BINOP}, {"-ef", BINOP},
    {"!", UNOT}, {"-a", BAND}, {"-o", BOR}, {"(", LPAREN}, {")", RPAREN},
};

static char **wp;
static const struct op *cur_op;

static _Noreturn void syntax(const char *op, const char *msg) {
  if (op && *op) bb_error_msg("%s: %s", op, msg);
  else bb_error_msg("%s", msg);
  fflush_stdout_and_exit(2);
}

static const struct op *getop(const char *s) {
  if (!s) return 0;
  for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
    if (strcmp(ops[i].text, s) == 0) return &ops[i];
  }
  return 0;
}

/* A unary operator followed by a binary one and an operand is an operand ("test -f = -f"). */
static int isoperand(char **tp) {
  if (!tp[1]) return 1;
  if (!tp[2]) return 0;
  const struct op *op = getop(tp[1]);
  return op && op->type == BINOP;
}

static enum tok t_lex(char **tp) {
  const char *s = *tp;
  if (!s) {
    cur_op = 0;
    return EOI;
  }
  const struct op *op = getop(s);
  if (op && !(op->type == UNOP && isoperand(tp)) && !(op->type == LPAREN && !tp[1])) {
    cur_op = op;
    return op->type;
  }
  cur_op = 0;
  return OPERAND;
}

static long long getn(const char *s) {
  const char *p = skip_whitespace(s);
  char *end;
  errno = 0;
  long long v = strtoll(p, &end, 10);
  if (end == p) syntax(s, "bad number");
  if (errno == ERANGE) syntax(s, "out of range");
  end = skip_whitespace(end);
  if (*end) syntax(s, "bad number");
  return v;
}

static int filstat(const char *op, const char *path) {
  struct stat st;
  int r = op[1] == 'h' || op[1] == 'L' ? lstat(path, &st) : stat(path, &st);
  if (r < 0) return 0;
  switch (op[1]) {
    case 'r': return access(path, R_OK) == 0;
    case 'w': return access(path, W_OK) == 0;
    case 'x': return access(path, X_OK) == 0;
    case 'e': return 1;
    case 'f': return S_ISREG(st.st_mode);
    case 'd': return S_ISDIR(st.st_mode);
    case 'c': return S_ISCHR(st.st_mode);
    case 'b': return S_ISBLK(st.st_mode);
    case 'p': return S_ISFIFO(st.st_mode);
    case 'S': return S_ISSOCK(st.st_mode);
    case 'h':
    case 'L': return S_ISLNK(st.st_mode);
    case 'u': return (st.st_mode & S_ISUID) != 0;
    case 'g': return (st.st_mode & S_ISGID) != 0;
    case 'k': return (st.st_mode & S_ISVTX) != 0;
    case 's': return st.st_size > 0;
    case 'O': return st.st_uid == geteuid();
    case 'G': return st.st_gid == getegid();
  }
  return 0;
}

static int binop(void) {
  const char *l = wp[0];
  const char *op = wp[1];
  const char *r = wp[2];
  if (!r) syntax(op, "argument expected");
  wp += 2;
  if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) return strcmp(l, r) == 0;
  if (strcmp(op, "!=") == 0) return strcmp(l, r) != 0;
  if (strcmp(op, "<") == 0) return strcmp(l, r) < 0;
  if (strcmp(op, ">") == 0) return strcmp(l, r) > 0;
  if (op[1] == 'n' && op[2] == 't') {
    struct stat a, b;
    if (stat(l, &a) < 0) return 0;
    if (stat(r, &b) < 0) return 1;
    return a.st_mtim.tv_sec > b.st_mtim.tv_sec || (a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec > b.st_mtim.tv_nsec);
  }
  if (op[1] == 'o' && op[2] == 't') {
    struct stat a, b;
    if (stat(r, &b) < 0) return 0;
    if (stat(l, &a) < 0) return 1;
    return a.st_mtim.tv_sec < b.st_mtim.tv_sec || (a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec < b.st_mtim.tv_nsec);
  }
  if (strcmp(op, "-ef") == 0) {
    struct stat a, b;
    return stat(l, &a) == 0 && stat(r, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  }
  long long x = getn(l), y = getn(r);
  if (strcmp(op, "-eq") == 0) return x == y;
  if (strcmp(op, "-ne") == 0) return x != y;
  if (strcmp(op, "-lt") == 0) return x < y;
  if (strcmp(op, "-le") == 0) return x <= y;
  if (strcmp(op, "-gt") == 0) return x > y;
  return x >= y;
}

static int oexpr(enum tok n);

static int primary(enum tok n) {
  if (n == EOI) syntax(0, "argument expected");
  if (n == LPAREN) {
    enum tok nn = t_lex(++wp);
    if (nn == RPAREN) return 0;
    int res = oexpr(nn);
    if (t_lex(++wp) != RPAREN) syntax(0, "closing paren expected");
    return res;
  }
  if (cur_op && cur_op->type == UNOP) {
    const char *op = cur_op->text;
    if (!*++wp) syntax(op, "argument expected");
    if (op[1] == 'z') return **wp == 0;
    if (op[1] == 'n') return **wp != 0;
    if (op[1] == 't') return isatty((int)getn(*wp));
    return filstat(op, *wp);
  }
  t_lex(wp + 1);
  if (cur_op && cur_op->type == BINOP) return binop();
  return **wp != 0;
}

static int nexpr(enum tok n) {
  if (n == UNOT) return !nexpr(t_lex(++wp));
  return primary(n);
}

static int aexpr(enum tok n) {
  int res = nexpr(n);
  if (t_lex(wp + 1) == BAND) {
    wp += 2;
    int r = aexpr(t_lex(wp));
    return res && r;
  }
  return res;
}

static int oexpr(enum tok n) {
  int res = aexpr(n);
  if (t_lex(wp + 1) == BOR) {
    wp += 2;
    int r = oexpr(t_lex(wp));
    return res || r;
  }
  return res;
}

int test_main(int argc, char **argv) {
  if (strcmp(applet_name, "[") == 0) {
    if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
      bb_error_msg("missing ]");
      return 2;
    }
    argv[--argc] = 0;
  }
  argv++;
  argc--;
  int negate = 0;
  if (argv[0] && strcmp(argv[0], "!") == 0 && argv[1]) {
    negate = 1;
    argv++;
    argc--;
  }
  int res;
  if (!argv[0]) return negate ? 0 : 1;
  if (!argv[1]) return (argv[0][0] == 0) ^ negate;
  if (argv[2] && !argv[3]) {
    const struct op *op = getop(argv[1]);
    if (op && op->type == BINOP) {
      wp = argv;
      res = binop() == 0;
      return res ^ negate;
    }
  }
  wp = argv;
  res = !oexpr(t_lex(wp));
  if (*wp && *++wp) {
    bb_error_msg("%s: unknown operand", *wp);
    return 2;
  }
  return res ^ negate;
}
