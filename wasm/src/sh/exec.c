/*
 * Evaluation of parse trees. There is no fork(): external commands are
 * started with posix_spawn (redirections become file actions), and
 * everything ash would run in a forked child (subshells, pipeline elements
 * that are not plain external commands, background lists, most command
 * substitutions) runs in a new sh process that receives the shell state
 * (subshell.c). Errors and control flow (break/continue/return/exit) unwind
 * by returning: every loop checks unwinding().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "drydock.h"
#include "sh.h"

extern int g_lineno;
int g_lineno_fixed; /* a child shell reports the line where its subshell started */
static void set_lineno(int l) {
  if (!g_lineno_fixed) g_lineno = l;
}
int g_status;
pid_t g_rootpid;
pid_t g_lastbg;
const char *g_self = "/bin/sh";
int g_skip, g_skipcount, g_loopnest;
int g_exc;
int g_exitstatus_pending;

void raise_error(void) {
  if (g_exc == EXC_NONE) g_exc = EXC_ERROR;
  g_status = 2;
}

void raise_exit(int status) {
  g_exc = EXC_EXIT;
  g_exitstatus_pending = status;
  g_status = status;
}

/* Moves fd to >= 10 with close-on-exec (internal fds never collide with the user's). */
static int fd_high(int fd) {
  if (fd < 0) return fd;
  int h = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (h < 0) return fd;
  close(fd);
  return h;
}

int pipe_high(int p[2]) {
  if (pipe2(p, O_CLOEXEC) < 0) return -1;
  p[0] = fd_high(p[0]);
  p[1] = fd_high(p[1]);
  return 0;
}

/* ------------------------------------------------------------------ command lookup */

static int stat_mode(const char *path, uint32_t *mode) {
  struct drydock_stat st;
  if (__drydock_fstatat(DRYDOCK_AT_FDCWD, path, 0, &st) != 0) return -1;
  *mode = st.mode;
  return 0;
}

static int is_executable_file(const char *path, int *eacces) {
  uint32_t mode;
  if (stat_mode(path, &mode) < 0) return 0;
  if ((mode & 0170000) != 0100000) return 0;
  if (!(mode & 0111)) {
    *eacces = 1;
    return 0;
  }
  return 1;
}

/* Searches PATH: 0 found, -ENOENT or -EACCES. */
int find_command_path(const char *name, char *out, size_t outlen) {
  const char *path = var_get("PATH");
  if (!path) path = "";
  size_t nl = strlen(name);
  int eacces = 0;
  for (const char *p = path;;) {
    const char *end = strchr(p, ':');
    if (!end) end = p + strlen(p);
    size_t dl = (size_t)(end - p);
    if (dl + nl + 2 <= outlen) {
      memcpy(out, p, dl);
      size_t at = dl;
      if (at == 0) out[at++] = '.';
      out[at++] = '/';
      memcpy(out + at, name, nl + 1);
      if (is_executable_file(out, &eacces)) return 0;
    }
    if (!*end) break;
    p = end + 1;
  }
  return eacces ? -EACCES : -ENOENT;
}

/* ------------------------------------------------------------------ xtrace */

static void trace_word(sbuf_t *sb, const char *s) {
  int need = 0;
  for (const char *p = s; *p && !need; p++) {
    unsigned char c = (unsigned char)*p;
    if (c < '+' || (c >= ';' && c <= '?') || c == '`' || c == '[' || c == '\\' || c > 'z') need = 1;
  }
  if (!need) {
    sb_adds(sb, s);
    return;
  }
  sb_addc(sb, '\'');
  for (const char *p = s; *p; p++) {
    if (*p == '\'') sb_adds(sb, "'\"'\"'");
    else sb_addc(sb, *p);
  }
  sb_addc(sb, '\'');
}

static void xtrace(char **assigns, int nassigns, char **argv) {
  sbuf_t sb = {0};
  const char *ps4 = var_get("PS4");
  char *p = ps4 ? expand_string(ps4, 0) : NULL;
  sb_adds(&sb, p ? p : "");
  int first = 1;
  for (int i = 0; i < nassigns; i++) {
    if (!first) sb_addc(&sb, ' ');
    const char *eq = strchr(assigns[i], '=');
    sb_addn(&sb, assigns[i], (size_t)(eq - assigns[i]) + 1);
    trace_word(&sb, eq + 1);
    first = 0;
  }
  for (char **a = argv; a && *a; a++) {
    if (!first) sb_addc(&sb, ' ');
    trace_word(&sb, *a);
    first = 0;
  }
  sb_addc(&sb, '\n');
  xwrite_all(2, sb.s, sb.len);
  sb_free(&sb);
}

/* ------------------------------------------------------------------ spawning */

typedef struct spawnio {
  posix_spawn_file_actions_t fa;
  int opened[64];
  int nopened;
  int defined[16]; /* fds < 16 that earlier actions define */
} spawnio_t;

static void sio_init(spawnio_t *io) {
  memset(io, 0, sizeof *io);
  posix_spawn_file_actions_init(&io->fa);
}

static void sio_done(spawnio_t *io) {
  for (int i = 0; i < io->nopened; i++) close(io->opened[i]);
  io->nopened = 0;
  posix_spawn_file_actions_destroy(&io->fa);
}

