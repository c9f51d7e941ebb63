/*
 * The builtin table and the builtins that manage shell state: options
 * (set), variables (export readonly unset local), control flow (exit return
 * break continue), eval and `.`, exec, command/type, shift, getopts, umask,
 * kill, wait, alias, times, ulimit.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "drydock.h"
#include "sh.h"

int exec_replace(char **argv, char **assigns, int nassigns);
int trap_any_set(void);
extern int g_lineno;
extern arena_t *g_current_arena;
int g_dotnest;

const char *const g_optnames[OPT_COUNT] = {
    "errexit", "noglob", "ignoreeof", "interactive", "monitor", "noexec", "stdin", "", "xtrace",
    "verbose", "noclobber", "allexport", "notify", "nounset", "errtrace", "vi", "pipefail",
};
const char g_optletters[OPT_COUNT] = {'e', 'f', 'I', 'i', 'm', 'n', 's', 'c', 'x', 'v', 'C', 'a', 'b', 'u', 'E', 0, 0};
static const char hidden[OPT_COUNT] = {[OPT_i] = 1, [OPT_s] = 1, [OPT_c] = 1};

char *options_dollar_minus(void) {
  char *buf = stalloc(OPT_COUNT + 1), *p = buf;
  for (int i = OPT_COUNT - 1; i >= 0; i--)
    if (g_opt[i] && g_optletters[i]) *p++ = g_optletters[i];
  *p = 0;
  return buf;
}

int options_set_letter(int c, int on) {
  for (int i = 0; i < OPT_COUNT; i++)
    if (g_optletters[i] == c && !hidden[i]) {
      g_opt[i] = (char)on;
      return 0;
    }
  return -1;
}

int options_set_name(const char *name, int on) {
  for (int i = 0; i < OPT_COUNT; i++)
    if (!hidden[i] && strcmp(g_optnames[i], name) == 0) {
      g_opt[i] = (char)on;
      return 0;
    }
  return -1;
}

/* ------------------------------------------------------------------ quoting for listings */

static void put_single_quoted(const char *s) {
  bputc('\'');
  for (; *s; s++) {
    if (*s == '\'') bputs("'\"'\"'");
    else bputc(*s);
  }
  bputc('\'');
}

/* ------------------------------------------------------------------ simple ones */

static int bi_true(int argc, char **argv) { return 0; }
static int bi_false(int argc, char **argv) { return 1; }

static int parse_status_arg(const char *s, int *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (!*s || *end || errno || v < 0) {
    sh_error("Illegal number: %s", s);
    raise_error();
    return -1;
  }
  *out = (int)(v & 0xff);
  return 0;
}

static int bi_exit(int argc, char **argv) {
  int st = g_status;
  if (argc > 1 && parse_status_arg(argv[1], &st) < 0) return 2;
  raise_exit(st);
  return st;
}

static int bi_return(int argc, char **argv) {
  int st = g_status;
  if (argc > 1 && parse_status_arg(argv[1], &st) < 0) return 2;
  g_skip = SKIP_FUNC;
  g_status = st;
  return st;
}

static int bi_break(int argc, char **argv) {
  int n = 1;
  if (argc > 1) {
    char *end;
    long v = strtol(argv[1], &end, 10);
    if (!*argv[1] || *end || v <= 0) {
      sh_error("Illegal number: %s", argv[1]);
      raise_error();
      return 2;
    }
    n = (int)v;
  }
  if (g_loopnest == 0) return 0;
  if (n > g_loopnest) n = g_loopnest;
  g_skip = strcmp(argv[0], "break") == 0 ? SKIP_BREAK : SKIP_CONT;
  g_skipcount = n;
  return 0;
}

static int bi_shift(int argc, char **argv) {
  int n = 1;
  if (argc > 1) {
    char *end;
    long v = strtol(argv[1], &end, 10);
    if (!*argv[1] || *end || v < 0) {
      sh_error("Illegal number: %s", argv[1]);
      raise_error();
      return 2;
    }
    n = (int)v;
  }
  if (n > g_params.n) return 1;
  for (int i = 0; i < n; i++) free(g_params.v[i]);
  memmove(g_params.v, g_params.v + n, sizeof(char *) * (size_t)(g_params.n - n + 1));
  g_params.n -= n;
  return 0;
}

