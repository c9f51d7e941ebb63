/*
 * find [-HL] [PATH...] [EXPRESSION]: walks the trees and evaluates the
 * expression for every file. Expressions: tests (-name -iname -path -ipath
 * -regex -type -size -empty -perm -user -group -links -inum -samefile
 * -newer -mtime -mmin -atime -amin -ctime -cmin -executable), options
 * (-maxdepth -mindepth -depth -xdev -follow), actions (-print -print0 -exec
 * CMD ; -exec CMD {} + -prune -delete -quit) and operators (! -a -o ( )).
 * Without an action, -print is implied. Commands run through posix_spawnp
 * (Drydock has no fork).
 */
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <regex.h>
#include <spawn.h>
#include <sys/wait.h>
#include "../libbb.h"

extern char **environ;

enum node_type {
  N_AND, N_OR, N_NOT, N_TRUE,
  N_NAME, N_INAME, N_PATH, N_IPATH, N_REGEX, N_TYPE, N_SIZE, N_EMPTY, N_PERM, N_USER, N_GROUP,
  N_LINKS, N_INUM, N_SAMEFILE, N_NEWER, N_TIME, N_EXECUTABLE,
  N_PRINT, N_PRINT0, N_EXEC, N_EXEC_PLUS, N_PRUNE, N_DELETE, N_QUIT,
};

struct node {
  enum node_type type;
  struct node *left, *right;
  const char *str;
  regex_t re;
  char cmp;              /* '+', '-' or 0 */
  unsigned long long num;
  unsigned long long unit;
  int which_time;        /* 'm', 'a', 'c' */
  mode_t mode;
  dev_t dev;
  ino_t ino;
  time_t when;
  char **argv;           /* -exec */
  int argc;
  /* -exec +: collected file names */
  char **batch;
  int nbatch;
  size_t batch_bytes;
};

static char **args;
static int argi;
static int nargs;
static int maxdepth = INT_MAX, mindepth = 0, depth_first, xdev, follow;
static int status;
static time_t now;
static int has_action;
static struct node *exec_plus[64];
static int nexec_plus;

static _Noreturn void need_arg(const char *opt) { bb_error_msg_and_die("%s requires an argument", opt); }

static struct node *new_node(enum node_type t) {
  struct node *n = xzalloc(sizeof *n);
  n->type = t;
  return n;
}

static const char *next_arg(const char *opt) {
  if (argi >= nargs) need_arg(opt);
  return args[argi++];
}

/* "+N", "-N" or "N" */
static void parse_num(struct node *n, const char *s, const char *opt) {
  if (*s == '+' || *s == '-') n->cmp = *s++;
  char *end;
  if (!bb_isdigit((unsigned char)*s)) bb_error_msg_and_die("invalid argument '%s' to '%s'", s, opt);
  n->num = strtoull(s, &end, 10);
  n->unit = 1;
  if (n->type == N_SIZE) {
    n->unit = 512;
    switch (*end) {
      case 'c': n->unit = 1; end++; break;
      case 'w': n->unit = 2; end++; break;
      case 'b': n->unit = 512; end++; break;
      case 'k': n->unit = 1024; end++; break;
      case 'M': n->unit = 1024 * 1024; end++; break;
      case 'G': n->unit = 1024 * 1024 * 1024; end++; break;
    }
  }
  if (*end) bb_error_msg_and_die("invalid argument '%s' to '%s'", s, opt);
}

static struct node *parse_or(void);