static void sio_dup(spawnio_t *io, int src, int fd) {
  posix_spawn_file_actions_adddup2(&io->fa, src, fd);
  if (fd < 16) io->defined[fd] = 1;
}

static void sio_keep(spawnio_t *io, int fd) {
  if (io->nopened < 64) io->opened[io->nopened++] = fd;
  else close(fd);
}

static int fd_is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

int redir_default_flags(int type, int *flags) {
  switch (type) {
    case R_IN: *flags = O_RDONLY; return 0;
    case R_OUT:
    case R_CLOBBER: *flags = O_WRONLY | O_CREAT | O_TRUNC; return 1;
    case R_APPEND: *flags = O_WRONLY | O_CREAT | O_APPEND; return 1;
    case R_RDWR: *flags = O_RDWR | O_CREAT; return 1;
  }
  return -1;
}

/* Opens a redirection's file; reports errors as ash does. Returns the fd (cloexec, >= 10) or -1. */
int redir_open_target(redir_t *r, const char *path) {
  int flags;
  int creating = redir_default_flags(r->type == R_DUPOUT ? R_OUT : r->type, &flags);
  if (g_opt[OPT_C] && r->type == R_OUT) {
    uint32_t mode;
    if (stat_mode(path, &mode) == 0 && (mode & 0170000) == 0100000) {
      sh_error("can't create %s: %s", path, strerror(EEXIST));
      return -1;
    }
  }
  int fd = open(path, flags | O_CLOEXEC, 0666);
  if (fd < 0) {
    int e = errno;
    sh_error("can't %s %s: %s", creating ? "create" : "open", path, errmsg_open(e, creating));
    return -1;
  }
  return fd_high(fd);
}

/* Parses a dup target: fd number, -1 for "-", -2 for not a number. */
static int dup_target(const char *t) {
  if (strcmp(t, "-") == 0) return -1;
  if (!*t) return -2;
  long v = 0;
  for (const char *p = t; *p; p++) {
    if (*p < '0' || *p > '9') return -2;
    v = v * 10 + (*p - '0');
    if (v > 100000) return -2;
  }
  return (int)v;
}

/* Expands the redirections of a command to be spawned into file actions. */
static int redirs_to_spawnio(redir_t *r, spawnio_t *io) {
  for (; r; r = r->next) {
    if (r->type == R_HEREDOC) {
      const char *content = r->hd_quoted ? r->heredoc : expand_heredoc(r->heredoc ? r->heredoc : "");
      if (!content) return -1;
      int fd = heredoc_fd(r, content);
      if (fd < 0) return -1;
      sio_keep(io, fd);
      sio_dup(io, fd, r->fd);
      continue;
    }
    char *t = expand_string(r->target, EXP_TILDE);
    if (!t) return -1;
    if (r->type == R_DUPIN || r->type == R_DUPOUT) {
      int src = dup_target(t);
      if (src == -1) {
        posix_spawn_file_actions_addclose(&io->fa, r->fd);
        if (r->fd < 16) io->defined[r->fd] = 0;
        continue;
      }
      if (src >= 0) {
        if (!(src < 16 && io->defined[src]) && !fd_is_open(src)) {
          sh_error("%d: %s", src, strerror(EBADF));
          return -1;
        }
        if (src != r->fd) sio_dup(io, src, r->fd);
        else sio_dup(io, src, src);
        continue;
      }
      if (r->type == R_DUPIN) {
        sh_error("%s: bad fd", t);
        return -1;
      }
      /* >&file: stdout and stderr to the file */
      int fd = redir_open_target(r, t);
      if (fd < 0) return -1;
      sio_keep(io, fd);
      sio_dup(io, fd, r->fd);
      if (r->fd == 1) sio_dup(io, fd, 2);
      continue;
    }
    int fd = redir_open_target(r, t);
    if (fd < 0) return -1;
    sio_keep(io, fd);
    sio_dup(io, fd, r->fd);
  }
  return 0;
}

/* Signals to reset to the default action in children (those we ignore only because we are interactive). */
extern sigset_t g_child_sigdefault;

static int do_spawn(pid_t *pid, const char *path, spawnio_t *io, char **argv, char **envp) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (g_child_sigdefault) {
    posix_spawnattr_setsigdefault(&attr, &g_child_sigdefault);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  }
  int err = posix_spawn(pid, path, io ? &io->fa : NULL, &attr, argv, envp);
  posix_spawnattr_destroy(&attr);
  return err;
}

/* Builds the environment of an external command: exported variables plus prefix assignments. */
static char **command_env(char **assigns, int nassigns) {
  char **env = vars_environ();
  if (nassigns == 0) return env;
  int n = 0;
  while (env[n]) n++;
  char **out = stalloc(sizeof(char *) * (size_t)(n + nassigns + 1));
  int k = 0;
  for (int i = 0; i < n; i++) {
    const char *eq = strchr(env[i], '=');
    size_t nl = (size_t)(eq - env[i]);
    int overridden = 0;
    for (int j = 0; j < nassigns; j++)
      if (strncmp(assigns[j], env[i], nl + 1) == 0) overridden = 1;
    if (!overridden) out[k++] = env[i];
  }
  for (int j = 0; j < nassigns; j++) out[k++] = assigns[j];
  out[k] = NULL;
  return out;
}