/* ------------------------------------------------------------------ set */

static void print_var_set(var_t *v, void *ctx) {
  (void)ctx;
  if (v->flags & V_UNSET) return;
  bprintf("%s=", v->name);
  put_single_quoted(v->value);
  bputc('\n');
}

static int bi_set(int argc, char **argv) {
  if (argc == 1) {
    vars_each_sorted(print_var_set, NULL);
    return 0;
  }
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if ((a[0] != '-' && a[0] != '+') || !a[1]) {
      if (strcmp(a, "-") == 0) {
        g_opt[OPT_x] = g_opt[OPT_v] = 0;
        i++;
        if (i >= argc) return 0;
      }
      break;
    }
    if (strcmp(a, "--") == 0) {
      i++;
      params_set(argc - i, argv + i);
      return 0;
    }
    int on = a[0] == '-';
    for (const char *p = a + 1; *p; p++) {
      if (*p == 'o') {
        if (i + 1 >= argc) {
          for (int k = 0; k < OPT_COUNT; k++) {
            if (hidden[k]) continue;
            if (on) bprintf("%-16s%s\n", g_optnames[k], g_opt[k] ? "on" : "off");
            else bprintf("set %co %s\n", g_opt[k] ? '-' : '+', g_optnames[k]);
          }
          continue;
        }
        if (options_set_name(argv[++i], on) < 0) {
          sh_error("illegal option %co %s", a[0], argv[i]);
          return 1;
        }
        continue;
      }
      if (options_set_letter(*p, on) < 0) {
        sh_error("illegal option %c%c", a[0], *p);
        raise_error();
        return 2;
      }
    }
  }
  if (i < argc) params_set(argc - i, argv + i);
  return 0;
}

/* ------------------------------------------------------------------ variables */

static int bi_unset(int argc, char **argv) {
  int funcs = 0, i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'f') funcs = 1;
      else if (*p == 'v') funcs = 0;
      else {
        sh_error("illegal option -%c", *p);
        raise_error();
        return 2;
      }
    }
  }
  for (; i < argc; i++) {
    if (funcs) {
      func_unset(argv[i]);
    } else {
      if (var_unset(argv[i]) < 0) return 2;
    }
  }
  return 0;
}

typedef struct {
  int flag;
  const char *word;
} listctx_t;

static void print_flagged(var_t *v, void *ctx) {
  listctx_t *l = ctx;
  if (!(v->flags & l->flag)) return;
  bprintf("%s %s", l->word, v->name);
  if (!(v->flags & V_UNSET)) {
    bputc('=');
    put_single_quoted(v->value);
  }
  bputc('\n');
}

static int bi_export(int argc, char **argv) {
  int flag = strcmp(argv[0], "readonly") == 0 ? V_READONLY : V_EXPORT;
  int i = 1;
  int print = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    if (strcmp(argv[i], "-p") == 0) print = 1;
    else if (strcmp(argv[i], "-n") == 0 && flag == V_EXPORT) {
      for (i++; i < argc; i++) {
        var_t *v = var_lookup(argv[i]);
        if (v) v->flags &= ~V_EXPORT;
      }
      return 0;
    } else {
      sh_error("illegal option %s", argv[i]);
      raise_error();
      return 2;
    }
  }
  if (i >= argc) {
    listctx_t l = {flag, argv[0]};
    vars_each_sorted(print_flagged, &l);
    return 0;
  }
  (void)print;
  for (; i < argc; i++) {
    const char *eq = strchr(argv[i], '=');
    size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
    if (!is_name_n(argv[i], nl)) {
      char *nm = ststrndup(argv[i], nl);
      sh_error("%s: bad variable name", nm);
      raise_error();
      return 2;
    }
    if (var_set_assignment(argv[i], flag) < 0) return 2;
  }
  return 0;
}

static int bi_local(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *eq = strchr(argv[i], '=');
    size_t nl = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
    if (!(nl == 1 && argv[i][0] == '-') && !is_name_n(argv[i], nl)) {
      char *nm = ststrndup(argv[i], nl);
      sh_error("%s: bad variable name", nm);
      raise_error();
      return 2;
    }
    if (local_declare(argv[i]) < 0) return 2;
  }
  return 0;
}

