/*
 * test and [, following busybox's test applet: POSIX's special cases for 0
 * to 4 arguments, then a recursive descent over -o, -a, ! and parentheses.
 * Errors exit with status 2 ("sh: X: unknown operand" and the like).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "drydock.h"
#include "sh.h"

typedef struct {
  char **args; /* remaining arguments, NULL-terminated */
  int err;
} tctx_t;

static const char *const unops[] = {"-r", "-w", "-x", "-e", "-f", "-d", "-c", "-b", "-p", "-u", "-g", "-k",
                                    "-s", "-t", "-z", "-n", "-h", "-L", "-S", "-O", "-G", 0};
static const char *const binops[] = {"=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", 0};

static int in_list(const char *s, const char *const *l) {
  if (!s) return 0;
  for (int i = 0; l[i]; i++)
    if (strcmp(s, l[i]) == 0) return 1;
  return 0;
}

static int is_unop(const char *s) { return in_list(s, unops); }
static int is_binop(const char *s) { return in_list(s, binops); }

static void syntax(tctx_t *t, const char *op, const char *msg) {
  if (t->err) return;
  t->err = 1;
  if (op) sh_warnx("%s: %s", op, msg);
  else sh_warnx("%s", msg);
}

static long long getn(tctx_t *t, const char *s) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  if (!*p) {
    if (!t->err) sh_warnx(*s ? "%s: bad number" : "bad number", s);
    t->err = 1;
    return 0;
  }
  errno = 0;
  char *end;
  long long v = strtoll(p, &end, 10);
  while (isspace((unsigned char)*end)) end++;
  if (*end || end == p) {
    if (!t->err) sh_warnx("%s: bad number", s);
    t->err = 1;
    return 0;
  }
  if (errno == ERANGE) {
    if (!t->err) sh_warnx("%s: out of range", s);
    t->err = 1;
    return 0;
  }
  return v;
}

/* The file's group is the effective gid or one of the supplementary groups (the permission check, not -G). */
static int in_group(uint32_t gid) {
  if (gid == getegid()) return 1;
  int count = getgroups(0, 0);
  if (count <= 0) return 0;
  gid_t *groups = malloc((size_t)count * sizeof *groups);
  if (!groups) return 0;
  int n = getgroups(count, groups);
  int found = 0;
  for (int i = 0; i < n && !found; i++) found = groups[i] == gid;
  free(groups);
  return found;
}

static int file_test(const char *op, const char *path) {
  struct drydock_stat st;
  int nofollow = op[1] == 'h' || op[1] == 'L';
  if (__drydock_fstatat(DRYDOCK_AT_FDCWD, path, nofollow ? DRYDOCK_AT_SYMLINK_NOFOLLOW : 0, &st) != 0) return 0;
  uint32_t type = st.mode & 0170000;
  uid_t uid = geteuid();
  switch (op[1]) {
    case 'e': return 1;
    case 'f': return type == 0100000;
    case 'd': return type == 0040000;
    case 'c': return type == 0020000;
    case 'b': return type == 0060000;
    case 'p': return type == 0010000;
    case 'S': return type == 0140000;
    case 'h':
    case 'L': return type == 0120000;
    case 's': return st.size > 0;
    case 'u': return (st.mode & 04000) != 0;
    case 'g': return (st.mode & 02000) != 0;
    case 'k': return (st.mode & 01000) != 0;
    case 'O': return st.uid == uid;
    case 'G': return st.gid == getegid();
    case 'r':
    case 'w':
    case 'x': {
      int bit = op[1] == 'r' ? 4 : op[1] == 'w' ? 2 : 1;
      if (uid == 0) return bit != 1 || (st.mode & 0111) || type == 0040000;
      if (st.uid == uid) return (st.mode >> 6) & bit;
      if (in_group(st.gid)) return (st.mode >> 3) & bit;
      return st.mode & bit;
    }
  }
  return 0;
}

static int unary(tctx_t *t, const char *op, const char *arg) {
  switch (op[1]) {
    case 'z': return arg[0] == 0;
    case 'n': return arg[0] != 0;
    case 't': return is_tty((int)getn(t, arg));
  }
  return file_test(op, arg);
}