static void exec_failed(const char *name, int err) {
  if (err == ENOENT || err == ENOTDIR) sh_error("%s: not found", name);
  else sh_error("%s: %s", name, strerror(err));
}

/*
 * Starts an external command. Returns the pid, or -1 with *status set
 * (126/127 for lookup failures, 1 for redirection errors).
 */
static pid_t start_external(char **argv, char **assigns, int nassigns, redir_t *redirs, spawnio_t *io, int *status) {
  char pathbuf[PATH_MAX];
  const char *path = argv[0];
  if (redirs_to_spawnio(redirs, io) < 0) {
    *status = g_exc ? 2 : 1;
    return -1;
  }
  if (!strchr(argv[0], '/')) {
    int r = find_command_path(argv[0], pathbuf, sizeof pathbuf);
    if (r < 0) {
      exec_failed(argv[0], -r);
      *status = r == -EACCES ? 126 : 127;
      return -1;
    }
    path = pathbuf;
  }
  char **env = command_env(assigns, nassigns);
  pid_t pid;
  int err = do_spawn(&pid, path, io, argv, env);
  if (err == ENOEXEC) {
    /* a script without #!: run it with this shell */
    int argc = 0;
    while (argv[argc]) argc++;
    char **nargv = stalloc(sizeof(char *) * (size_t)(argc + 2));
    nargv[0] = (char *)"sh";
    nargv[1] = (char *)path;
    for (int i = 1; i <= argc; i++) nargv[i + 1] = argv[i];
    err = do_spawn(&pid, g_self, io, nargv, env);
  }
  if (err) {
    exec_failed(argv[0], err);
    *status = err == ENOENT || err == ENOTDIR ? 127 : 126;
    return -1;
  }
  return pid;
}

/* exec: replaces this process (EV_EXIT or the exec builtin). Returns only on failure (status set). */
int exec_replace(char **argv, char **assigns, int nassigns) {
  char pathbuf[PATH_MAX];
  const char *path = argv[0];
  if (!strchr(argv[0], '/')) {
    int r = find_command_path(argv[0], pathbuf, sizeof pathbuf);
    if (r < 0) {
      exec_failed(argv[0], -r);
      return r == -EACCES ? 126 : 127;
    }
    path = pathbuf;
  }
  char **env = command_env(assigns, nassigns);
  bout_flush();
  execve(path, argv, env);
  int err = errno;
  if (err == ENOEXEC) {
    int argc = 0;
    while (argv[argc]) argc++;
    char **nargv = stalloc(sizeof(char *) * (size_t)(argc + 2));
    nargv[0] = (char *)"sh";
    nargv[1] = (char *)path;
    for (int i = 1; i <= argc; i++) nargv[i + 1] = argv[i];
    execve(g_self, nargv, env);
    err = errno;
  }
  exec_failed(argv[0], err);
  return err == ENOENT || err == ENOTDIR ? 127 : 126;
}

/* ------------------------------------------------------------------ subshells */

/*
 * Runs `text` (shell source) in a new shell process with this shell's state.
 * in_fd/out_fd (>= 0) become the child's stdin/stdout. Returns the pid or -1.
 */
static pid_t spawn_shell_text(const char *text, int in_fd, int out_fd, int bg, const char *heredoc_data) {
  sbuf_t state = {0};
  state_serialize(&state, text);
  if (bg) sb_adds(&state, "I1:1");
  if (heredoc_data) sb_printf(&state, "H%zu:%s", strlen(heredoc_data), heredoc_data);
  int sp[2];
  if (pipe_high(sp) < 0) {
    sh_warnx("can't create pipe: %s", strerror(errno));
    sb_free(&state);
    return -1;
  }
  spawnio_t io;
  sio_init(&io);
  posix_spawn_file_actions_adddup2(&io.fa, sp[0], sp[0]);
  if (in_fd >= 0) posix_spawn_file_actions_adddup2(&io.fa, in_fd, 0);
  if (out_fd >= 0) posix_spawn_file_actions_adddup2(&io.fa, out_fd, 1);
  char fdarg[16];
  snprintf(fdarg, sizeof fdarg, "%d", sp[0]);
  char *argv[] = {(char *)"sh", (char *)SUBSHELL_FLAG, fdarg, NULL};
  pid_t pid;
  int err = do_spawn(&pid, g_self, &io, argv, vars_environ());
  sio_done(&io);
  close(sp[0]);
  if (err) {
    sh_warnx("can't start a subshell (%s): %s", g_self, strerror(err));
    close(sp[1]);
    sb_free(&state);
    return -1;
  }
  /* the child reads all of its state before doing anything else */
  void (*old)(int) = signal(SIGPIPE, SIG_IGN);
  xwrite_all(sp[1], state.s, state.len);
  signal(SIGPIPE, old);
  close(sp[1]);
  sb_free(&state);
  return pid;
}

pid_t spawn_subshell(node_t *n, const char *text, int in_fd, int out_fd, int bg, int unused) {
  (void)unused;
  if (text) return spawn_shell_text(text, in_fd, out_fd, bg, NULL);
  sbuf_t sb = {0};
  unparse(&sb, n);
  pid_t pid = spawn_shell_text(sb_str(&sb), in_fd, out_fd, bg, NULL);
  sb_free(&sb);
  return pid;
}