/* ------------------------------------------------------------------ eval and . */

static int bi_eval(int argc, char **argv) {
  if (argc < 2) return 0;
  sbuf_t sb = {0};
  for (int i = 1; i < argc; i++) {
    if (i > 1) sb_addc(&sb, ' ');
    sb_adds(&sb, argv[i]);
  }
  int st = eval_string(sb_str(&sb), 0);
  sb_free(&sb);
  return st;
}

static int find_dot_file(const char *name, char *out, size_t len) {
  if (strchr(name, '/')) {
    snprintf(out, len, "%s", name);
    return 0;
  }
  const char *path = var_get("PATH");
  if (path) {
    for (const char *p = path;;) {
      const char *end = strchr(p, ':');
      if (!end) end = p + strlen(p);
      size_t dl = (size_t)(end - p);
      snprintf(out, len, "%.*s%s%s", (int)dl, p, dl ? "/" : "", name);
      struct drydock_stat st;
      if (__drydock_fstatat(DRYDOCK_AT_FDCWD, out, 0, &st) == 0 && (st.mode & 0170000) == 0100000) return 0;
      if (!*end) break;
      p = end + 1;
    }
  }
  snprintf(out, len, "%s", name);
  return -1;
}

static int bi_dot(int argc, char **argv) {
  if (argc < 2) {
    sh_error("usage: . file");
    raise_error();
    return 2;
  }
  char path[PATH_MAX];
  if (find_dot_file(argv[1], path, sizeof path) < 0) {
    sh_error("%s: not found", argv[1]);
    raise_error();
    return 2;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    sh_error("can't open '%s': %s", argv[1], strerror(errno));
    raise_error();
    return 2;
  }
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (high >= 0) {
    close(fd);
    fd = high;
  }
  params_t saved = g_params;
  int have_args = argc > 2;
  if (have_args) {
    g_params.n = 0;
    g_params.v = NULL;
    params_set(argc - 2, argv + 2);
  }
  const char *saved_cmd = g_cmdname;
  g_cmdname = NULL;
  int saved_lineno = g_lineno;
  input_push_fd(fd, 1);
  g_status = 0;
  g_dotnest++;
  cmdloop(0);
  g_dotnest--;
  input_pop();
  g_lineno = saved_lineno;
  g_cmdname = saved_cmd;
  if (g_skip == SKIP_FUNC && g_funcnest == 0) g_skip = SKIP_NONE;
  if (have_args) {
    params_free(&g_params);
    g_params = saved;
  }
  return g_status;
}

/* ------------------------------------------------------------------ exec, command, type */

static int bi_exec(int argc, char **argv) {
  if (argc < 2) return 0;
  int i = 1;
  if (strcmp(argv[1], "--") == 0) i++;
  if (i >= argc) return 0;
  int st = exec_replace(argv + i, NULL, 0);
  raise_exit(st);
  return st;
}

static const char *const keywords[] = {"!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until", "while", "{", "}", 0};

static int is_keyword(const char *s) {
  for (int i = 0; keywords[i]; i++)
    if (strcmp(s, keywords[i]) == 0) return 1;
  return 0;
}

/* Describes a command as type (verbose) or command -v (!verbose). Returns 0 if found. */
static int describe(const char *name, int verbose) {
  char path[PATH_MAX];
  if (is_keyword(name)) {
    if (verbose) bprintf("%s is a shell keyword\n", name);
    else bprintf("%s\n", name);
    return 0;
  }
  const char *al = alias_get(name);
  if (al) {
    if (verbose) bprintf("%s is an alias for %s\n", name, al);
    else bprintf("alias %s='%s'\n", name, al);
    return 0;
  }
  const builtin_t *bi = builtin_lookup(name);
  if (bi && (bi->flags & BI_SPECIAL)) {
    if (verbose) bprintf("%s is a special shell builtin\n", name);
    else bprintf("%s\n", name);
    return 0;
  }
  if (func_lookup(name)) {
    if (verbose) bprintf("%s is a function\n", name);
    else bprintf("%s\n", name);
    return 0;
  }
  if (bi) {
    if (verbose) bprintf("%s is a shell builtin\n", name);
    else bprintf("%s\n", name);
    return 0;
  }
  if (strchr(name, '/')) {
    int eacces = 0;
    struct drydock_stat st;
    if (__drydock_fstatat(DRYDOCK_AT_FDCWD, name, 0, &st) == 0 && (st.mode & 0170000) == 0100000 && (st.mode & 0111)) {
      if (verbose) bprintf("%s is %s\n", name, name);
      else bprintf("%s\n", name);
      return 0;
    }
    (void)eacces;
  } else if (find_command_path(name, path, sizeof path) == 0) {
    if (verbose) bprintf("%s is %s\n", name, path);
    else bprintf("%s\n", path);
    return 0;
  }
  if (verbose) {
    bout_flush();
    outf(1, "%s: not found\n", name);
  }
  return 127;
}