static struct node *parse_primary(void) {
  if (argi >= nargs) return 0;
  const char *a = args[argi];
  if (strcmp(a, "!") == 0 || strcmp(a, "-not") == 0) {
    argi++;
    struct node *n = new_node(N_NOT);
    n->left = parse_primary();
    if (!n->left) bb_error_msg_and_die("invalid expression");
    return n;
  }
  if (strcmp(a, "(") == 0) {
    argi++;
    struct node *n = parse_or();
    if (argi >= nargs || strcmp(args[argi], ")") != 0) bb_error_msg_and_die("invalid expression");
    argi++;
    return n ? n : new_node(N_TRUE);
  }
  if (strcmp(a, ")") == 0 || strcmp(a, "-o") == 0 || strcmp(a, "-or") == 0) return 0;
  argi++;
  struct node *n;
#define IS(s) (strcmp(a, s) == 0)
  if (IS("-name") || IS("-iname") || IS("-path") || IS("-ipath") || IS("-wholename")) {
    n = new_node(IS("-name") ? N_NAME : IS("-iname") ? N_INAME : IS("-ipath") ? N_IPATH : N_PATH);
    n->str = next_arg(a);
  } else if (IS("-regex")) {
    n = new_node(N_REGEX);
    n->str = next_arg(a);
    char *anchored = xasprintf("^%s$", n->str);
    if (regcomp(&n->re, anchored, 0) != 0) bb_error_msg_and_die("bad regex '%s'", n->str);
    free(anchored);
  } else if (IS("-type")) {
    n = new_node(N_TYPE);
    const char *t = next_arg(a);
    static const char types[] = "fdlbcsp";
    if (!t[0] || t[1] || !strchr(types, t[0])) bb_error_msg_and_die("invalid argument '%s' to '%s'", t, a);
    n->mode = t[0] == 'f' ? S_IFREG : t[0] == 'd' ? S_IFDIR : t[0] == 'l' ? S_IFLNK : t[0] == 'b' ? S_IFBLK
            : t[0] == 'c' ? S_IFCHR : t[0] == 's' ? S_IFSOCK : S_IFIFO;
  } else if (IS("-size")) {
    n = new_node(N_SIZE);
    parse_num(n, next_arg(a), a);
  } else if (IS("-empty")) {
    n = new_node(N_EMPTY);
  } else if (IS("-executable")) {
    n = new_node(N_EXECUTABLE);
  } else if (IS("-perm")) {
    n = new_node(N_PERM);
    const char *m = next_arg(a);
    if (*m == '-' || *m == '+' || *m == '/') n->cmp = *m++;
    mode_t mode = 0;
    if (bb_parse_mode(m, &mode) < 0) bb_error_msg_and_die("invalid mode '%s'", m);
    n->mode = mode & 07777;
  } else if (IS("-user") || IS("-group")) {
    int user = IS("-user");
    n = new_node(user ? N_USER : N_GROUP);
    const char *name = next_arg(a);
    long id = user ? xname2uid(name) : xname2gid(name);
    if (id < 0) bb_error_msg_and_die("unknown %s %s", user ? "user" : "group", name);
    n->num = (unsigned long long)id;
  } else if (IS("-links")) {
    n = new_node(N_LINKS);
    parse_num(n, next_arg(a), a);
  } else if (IS("-inum")) {
    n = new_node(N_INUM);
    parse_num(n, next_arg(a), a);
  } else if (IS("-samefile") || IS("-newer")) {
    n = new_node(IS("-newer") ? N_NEWER : N_SAMEFILE);
    const char *f = next_arg(a);
    struct stat st;
    if (stat(f, &st) < 0) bb_perror_msg_and_die("%s", f);
    n->dev = st.st_dev;
    n->ino = st.st_ino;
    n->when = st.st_mtime;
  } else if (IS("-mtime") || IS("-atime") || IS("-ctime") || IS("-mmin") || IS("-amin") || IS("-cmin")) {
    n = new_node(N_TIME);
    n->which_time = a[1];
    parse_num(n, next_arg(a), a);
    n->unit = strstr(a, "min") ? 60 : 86400;
  } else if (IS("-print")) {
    n = new_node(N_PRINT);
    has_action = 1;
  } else if (IS("-print0")) {
    n = new_node(N_PRINT0);
    has_action = 1;
  } else if (IS("-prune")) {
    n = new_node(N_PRUNE);
  } else if (IS("-delete")) {
    n = new_node(N_DELETE);
    depth_first = 1;
    has_action = 1;
  } else if (IS("-quit")) {
    n = new_node(N_QUIT);
  } else if (IS("-exec") || IS("-ok")) {
    n = new_node(N_EXEC);
    has_action = 1;
    int start = argi;
    while (argi < nargs && strcmp(args[argi], ";") != 0 &&
           !(strcmp(args[argi], "+") == 0 && argi > start && strcmp(args[argi - 1], "{}") == 0)) {
      argi++;
    }
    if (argi >= nargs || argi == start) need_arg(a);
    if (strcmp(args[argi], "+") == 0) {
      n->type = N_EXEC_PLUS;
      n->argc = argi - start - 1; /* without the final "{}" */
      if (nexec_plus < 64) exec_plus[nexec_plus++] = n;
    } else {
      n->argc = argi - start;
    }
    n->argv = args + start;
    argi++;
  } else if (IS("-maxdepth") || IS("-mindepth")) {
    const char *v = next_arg(a);
    int d = xatoi_positive(v);
    if (IS("-maxdepth")) maxdepth = d;
    else mindepth = d;
    n = new_node(N_TRUE);
  } else if (IS("-depth") || IS("-d")) {
    depth_first = 1;
    n = new_node(N_TRUE);
  } else if (IS("-xdev") || IS("-mount")) {
    xdev = 1;
    n = new_node(N_TRUE);
  } else if (IS("-follow")) {
    follow = 2;
    n = new_node(N_TRUE);
  } else if (IS("-true")) {
    n = new_node(N_TRUE);
  } else if (IS("-false")) {
    n = new_node(N_NOT);
    n->left = new_node(N_TRUE);
  } else {
    bb_error_msg("unrecognized: %s", a);
    bb_show_usage();
  }
#undef IS
  return n;
}