/* A readable fd with the heredoc's content (a pipe; large ones are fed by a child shell). */
int heredoc_fd(redir_t *r, const char *content) {
  (void)r;
  int p[2];
  if (pipe_high(p) < 0) {
    sh_warnx("can't create pipe: %s", strerror(errno));
    return -1;
  }
  size_t len = strlen(content);
  if (len <= 60000) {
    xwrite_all(p[1], content, len);
  } else {
    pid_t pid = spawn_shell_text("", -1, p[1], 0, content);
    if (pid < 0) {
      close(p[0]);
      close(p[1]);
      return -1;
    }
    job_add(pid, 1); /* reaped like a background job */
  }
  close(p[1]);
  return p[0];
}

/* ------------------------------------------------------------------ simple commands */

/* Is expanding these words free of side effects on the shell (assignments, ++)? */
static int text_is_pure(const char *s) {
  for (const char *p = s; *p; p++) {
    if (p[0] == '$' && (p[1] == '{' || (p[1] == '(' && p[2] == '('))) {
      for (const char *q = p; *q; q++)
        if (*q == '=' || (q[0] == '+' && q[1] == '+') || (q[0] == '-' && q[1] == '-')) return 0;
    }
  }
  return 1;
}

static int cmd_is_pure(node_t *n) {
  for (word_t *w = n->u.cmd.assigns; w; w = w->next)
    if (!text_is_pure(w->text)) return 0;
  for (word_t *w = n->u.cmd.args; w; w = w->next)
    if (!text_is_pure(w->text)) return 0;
  for (redir_t *r = n->redirs; r; r = r->next)
    if (!text_is_pure(r->target) || (r->type == R_HEREDOC && !r->hd_quoted && r->heredoc && !text_is_pure(r->heredoc)))
      return 0;
  return 1;
}

typedef struct tempvar {
  char *name;
  char *value;
  int flags;
  int existed;
} tempvar_t;

typedef struct temps {
  tempvar_t *v;
  int n, cap;
} temps_t;

/* Sets one prefix assignment temporarily (exported), remembering the old value. */
static int temp_set(temps_t *t, const char *assign) {
  const char *eq = strchr(assign, '=');
  if (t->n == t->cap) {
    t->cap = t->cap ? t->cap * 2 : 4;
    t->v = xrealloc(t->v, sizeof(tempvar_t) * (size_t)t->cap);
  }
  tempvar_t *tv = &t->v[t->n];
  memset(tv, 0, sizeof *tv);
  tv->name = xstrndup(assign, (size_t)(eq - assign));
  var_t *v = var_lookup(tv->name);
  if (v) {
    tv->existed = 1;
    tv->flags = v->flags;
    tv->value = v->value ? xstrdup(v->value) : NULL;
  }
  if (var_set(tv->name, eq + 1, V_EXPORT) < 0) {
    free(tv->name);
    free(tv->value);
    return -1;
  }
  t->n++;
  return 0;
}

/*
 * Expands and applies a command's prefix assignments in order (each one
 * sees the previous ones): permanently, or temporarily into *temps.
 * The "NAME=value" strings (for xtrace) go to *out. Returns -1 on error.
 */
static int do_assigns(node_t *n, temps_t *temps, char ***out, int *count) {
  int total = 0;
  for (word_t *w = n->u.cmd.assigns; w; w = w->next) total++;
  char **list = stalloc(sizeof(char *) * (size_t)(total + 1));
  int k = 0;
  for (word_t *w = n->u.cmd.assigns; w; w = w->next) {
    const char *eq = strchr(w->text, '=');
    char *v = expand_string(eq + 1, EXP_TILDE | EXP_ASSIGN);
    if (!v) return -1;
    size_t nl = (size_t)(eq - w->text);
    char *a = stalloc(nl + strlen(v) + 2);
    memcpy(a, w->text, nl + 1);
    strcpy(a + nl + 1, v);
    list[k++] = a;
    if (temps ? temp_set(temps, a) < 0 : var_set_assignment(a, 0) < 0) return -1;
  }
  list[k] = NULL;
  *out = list;
  *count = k;
  return 0;
}

static void temp_restore(temps_t *temps) {
  tempvar_t *t = temps->v;
  int n = temps->n;
  if (!t) return;
  for (int i = n - 1; i >= 0; i--) {
    var_t *v = var_lookup(t[i].name);
    if (v) {
      free(v->value);
      v->value = t[i].value;
      v->flags = t[i].existed ? t[i].flags : V_UNSET;
    } else {
      free(t[i].value);
    }
    free(t[i].name);
  }
  free(t);
  temps->v = NULL;
  temps->n = temps->cap = 0;
}