static int bi_type(int argc, char **argv) {
  int st = 0;
  for (int i = 1; i < argc; i++)
    if (describe(argv[i], 1)) st = 127;
  return st;
}

static int bi_command(int argc, char **argv) {
  int verbose = -1, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    for (const char *p = argv[i] + 1; *p; p++) {
      if (*p == 'v') verbose = 0;
      else if (*p == 'V') verbose = 1;
      else if (*p == 'p') {
      } else {
        sh_error("illegal option -%c", *p);
        return 2;
      }
    }
  }
  if (i >= argc) return 0;
  if (verbose >= 0) {
    int st = 0;
    for (; i < argc; i++)
      if (describe(argv[i], verbose)) st = 127;
    return st;
  }
  /* command -p cmd ...: run it (functions skipped); reached only with options */
  const builtin_t *bi = builtin_lookup(argv[i]);
  if (bi) return bi->fn(argc - i, argv + i);
  char *sub[argc - i + 1];
  for (int k = i; k < argc; k++) sub[k - i] = argv[k];
  sub[argc - i] = NULL;
  sbuf_t sb = {0};
  for (int k = i; k < argc; k++) {
    if (k > i) sb_addc(&sb, ' ');
    sb_addc(&sb, '\'');
    for (const char *p = argv[k]; *p; p++) {
      if (*p == '\'') sb_adds(&sb, "'\\''");
      else sb_addc(&sb, *p);
    }
    sb_addc(&sb, '\'');
  }
  int st = eval_string(sb_str(&sb), 0);
  sb_free(&sb);
  return st;
}

static int bi_hash(int argc, char **argv) { return 0; }

/* ------------------------------------------------------------------ umask */

int bi_umask(int argc, char **argv) {
  int symbolic = 0, i = 1;
  if (i < argc && strcmp(argv[i], "-S") == 0) symbolic = 1, i++;
  uint32_t old = 0;
  __drydock_umask(0, &old);
  __drydock_umask(old, NULL);
  if (i >= argc) {
    if (symbolic) {
      uint32_t m = ~old & 0777;
      char buf[32], *p = buf;
      const char *who = "ugo";
      for (int k = 0; k < 3; k++) {
        if (k) *p++ = ',';
        *p++ = who[k];
        *p++ = '=';
        uint32_t bits = (m >> (6 - 3 * k)) & 7;
        if (bits & 4) *p++ = 'r';
        if (bits & 2) *p++ = 'w';
        if (bits & 1) *p++ = 'x';
      }
      *p = 0;
      bprintf("%s\n", buf);
    } else {
      bprintf("%04o\n", old);
    }
    return 0;
  }
  const char *m = argv[i];
  uint32_t mask = 0;
  if (m[0] >= '0' && m[0] <= '7') {
    for (const char *p = m; *p; p++) {
      if (*p < '0' || *p > '7') {
        sh_error("illegal mode: %s", m);
        raise_error();
        return 2;
      }
      mask = mask * 8 + (uint32_t)(*p - '0');
    }
  } else {
    /* symbolic: u=rwx,g=rx,o= style, applied to the permissions allowed */
    uint32_t perm = ~old & 0777;
    const char *p = m;
    while (*p) {
      uint32_t who = 0;
      while (*p == 'u' || *p == 'g' || *p == 'o' || *p == 'a') {
        who |= *p == 'u' ? 0700 : *p == 'g' ? 070 : *p == 'o' ? 07 : 0777;
        p++;
      }
      if (!who) who = 0777;
      char op = *p;
      if (op != '=' && op != '+' && op != '-') {
        sh_error("illegal mode: %s", m);
        raise_error();
        return 2;
      }
      p++;
      uint32_t bits = 0;
      while (*p == 'r' || *p == 'w' || *p == 'x') {
        bits |= *p == 'r' ? 0444 : *p == 'w' ? 0222 : 0111;
        p++;
      }
      bits &= who;
      if (op == '=') perm = (perm & ~who) | bits;
      else if (op == '+') perm |= bits;
      else perm &= ~bits;
      if (*p == ',') p++;
      else if (*p) {
        sh_error("illegal mode: %s", m);
        raise_error();
        return 2;
      }
    }
    mask = ~perm & 0777;
  }
  __drydock_umask(mask & 0777, NULL);
  return 0;
}