static struct node *parse_and(void) {
  struct node *left = parse_primary();
  if (!left) return 0;
  for (;;) {
    if (argi < nargs && (strcmp(args[argi], "-a") == 0 || strcmp(args[argi], "-and") == 0)) argi++;
    struct node *right = parse_primary();
    if (!right) return left;
    struct node *n = new_node(N_AND);
    n->left = left;
    n->right = right;
    left = n;
  }
}

static struct node *parse_or(void) {
  struct node *left = parse_and();
  while (argi < nargs && (strcmp(args[argi], "-o") == 0 || strcmp(args[argi], "-or") == 0)) {
    argi++;
    struct node *right = parse_and();
    if (!left || !right) bb_error_msg_and_die("invalid expression");
    struct node *n = new_node(N_OR);
    n->left = left;
    n->right = right;
    left = n;
  }
  return left;
}

static int run_command(char **argv) {
  fflush_all();
  pid_t pid;
  int err = posix_spawnp(&pid, argv[0], 0, 0, argv, environ);
  if (err) {
    errno = err;
    bb_perror_msg("%s", argv[0]);
    status = 1;
    return 0;
  }
  int st;
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void flush_exec_plus(struct node *n) {
  if (n->nbatch == 0) return;
  char **argv = xmalloc(sizeof(char *) * (size_t)(n->argc + n->nbatch + 1));
  memcpy(argv, n->argv, sizeof(char *) * (size_t)n->argc);
  memcpy(argv + n->argc, n->batch, sizeof(char *) * (size_t)n->nbatch);
  argv[n->argc + n->nbatch] = 0;
  if (!run_command(argv)) status = 1;
  for (int i = 0; i < n->nbatch; i++) free(n->batch[i]);
  free(argv);
  n->nbatch = 0;
  n->batch_bytes = 0;
}

static char *replace_braces(const char *arg, const char *path) {
  if (!strstr(arg, "{}")) return xstrdup(arg);
  strbuf sb = {0};
  for (const char *p = arg; *p;) {
    if (p[0] == '{' && p[1] == '}') {
      sb_puts(&sb, path);
      p += 2;
    } else {
      sb_putc(&sb, *p++);
    }
  }
  return sb_str(&sb);
}

static int prune_flag;

static _Noreturn void quit_now(void) {
  for (int i = 0; i < nexec_plus; i++) flush_exec_plus(exec_plus[i]);
  fflush_stdout_and_exit(status);
}

static int eval(struct node *n, const char *path, const struct stat *st) {
  switch (n->type) {
    case N_AND:
      return eval(n->left, path, st) && eval(n->right, path, st);
    case N_OR:
      return eval(n->left, path, st) || eval(n->right, path, st);
    case N_NOT:
      return !eval(n->left, path, st);
    case N_TRUE:
      return 1;
    case N_NAME:
    case N_INAME: {
      char *base = bb_basename_dup(path);
      int r = fnmatch(n->str, base, n->type == N_INAME ? FNM_CASEFOLD : 0) == 0;
      free(base);
      return r;
    }
    case N_PATH:
    case N_IPATH:
      return fnmatch(n->str, path, n->type == N_IPATH ? FNM_CASEFOLD : 0) == 0;
    case N_REGEX:
      return regexec(&n->re, path, 0, 0, 0) == 0;
    case N_TYPE:
      return (st->st_mode & S_IFMT) == n->mode;
    case N_SIZE: {
      unsigned long long size = ((unsigned long long)st->st_size + n->unit - 1) / n->unit;
      return n->cmp == '+' ? size > n->num : n->cmp == '-' ? size < n->num : size == n->num;
    }
    case N_EMPTY:
      if (S_ISREG(st->st_mode)) return st->st_size == 0;
      if (S_ISDIR(st->st_mode)) {
        DIR *d = opendir(path);
        if (!d) return 0;
        struct dirent *e;
        int empty = 1;
        while ((e = readdir(d))) {
          if (!is_dot_or_dotdot(e->d_name)) {
            empty = 0;
            break;
          }
        }
        closedir(d);
        return empty;
      }
      return 0;
    case N_EXECUTABLE:
      return access(path, X_OK) == 0;
    case N_PERM: {
      mode_t m = st->st_mode & 07777;
      if (n->cmp == '-') return (m & n->mode) == n->mode;
      if (n->cmp == '+' || n->cmp == '/') return n->mode == 0 || (m & n->mode) != 0;
      return m == n->mode;
    }
    case N_USER:
      return st->st_uid == n->num;
    case N_GROUP:
      return st->st_gid == n->num;
    case N_LINKS:
      return n->cmp == '+' ? st->st_nlink > n->num : n->cmp == '-' ? st->st_nlink < n->num : st->st_nlink == n->num;
    case N_INUM:
      return n->cmp == '+' ? st->st_ino > n->num : n->cmp == '-' ? st->st_ino < n->num : st->st_ino == n->num;
    case N_SAMEFILE:
      return st->st_ino == n->ino && st->st_dev == n->dev;
    case N_NEWER:
      return st->st_mtime > n->when;
    case N_TIME: {
      time_t t = n->which_time == 'a' ? st->st_atime : n->which_time == 'c' ? st->st_ctime : st->st_mtime;
      long long age = ((long long)now - (long long)t) / (long long)n->unit;
      return n->cmp == '+' ? age > (long long)n->num : n->cmp == '-' ? age < (long long)n->num : age == (long long)n->num;
    }
    case N_PRINT:
      puts(path);
      return 1;
    case N_PRINT0:
      fputs(path, stdout);
      putchar(0);
      return 1;
    case N_PRUNE:
      prune_flag = 1;
      return 1;
    case N_DELETE:
      if ((S_ISDIR(st->st_mode) ? rmdir(path) : unlink(path)) < 0) {
        bb_perror_msg("%s", path);
        status = 1;
        return 0;
      }
      return 1;
    case N_QUIT:
      quit_now();
    case N_EXEC: {
      char **argv = xmalloc(sizeof(char *) * (size_t)(n->argc + 1));
      for (int i = 0; i < n->argc; i++) argv[i] = replace_braces(n->argv[i], path);
      argv[n->argc] = 0;
      int r = run_command(argv);
      for (int i = 0; i < n->argc; i++) free(argv[i]);
      free(argv);
      return r;
    }
    case N_EXEC_PLUS:
      n->batch = xrealloc(n->batch, sizeof(char *) * (size_t)(n->nbatch + 1));
      n->batch[n->nbatch++] = xstrdup(path);
      n->batch_bytes += strlen(path) + 1;
      if (n->batch_bytes > 64 * 1024 || n->nbatch >= 4096) flush_exec_plus(n);
      return 1;
  }
  return 0;
}

static struct node *expr;

static void walk(const char *path, int depth, dev_t root_dev) {
  struct stat st;
  int deref = follow == 2 || (follow == 1 && depth == 0);
  if ((deref ? stat(path, &st) : -1) < 0 && lstat(path, &st) < 0) {
    bb_perror_msg("%s", path);
    status = 1;
    return;
  }
  if (depth == 0) root_dev = st.st_dev;
  prune_flag = 0;
  if (!depth_first && depth >= mindepth) eval(expr, path, &st);
  int descend = S_ISDIR(st.st_mode) && depth < maxdepth && !(prune_flag && !depth_first);
  if (xdev && st.st_dev != root_dev) descend = 0;
  if (descend) {
    DIR *d = opendir(path);
    if (!d) {
      bb_perror_msg("%s", path);
      status = 1;
    } else {
      char **names = 0;
      size_t n = 0, cap = 0;
      struct dirent *e;
      while ((e = readdir(d))) {
        if (is_dot_or_dotdot(e->d_name)) continue;
        if (n == cap) names = xrealloc(names, sizeof *names * (cap = cap ? cap * 2 : 16));
        names[n++] = xstrdup(e->d_name);
      }
      closedir(d);
      for (size_t i = 0; i < n; i++) {
        char *child = concat_path_file(path, names[i]);
        walk(child, depth + 1, root_dev);
        free(child);
        free(names[i]);
      }
      free(names);
    }
  }
  if (depth_first && depth >= mindepth) eval(expr, path, &st);
}

int find_main(int argc, char **argv) {
  now = time(0);
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "-L") == 0) follow = 2;
    else if (strcmp(argv[i], "-H") == 0) follow = 1;
    else if (strcmp(argv[i], "-P") == 0) follow = 0;
    else break;
  }
  int first_path = i;
  while (i < argc && !(argv[i][0] == '-' && argv[i][1]) && strcmp(argv[i], "!") != 0 && strcmp(argv[i], "(") != 0) i++;
  int npaths = i - first_path;
  args = argv + i;
  nargs = argc - i;
  argi = 0;
  expr = parse_or();
  if (argi < nargs) {
    bb_error_msg("unrecognized: %s", args[argi]);
    bb_show_usage();
  }
  if (!expr) expr = new_node(N_TRUE);
  if (!has_action) {
    struct node *and = new_node(N_AND);
    and->left = expr;
    and->right = new_node(N_PRINT);
    expr = and;
  }
  if (npaths == 0) walk(".", 0, 0);
  for (int k = 0; k < npaths; k++) walk(argv[first_path + k], 0, 0);
  for (int k = 0; k < nexec_plus; k++) flush_exec_plus(exec_plus[k]);
  if (fflush_all()) return 1;
  return status;
}