static int call_function(func_t *f, int argc, char **argv, int flags) {
  params_t saved = g_params;
  g_params.n = 0;
  g_params.v = NULL;
  params_set(argc - 1, argv + 1);
  arena_t *arena = f->arena;
  node_t *body = f->body;
  arena_ref(arena);
  extern arena_t *g_current_arena;
  arena_t *saved_arena = g_current_arena;
  g_current_arena = arena;
  int saved_loopnest = g_loopnest;
  g_loopnest = 0;
  g_funcnest++;
  locals_push();
  eval(body, flags & EV_TESTED);
  locals_pop();
  g_funcnest--;
  g_loopnest = saved_loopnest;
  g_current_arena = saved_arena;
  if (g_skip == SKIP_FUNC) g_skip = SKIP_NONE;
  if (g_skip == SKIP_BREAK || g_skip == SKIP_CONT) g_skip = SKIP_NONE, g_skipcount = 0;
  arena_unref(arena);
  params_free(&g_params);
  g_params = saved;
  return g_status;
}

int run_builtin_argv(const builtin_t *bi, int argc, char **argv) {
  const char *saved = g_cmdname;
  g_cmdname = argv[0];
  bout_init(1);
  int st = bi->fn(argc, argv);
  bout_flush();
  g_cmdname = saved;
  if (g_exc == EXC_ERROR && !(bi->flags & BI_SPECIAL)) {
    g_exc = EXC_NONE;
    st = 2;
  }
  return st;
}

extern int g_exec_redirs_permanent;

static int eval_simple(node_t *n, int flags) {
  stmark_t mark;
  stmark(&mark);
  set_lineno(n->lineno);
  g_last_subst_status = 0;
  g_subst_happened = 0;
  int argc = 0;
  char **argv = expand_words(n->u.cmd.args, &argc);
  if (!argv) {
    streset(&mark);
    return g_status = g_exc ? g_status : 1;
  }
  /* `command` prefix: skip functions */
  int no_functions = 0;
  while (argc > 1 && strcmp(argv[0], "command") == 0 && argv[1][0] != '-') {
    argv++;
    argc--;
    no_functions = 1;
  }
  if (argc > 2 && strcmp(argv[0], "command") == 0 && strcmp(argv[1], "--") == 0) {
    argv += 2;
    argc -= 2;
    no_functions = 1;
  }

  const char *name = argc ? argv[0] : NULL;
  const builtin_t *bi = (!name || strchr(name, '/')) ? NULL : builtin_lookup(name);
  func_t *fn = (!name || strchr(name, '/') || no_functions) ? NULL : func_lookup(name);
  if (bi && (bi->flags & BI_SPECIAL)) fn = NULL;
  int permanent = argc == 0 || (bi && (bi->flags & BI_SPECIAL));
  temps_t temps = {0};
  char **assigns;
  int nassigns;
  if (do_assigns(n, permanent ? NULL : &temps, &assigns, &nassigns) < 0) {
    temp_restore(&temps);
    streset(&mark);
    return g_status;
  }
  if (g_opt[OPT_x]) xtrace(assigns, nassigns, argv);
  int status = 0;

  if (argc == 0) {
    status = g_last_subst_status;
    if (n->redirs) {
      if (redirect(n->redirs, 1) < 0) status = g_exc ? 2 : 1;
      redirect_pop();
    }
    streset(&mark);
    return g_status = status;
  }

  if (bi || fn) {
    int is_exec = bi && strcmp(bi->name, "exec") == 0;
    int save = !(is_exec);
    if (redirect(n->redirs, save) < 0) {
      if (save) redirect_pop();
      temp_restore(&temps);
      status = 1;
      if (bi && (bi->flags & BI_SPECIAL) && !g_interactive) {
        g_exc = EXC_ERROR;
        g_status = 1;
        streset(&mark);
        return 1;
      }
      if (g_exc == EXC_ERROR && !(bi && (bi->flags & BI_SPECIAL))) g_exc = EXC_NONE, status = 2;
      streset(&mark);
      return g_status = status;
    }
    if (fn) status = call_function(fn, argc, argv, flags);
    else status = run_builtin_argv(bi, argc, argv);
    if (save) redirect_pop();
    temp_restore(&temps);
    streset(&mark);
    if (g_exc == EXC_EXIT) return g_status = g_exitstatus_pending;
    return g_status = status;
  }

  /* external command */
  if ((flags & EV_EXIT) && !g_trap[0] && !trap_any_set()) {
    if (redirect(n->redirs, 0) < 0) {
      streset(&mark);
      return g_status = 1;
    }
    status = exec_replace(argv, NULL, 0);
    streset(&mark);
    return g_status = status;
  }
  spawnio_t io;
  sio_init(&io);
  pid_t pid = start_external(argv, NULL, 0, n->redirs, &io, &status);
  sio_done(&io);
  temp_restore(&temps);
  if (pid > 0) {
    job_add(pid, 0);
    status = job_wait(pid);
  }
  streset(&mark);
  if (g_exc) return g_status;
  return g_status = status;
}

/* ------------------------------------------------------------------ pipelines */