/* ------------------------------------------------------------------ wait, kill */

int job_wait_one(pid_t pid, int *found);
int job_wait_all(void);

int bi_wait(int argc, char **argv) {
  if (argc < 2) return job_wait_all();
  int st = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '%') a++;
    char *end;
    long pid = strtol(a, &end, 10);
    if (!*a || *end) {
      sh_error("Illegal number: %s", argv[i]);
      raise_error();
      return 2;
    }
    int found;
    st = job_wait_one((pid_t)pid, &found);
    if (!found) st = 127;
  }
  return st;
}

int bi_kill(int argc, char **argv) {
  int sig = SIGTERM, i = 1;
  if (argc < 2) {
    sh_warnx("usage: kill [-s SIG | -SIG] PID...");
    return 1;
  }
  if (strcmp(argv[1], "-l") == 0 || strcmp(argv[1], "-L") == 0) {
    if (argc == 2) {
      for (int s = 1; s < 32; s++) bprintf("%2d) %s\n", s, signal_name(s));
      return 0;
    }
    for (i = 2; i < argc; i++) {
      const char *a = argv[i];
      if (a[0] >= '0' && a[0] <= '9') {
        int n = atoi(a);
        if (n > 128) n -= 128;
        const char *nm = n > 0 && n < MAXSIG ? signal_name(n) : NULL;
        if (!nm) {
          sh_warnx("bad signal name '%s'", a);
          return 1;
        }
        bprintf("%s\n", nm);
      } else {
        int n = signal_number(a);
        if (n <= 0) {
          sh_warnx("bad signal name '%s'", a);
          return 1;
        }
        bprintf("%d\n", n);
      }
    }
    return 0;
  }
  if (strcmp(argv[1], "-s") == 0 || strcmp(argv[1], "-n") == 0) {
    if (argc < 3) {
      sh_warnx("usage: kill [-s SIG | -SIG] PID...");
      return 1;
    }
    sig = signal_number(argv[2]);
    if (sig < 0) {
      sh_warnx("bad signal name '%s'", argv[2]);
      return 1;
    }
    i = 3;
  } else if (argv[1][0] == '-' && argv[1][1] && !(argv[1][1] == '-' && !argv[1][2])) {
    sig = signal_number(argv[1] + 1);
    if (sig < 0) {
      sh_warnx("bad signal name '%s'", argv[1] + 1);
      return 1;
    }
    i = 2;
  } else if (strcmp(argv[1], "--") == 0) {
    i = 2;
  }
  int st = 0;
  for (; i < argc; i++) {
    char *end;
    long pid = strtol(argv[i], &end, 10);
    if (!*argv[i] || *end) {
      sh_warnx("invalid number '%s'", argv[i]);
      st = 1;
      continue;
    }
    if (kill((pid_t)pid, sig) < 0) {
      sh_warnx("can't kill pid %ld: %s", pid, strerror(errno));
      st = 1;
    }
  }
  return st;
}

/* ------------------------------------------------------------------ getopts */

static int getopts_charpos; /* position inside the current argument */

void getopts_reset(void) { getopts_charpos = 0; }