static int binary(tctx_t *t, const char *a, const char *op, const char *b) {
  if (strcmp(op, "=") == 0 || strcmp(op, "==") == 0) return strcmp(a, b) == 0;
  if (strcmp(op, "!=") == 0) return strcmp(a, b) != 0;
  if (strcmp(op, "<") == 0) return strcmp(a, b) < 0;
  if (strcmp(op, ">") == 0) return strcmp(a, b) > 0;
  if (op[1] == 'n' || op[1] == 'o' || (op[1] == 'e' && op[2] == 'f')) {
    struct drydock_stat sa, sb;
    int ra = __drydock_fstatat(DRYDOCK_AT_FDCWD, a, 0, &sa) == 0;
    int rb = __drydock_fstatat(DRYDOCK_AT_FDCWD, b, 0, &sb) == 0;
    if (op[1] == 'e') return ra && rb && sa.dev == sb.dev && sa.ino == sb.ino;
    if (op[1] == 'n') return ra && (!rb || sa.mtime_ns > sb.mtime_ns);
    return rb && (!ra || sa.mtime_ns < sb.mtime_ns);
  }
  long long x = getn(t, a), y = getn(t, b);
  if (t->err) return 0;
  if (strcmp(op, "-eq") == 0) return x == y;
  if (strcmp(op, "-ne") == 0) return x != y;
  if (strcmp(op, "-lt") == 0) return x < y;
  if (strcmp(op, "-le") == 0) return x <= y;
  if (strcmp(op, "-gt") == 0) return x > y;
  return x >= y;
}

static int oexpr(tctx_t *t);

static int primary(tctx_t *t) {
  char **a = t->args;
  if (!a[0]) {
    syntax(t, NULL, "argument expected");
    return 0;
  }
  if (strcmp(a[0], "(") == 0 && a[1]) {
    t->args++;
    int r = oexpr(t);
    if (!t->args[0] || strcmp(t->args[0], ")") != 0) {
      syntax(t, NULL, "closing paren expected");
      return 0;
    }
    t->args++;
    return r;
  }
  if (a[1] && a[2] && is_binop(a[1])) {
    t->args += 3;
    return binary(t, a[0], a[1], a[2]);
  }
  if (is_unop(a[0]) && a[1]) {
    t->args += 2;
    return unary(t, a[0], a[1]);
  }
  t->args++;
  return a[0][0] != 0;
}

static int nexpr(tctx_t *t) {
  if (t->args[0] && strcmp(t->args[0], "!") == 0 && t->args[1]) {
    t->args++;
    return !nexpr(t);
  }
  return primary(t);
}

static int aexpr(tctx_t *t) {
  int r = nexpr(t);
  while (!t->err && t->args[0] && strcmp(t->args[0], "-a") == 0) {
    t->args++;
    int s = nexpr(t);
    r = r && s;
  }
  return r;
}

static int oexpr(tctx_t *t) {
  int r = aexpr(t);
  while (!t->err && t->args[0] && strcmp(t->args[0], "-o") == 0) {
    t->args++;
    int s = aexpr(t);
    r = r || s;
  }
  return r;
}

/* POSIX's rules for few arguments; -1 means "use the general grammar". */
static int special(tctx_t *t, char **a, int n) {
  switch (n) {
    case 0:
      return 0;
    case 1:
      return a[0][0] != 0;
    case 2:
      if (strcmp(a[0], "(") == 0) return -1;
      if (strcmp(a[0], "!") == 0) return a[1][0] == 0;
      if (is_unop(a[0])) return unary(t, a[0], a[1]);
      if (is_binop(a[1])) {
        syntax(t, a[1], "argument expected");
        return 0;
      }
      syntax(t, a[1], "unknown operand");
      return 0;
    case 3:
      if (is_binop(a[1])) return binary(t, a[0], a[1], a[2]);
      if (strcmp(a[0], "!") == 0) return !special(t, a + 1, 2);
      if (strcmp(a[0], "(") == 0 && strcmp(a[2], ")") == 0) return a[1][0] != 0;
      return -1;
    case 4:
      if (strcmp(a[0], "!") == 0) return !special(t, a + 1, 3);
      if (strcmp(a[0], "(") == 0 && strcmp(a[3], ")") == 0) return special(t, a + 1, 2);
      return -1;
  }
  return -1;
}

int bi_test(int argc, char **argv) {
  if (strcmp(argv[0], "[") == 0) {
    if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
      sh_warnx("missing ]");
      return 2;
    }
    argc--;
  }
  tctx_t t = {0};
  char **a = stalloc(sizeof(char *) * (size_t)argc);
  for (int i = 1; i < argc; i++) a[i - 1] = argv[i];
  a[argc - 1] = NULL;
  int n = argc - 1;
  int r = special(&t, a, n);
  if (r < 0) {
    t.args = a;
    r = oexpr(&t);
    if (!t.err && t.args[0]) syntax(&t, t.args[0], "unknown operand");
  }
  if (t.err) return 2;
  return !r;
}