/* Starts one pipeline element; returns its pid, 0 if it finished in-process (status set), -1 on error. */
static pid_t start_element(node_t *n, int in_fd, int out_fd, int bg, int *status) {
  if (n->type == N_CMD && n->u.cmd.args && cmd_is_pure(n)) {
    stmark_t mark;
    stmark(&mark);
    set_lineno(n->lineno);
    int argc = 0;
    char **argv = expand_words(n->u.cmd.args, &argc);
    if (!argv) {
      /* the error belongs to the element, as in ash's forked child */
      if (g_exc == EXC_ERROR) g_exc = EXC_NONE;
      *status = 2;
      streset(&mark);
      return -1;
    }
    int internal = argc == 0 || (!strchr(argv[0], '/') && (builtin_lookup(argv[0]) || func_lookup(argv[0])));
    if (!internal) {
      temps_t temps = {0};
      char **assigns;
      int nassigns;
      if (do_assigns(n, &temps, &assigns, &nassigns) < 0) {
        temp_restore(&temps);
        if (g_exc == EXC_ERROR) g_exc = EXC_NONE;
        *status = 2;
        streset(&mark);
        return -1;
      }
      if (g_opt[OPT_x]) xtrace(assigns, nassigns, argv);
      spawnio_t io;
      sio_init(&io);
      int devnull = -1;
      if (in_fd >= 0) sio_dup(&io, in_fd, 0);
      else if (bg && !g_opt[OPT_m]) {
        devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull >= 0) sio_dup(&io, devnull, 0);
      }
      if (out_fd >= 0) sio_dup(&io, out_fd, 1);
      pid_t pid = start_external(argv, NULL, 0, n->redirs, &io, status);
      sio_done(&io);
      temp_restore(&temps);
      if (devnull >= 0) close(devnull);
      if (g_exc == EXC_ERROR) g_exc = EXC_NONE;
      streset(&mark);
      return pid;
    }
    streset(&mark);
  }
  return spawn_subshell(n, NULL, in_fd, out_fd, bg, -1);
}

static int capturable(node_t *t);

/* echo or printf with side-effect-free words and no redirections or assignments. */
static int output_builtin(node_t *t) {
  if (!capturable(t)) return 0;
  const char *name = t->u.cmd.args->text;
  return strcmp(name, "echo") == 0 || strcmp(name, "printf") == 0;
}

static int eval_pipe(node_t *n, int flags) {
  int count = n->u.pipe.n;
  if (count == 1) {
    int st = eval(n->u.pipe.cmds[0], (flags & ~EV_EXIT) | (n->u.pipe.bang ? EV_TESTED : 0));
    if (g_exc == EXC_ERROR || g_exc == EXC_EXIT) return g_status;
    if (n->u.pipe.bang) st = !st;
    return g_status = st;
  }
  pid_t *pids = xzalloc(sizeof(pid_t) * (size_t)count);
  int *statuses = xzalloc(sizeof(int) * (size_t)count);
  /* A first element that is only echo/printf of side-effect-free words runs
   * in this process, after the readers are started (ash forks it; the result
   * is the same, without a child shell). */
  int inproc = output_builtin(n->u.pipe.cmds[0]);
  int first_write = -1;
  int prev = -1;
  for (int i = 0; i < count; i++) {
    int p[2] = {-1, -1};
    if (i < count - 1 && pipe_high(p) < 0) {
      sh_warnx("can't create pipe: %s", strerror(errno));
      break;
    }
    if (i == 0 && inproc) {
      first_write = p[1];
      prev = p[0];
      continue;
    }
    int st = 0;
    pids[i] = start_element(n->u.pipe.cmds[i], prev, p[1], 0, &st);
    statuses[i] = st;
    if (pids[i] > 0) job_add(pids[i], 0);
    if (prev >= 0) close(prev);
    if (p[1] >= 0) close(p[1]);
    prev = p[0];
    if (g_exc) break;
  }
  if (first_write >= 0) {
    bout_flush();
    int saved = fcntl(1, F_DUPFD_CLOEXEC, 10);
    dup2(first_write, 1);
    close(first_write);
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    extern int g_epipe_silent;
    g_epipe_silent = 1;
    int saved_status = g_status;
    statuses[0] = eval(n->u.pipe.cmds[0], 0);
    if (g_bout_error == EPIPE) statuses[0] = 128 + SIGPIPE;
    g_status = saved_status;
    g_epipe_silent = 0;
    signal(SIGPIPE, old);
    if (saved >= 0) {
      dup2(saved, 1);
      close(saved);
    } else {
      close(1);
    }
  }
  if (prev >= 0) close(prev);
  int status = 0, fail = 0;
  for (int i = 0; i < count; i++) {
    if (pids[i] > 0) statuses[i] = job_wait(pids[i]);
    else if (pids[i] < 0 && statuses[i] == 0) statuses[i] = 1;
    if (statuses[i]) fail = statuses[i];
  }
  status = statuses[count - 1];
  if (g_opt[OPT_pipefail]) status = fail;
  free(pids);
  free(statuses);
  if (g_exc) return g_status;
  if (n->u.pipe.bang) status = !status;
  return g_status = status;
}

/* ------------------------------------------------------------------ command substitution */

/* Runs builtin-only commands in-process with output captured. */
extern sbuf_t *g_bout_capture;

static int capturable(node_t *t) {
  if (!t || t->type != N_CMD || !t->u.cmd.args || t->u.cmd.assigns || t->redirs) return 0;
  if (!cmd_is_pure(t)) return 0;
  const char *name = t->u.cmd.args->text;
  static const char *const ok[] = {"echo", "printf", "pwd", "true", "false", ":", "test", "[", "type", 0};
  for (int i = 0; ok[i]; i++)
    if (strcmp(name, ok[i]) == 0) return !func_lookup(name);
  return 0;
}