int bi_getopts(int argc, char **argv) {
  if (argc < 3) {
    sh_error("usage: getopts optstring var [arg]");
    raise_error();
    return 2;
  }
  const char *optstr = argv[1];
  const char *name = argv[2];
  char **args = argc > 3 ? argv + 3 : g_params.v;
  int nargs = argc > 3 ? argc - 3 : g_params.n;
  const char *oi = var_get("OPTIND");
  int optind = oi ? atoi(oi) : 1;
  if (optind < 1) optind = 1;
  int silent = optstr[0] == ':';
  if (silent) optstr++;
  char c[2] = {0, 0};
  if (optind > nargs || getopts_charpos == 0) {
    if (optind > nargs) goto end;
    const char *a = args[optind - 1];
    if (a[0] != '-' || !a[1]) goto end;
    if (strcmp(a, "--") == 0) {
      optind++;
      goto end;
    }
    getopts_charpos = 1;
  }
  {
    const char *a = args[optind - 1];
    c[0] = a[getopts_charpos++];
    int last = a[getopts_charpos] == 0;
    const char *spec = strchr(optstr, c[0]);
    if (!spec || c[0] == ':') {
      if (silent) {
        var_set("OPTARG", c, 0);
      } else {
        bout_flush();
        outf(2, "Illegal option -%c\n", c[0]);
        var_unset("OPTARG");
      }
      c[0] = '?';
      if (last) optind++, getopts_charpos = 0;
    } else if (spec[1] == ':') {
      if (!last) {
        var_set("OPTARG", a + getopts_charpos, 0);
        optind++;
      } else if (optind < nargs) {
        var_set("OPTARG", args[optind], 0);
        optind += 2;
      } else {
        if (silent) {
          var_set("OPTARG", c, 0);
          c[0] = ':';
        } else {
          bout_flush();
          outf(2, "No arg for -%c option\n", c[0]);
          var_unset("OPTARG");
          c[0] = '?';
        }
        optind++;
      }
      getopts_charpos = 0;
    } else {
      var_unset("OPTARG");
      if (last) optind++, getopts_charpos = 0;
    }
    var_set(name, c, 0);
    char buf[16];
    snprintf(buf, sizeof buf, "%d", optind);
    int saved = getopts_charpos;
    var_set("OPTIND", buf, 0);
    getopts_charpos = saved;
    return 0;
  }
end:
  getopts_charpos = 0;
  {
    char buf[16];
    snprintf(buf, sizeof buf, "%d", optind);
    var_set("OPTIND", buf, 0);
    getopts_charpos = 0;
    var_set(name, "?", 0);
  }
  return 1;
}

/* ------------------------------------------------------------------ alias */

typedef struct alias {
  struct alias *next;
  char *name, *value;
} alias_t;
static alias_t *aliases;

const char *alias_get(const char *name) {
  for (alias_t *a = aliases; a; a = a->next)
    if (strcmp(a->name, name) == 0) return a->value;
  return NULL;
}

static void print_alias(alias_t *a) {
  bprintf("%s=", a->name);
  put_single_quoted(a->value);
  bputc('\n');
}

int bi_alias(int argc, char **argv) {
  if (argc == 1) {
    for (alias_t *a = aliases; a; a = a->next) print_alias(a);
    return 0;
  }
  int st = 0;
  for (int i = 1; i < argc; i++) {
    const char *eq = strchr(argv[i], '=');
    if (!eq) {
      alias_t *a = aliases;
      while (a && strcmp(a->name, argv[i]) != 0) a = a->next;
      if (a) print_alias(a);
      else {
        sh_error("%s: not found", argv[i]);
        st = 1;
      }
      continue;
    }
    char *name = xstrndup(argv[i], (size_t)(eq - argv[i]));
    alias_t *a = aliases;
    while (a && strcmp(a->name, name) != 0) a = a->next;
    if (a) {
      free(name);
      free(a->value);
    } else {
      a = xzalloc(sizeof *a);
      a->name = name;
      a->next = aliases;
      aliases = a;
    }
    a->value = xstrdup(eq + 1);
  }
  return st;
}

int bi_unalias(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-a") == 0) {
    while (aliases) {
      alias_t *a = aliases;
      aliases = a->next;
      free(a->name);
      free(a->value);
      free(a);
    }
    return 0;
  }
  int st = 0;
  for (int i = 1; i < argc; i++) {
    alias_t **pp = &aliases;
    while (*pp && strcmp((*pp)->name, argv[i]) != 0) pp = &(*pp)->next;
    if (!*pp) {
      sh_error("%s: not found", argv[i]);
      st = 1;
      continue;
    }
    alias_t *a = *pp;
    *pp = a->next;
    free(a->name);
    free(a->value);
    free(a);
  }
  return st;
}

/* ------------------------------------------------------------------ misc */

static int bi_times(int argc, char **argv) {
  bputs("0m0.000s 0m0.000s\n0m0.000s 0m0.000s\n");
  return 0;
}

int bi_ulimit(int argc, char **argv) {
  bputs("unlimited\n");
  return 0;
}


static int bi_let(int argc, char **argv) {
  arith_t v = 0;
  if (argc < 2) {
    sh_error("expression expected");
    raise_error();
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    int err;
    v = arith_eval(argv[i], &err);
    if (err) {
      raise_error();
      return 2;
    }
  }
  return v == 0;
}

static int bi_help(int argc, char **argv);

/* ------------------------------------------------------------------ the table (sorted) */

static const builtin_t builtins[] = {
    {".", bi_dot, BI_SPECIAL},
    {":", bi_true, BI_SPECIAL},
    {"[", bi_test, BI_REGULAR},
    {"alias", bi_alias, BI_REGULAR},
    {"break", bi_break, BI_SPECIAL},
    {"cd", bi_cd, BI_REGULAR},
    {"chdir", bi_cd, BI_REGULAR},
    {"command", bi_command, BI_REGULAR},
    {"continue", bi_break, BI_SPECIAL},
    {"echo", bi_echo, BI_REGULAR},
    {"eval", bi_eval, BI_SPECIAL},
    {"exec", bi_exec, BI_SPECIAL},
    {"exit", bi_exit, BI_SPECIAL},
    {"export", bi_export, BI_SPECIAL | BI_ASSIGN},
    {"false", bi_false, BI_REGULAR},
    {"getopts", bi_getopts, BI_REGULAR},
    {"hash", bi_hash, BI_REGULAR},
    {"help", bi_help, BI_REGULAR},
    {"jobs", bi_jobs, BI_REGULAR},
    {"kill", bi_kill, BI_REGULAR},
    {"let", bi_let, BI_REGULAR},
    {"local", bi_local, BI_SPECIAL | BI_ASSIGN},
    {"printf", bi_printf, BI_REGULAR},
    {"pwd", bi_pwd, BI_REGULAR},
    {"read", bi_read, BI_REGULAR},
    {"readonly", bi_export, BI_SPECIAL | BI_ASSIGN},
    {"return", bi_return, BI_SPECIAL},
    {"set", bi_set, BI_SPECIAL},
    {"shift", bi_shift, BI_SPECIAL},
    {"source", bi_dot, BI_SPECIAL},
    {"test", bi_test, BI_REGULAR},
    {"times", bi_times, BI_SPECIAL},
    {"trap", bi_trap, BI_SPECIAL},
    {"true", bi_true, BI_REGULAR},
    {"type", bi_type, BI_REGULAR},
    {"ulimit", bi_ulimit, BI_REGULAR},
    {"umask", bi_umask, BI_REGULAR},
    {"unalias", bi_unalias, BI_REGULAR},
    {"unset", bi_unset, BI_SPECIAL},
    {"wait", bi_wait, BI_REGULAR},
};

const builtin_t *builtin_lookup(const char *name) {
  int lo = 0, hi = (int)(sizeof builtins / sizeof builtins[0]) - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(name, builtins[mid].name);
    if (c == 0) return &builtins[mid];
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return NULL;
}

/* help: the builtins, in busybox's layout (tab-indented lines of about 60 columns). */
static int bi_help(int argc, char **argv) {
  bputs("Built-in commands:\n------------------\n");
  int col = 0;
  for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
    bputc(col == 0 ? '\t' : ' ');
    bputs(builtins[i].name);
    col += 1 + (int)strlen(builtins[i].name);
    if (col > 60) {
      bputc('\n');
      col = 0;
    }
  }
  if (col) bputc('\n');
  return 0;
}