char *command_subst(const char *text, size_t n, int backquoted) {
  char *src = xstrndup(text, n);
  arena_t *arena = arena_new();
  int err = 0;
  int saved_lineno = g_lineno;
  node_t *t = parse_string(arena, src, g_lineno, &err);
  g_lineno = saved_lineno;
  if (err) {
    free(src);
    arena_unref(arena);
    raise_error();
    return NULL;
  }
  sbuf_t out = {0};
  g_subst_happened = 1;
  if (!t) {
    g_last_subst_status = 0;
  } else if (capturable(t)) {
    sbuf_t *saved = g_bout_capture;
    g_bout_capture = &out;
    int saved_status = g_status;
    int st = eval(t, 0);
    g_bout_capture = saved;
    g_last_subst_status = st;
    g_status = saved_status;
    if (g_exc == EXC_ERROR) g_exc = EXC_NONE, g_last_subst_status = 2;
  } else {
    int p[2];
    if (pipe_high(p) < 0) {
      sh_warnx("can't create pipe: %s", strerror(errno));
      free(src);
      arena_unref(arena);
      return NULL;
    }
    int st = 0;
    pid_t pid;
    if (t->type == N_CMD) pid = start_element(t, -1, p[1], 0, &st);
    else pid = spawn_shell_text(src, -1, p[1], 0, NULL);
    close(p[1]);
    char buf[4096];
    for (;;) {
      ssize_t r = read(p[0], buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      sb_addn(&out, buf, (size_t)r);
    }
    close(p[0]);
    if (pid > 0) {
      job_add(pid, 0);
      st = job_wait(pid);
    } else if (pid < 0 && st == 0) {
      st = 1;
    }
    g_last_subst_status = st;
  }
  free(src);
  arena_unref(arena);
  while (out.len > 0 && out.s[out.len - 1] == '\n') out.s[--out.len] = 0;
  return sb_take(&out);
}

/* ------------------------------------------------------------------ compound commands */

static int eval_loop(node_t *n, int flags) {
  int status = 0;
  g_loopnest++;
  for (;;) {
    int c = eval(n->u.loop.cond, EV_TESTED);
    if (g_skip) {
      if (g_skip == SKIP_CONT && --g_skipcount <= 0) {
        g_skip = SKIP_NONE;
        continue;
      }
      if (g_skip == SKIP_BREAK && --g_skipcount <= 0) g_skip = SKIP_NONE;
      break;
    }
    if (g_exc) break;
    if (n->type == N_WHILE ? c != 0 : c == 0) break;
    status = eval(n->u.loop.body, flags & ~EV_EXIT);
    if (g_skip) {
      if (g_skip == SKIP_CONT && --g_skipcount <= 0) {
        g_skip = SKIP_NONE;
        continue;
      }
      if (g_skip == SKIP_BREAK && --g_skipcount <= 0) g_skip = SKIP_NONE;
      break;
    }
    if (g_exc) break;
  }
  g_loopnest--;
  if (g_exc) return g_status;
  return g_status = status;
}

static int eval_for(node_t *n, int flags) {
  stmark_t mark;
  stmark(&mark);
  set_lineno(n->lineno);
  char **items;
  int count;
  if (n->u.nfor.has_in) {
    items = expand_words(n->u.nfor.words, &count);
    if (!items) {
      streset(&mark);
      return g_status;
    }
  } else {
    count = g_params.n;
    items = stalloc(sizeof(char *) * (size_t)(count + 1));
    for (int i = 0; i < count; i++) items[i] = ststrdup(g_params.v[i]);
  }
  int status = 0;
  g_loopnest++;
  for (int i = 0; i < count; i++) {
    if (var_set(n->u.nfor.var, items[i], 0) < 0) break;
    status = eval(n->u.nfor.body, flags & ~EV_EXIT);
    if (g_skip) {
      if (g_skip == SKIP_CONT && --g_skipcount <= 0) {
        g_skip = SKIP_NONE;
        continue;
      }
      if (g_skip == SKIP_BREAK && --g_skipcount <= 0) g_skip = SKIP_NONE;
      break;
    }
    if (g_exc) break;
  }
  g_loopnest--;
  streset(&mark);
  if (g_exc) return g_status;
  return g_status = status;
}

static int eval_case(node_t *n, int flags) {
  stmark_t mark;
  stmark(&mark);
  set_lineno(n->lineno);
  char *word = expand_string(n->u.ncase.word, EXP_TILDE);
  if (!word) {
    streset(&mark);
    return g_status;
  }
  int status = 0;
  for (caseitem_t *ci = n->u.ncase.items; ci; ci = ci->next) {
    for (word_t *p = ci->patterns; p; p = p->next) {
      char *pat = expand_string(p->text, EXP_TILDE | EXP_PATTERN);
      if (!pat) {
        streset(&mark);
        return g_status;
      }
      if (pmatch(pat, word)) {
        status = ci->body ? eval(ci->body, flags) : 0;
        streset(&mark);
        if (g_exc) return g_status;
        return g_status = status;
      }
    }
  }
  streset(&mark);
  return g_status = 0;
}

static int eval_bg(node_t *n) {
  node_t *c = n->u.bin.left;
  int st = 0;
  pid_t pid = start_element(c, -1, -1, 1, &st);
  if (pid > 0) {
    g_lastbg = pid;
    job_add(pid, 1);
    if (g_interactive && is_tty(0)) {
      sbuf_t text = {0};
      unparse(&text, c);
      while (text.len && (text.s[text.len - 1] == '\n' || text.s[text.len - 1] == ' ')) text.s[--text.len] = 0;
      job_set_notice(pid, sb_str(&text));
      sb_free(&text);
    }
  }
  if (g_exc) return g_status;
  return g_status = 0;
}

static int eval_subshell(node_t *n, int flags) {
  if (flags & EV_EXIT) {
    /* we are about to exit anyway: no new process needed */
    if (n->redirs && redirect(n->redirs, 0) < 0) return g_status = 1;
    trap_reset_for_subshell();
    return eval(n->u.group.body, flags);
  }
  int st = 0;
  pid_t pid;
  if (n->redirs) {
    /* redirections apply to the subshell: run the whole thing in the child */
    pid = spawn_subshell(n, NULL, -1, -1, 0, -1);
  } else {
    pid = spawn_subshell(n->u.group.body, NULL, -1, -1, 0, -1);
  }
  if (pid > 0) {
    job_add(pid, 0);
    st = job_wait(pid);
  } else {
    st = 2;
  }
  return g_status = st;
}

/* Applies a compound command's redirections around its evaluation. */
static int with_redirs(node_t *n, int flags, int (*fn)(node_t *, int)) {
  if (!n->redirs) return fn(n, flags);
  set_lineno(n->lineno);
  if (redirect(n->redirs, 1) < 0) {
    redirect_pop();
    if (g_exc) return g_status;
    return g_status = 1;
  }
  int st = fn(n, flags & ~EV_EXIT);
  redirect_pop();
  return st;
}

static int eval_brace(node_t *n, int flags) { return eval(n->u.group.body, flags); }

static int eval_if(node_t *n, int flags) {
  int c = eval(n->u.nif.cond, EV_TESTED);
  if (unwinding()) return g_status;
  if (c == 0) return eval(n->u.nif.then, flags);
  if (n->u.nif.els) return eval(n->u.nif.els, flags);
  return g_status = 0;
}

static int eval_loop_r(node_t *n, int flags) { return eval_loop(n, flags); }
static int eval_for_r(node_t *n, int flags) { return eval_for(n, flags); }
static int eval_case_r(node_t *n, int flags) { return eval_case(n, flags); }

arena_t *g_current_arena;

int eval(node_t *n, int flags) {
  if (!n) return g_status = 0;
  if (unwinding()) return g_status;
  if (g_opt[OPT_n] && !g_interactive) return g_status;
  int status;
  int check_e = 0;
  switch (n->type) {
    case N_SEQ:
      eval(n->u.bin.left, flags & ~EV_EXIT);
      if (unwinding()) return g_status;
      status = eval(n->u.bin.right, flags);
      break;
    case N_AND:
    case N_OR: {
      int l = eval(n->u.bin.left, EV_TESTED);
      if (unwinding()) return g_status;
      if ((l == 0) == (n->type == N_AND)) status = eval(n->u.bin.right, flags);
      else status = l;
      break;
    }
    case N_PIPE:
      set_lineno(n->lineno);
      status = eval_pipe(n, flags);
      check_e = !n->u.pipe.bang;
      break;
    case N_BG:
      set_lineno(n->lineno);
      status = eval_bg(n);
      break;
    case N_SUBSHELL:
      set_lineno(n->lineno);
      status = eval_subshell(n, flags);
      check_e = 1;
      break;
    case N_BRACE:
      status = with_redirs(n, flags, eval_brace);
      break;
    case N_IF:
      status = with_redirs(n, flags, eval_if);
      break;
    case N_WHILE:
    case N_UNTIL:
      status = with_redirs(n, flags, eval_loop_r);
      break;
    case N_FOR:
      status = with_redirs(n, flags, eval_for_r);
      break;
    case N_CASE:
      status = with_redirs(n, flags, eval_case_r);
      break;
    case N_FUNC:
      func_define(n->u.func.name, n->u.func.body, g_current_arena);
      status = g_status = 0;
      break;
    case N_CMD:
    default:
      status = eval_simple(n, flags);
      check_e = 1;
      break;
  }
  /* A preemption point: answered in the worker unless the kernel has a signal to deliver or the
   * container is paused, so a loop of builtins (while :; do :; done) still gets its traps, ^C and
   * docker pause. */
  sched_yield();
  if (g_gotsig && !g_exc) dotrap();
  if (check_e && g_opt[OPT_e] && status != 0 && !(flags & EV_TESTED) && !g_exc && !g_skip) raise_exit(status);
  return g_exc ? g_status : status;
}

int eval_string(const char *s, int flags) {
  arena_t *arena = arena_new();
  int err = 0;
  node_t *t = parse_string(arena, s, g_lineno, &err);
  if (err) {
    arena_unref(arena);
    raise_error();
    return g_status;
  }
  arena_t *saved = g_current_arena;
  g_current_arena = arena;
  int st = t ? eval(t, flags) : (g_status = 0);
  g_current_arena = saved;
  arena_unref(arena);
  return st;
}
