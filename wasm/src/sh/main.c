/*
 * Startup (options, sh -c, scripts, stdin, interactive mode), the
 * read-parse-evaluate loop, prompts and exit. A child shell started with
 * SUBSHELL_FLAG loads the parent's state instead (subshell.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "drydock.h"
#include "sh.h"

extern char **environ;
extern int g_lineno;
extern arena_t *g_current_arena;
extern int g_dotnest;
int g_interactive;
int g_is_subshell;
int g_minus_c;
int g_evalnest;
static int exiting;

void sh_exit(int status) {
  if (!exiting) {
    exiting = 1;
    g_status = status;
    g_exc = EXC_NONE;
    trap_run_exit();
    status = g_status;
  }
  bout_flush();
  _exit(status & 0xff);
}

int is_tty(int fd) {
  struct drydock_termios t;
  return __drydock_tcgetattr(fd, &t) == 0;
}

/* ------------------------------------------------------------------ prompts */

static void add_escaped(sbuf_t *sb, const char *s) {
  for (; *s; s++) {
    if (*s == '$' || *s == '`' || *s == '\\') sb_addc(sb, '\\');
    sb_addc(sb, *s);
  }
}

static char *user_name(void) {
  uid_t uid = geteuid();
  int fd = open("/etc/passwd", O_RDONLY);
  char buf[4096];
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) close(fd);
  if (n > 0) {
    buf[n] = 0;
    for (char *line = buf; line && *line;) {
      char *eol = strchr(line, '\n');
      if (eol) *eol = 0;
      char *c1 = strchr(line, ':');
      char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
      if (c1 && c2 && (uid_t)atoi(c2 + 1) == uid) {
        *c1 = 0;
        return xstrdup(line);
      }
      line = eol ? eol + 1 : NULL;
    }
  }
  char num[16];
  snprintf(num, sizeof num, "%d", (int)uid);
  return xstrdup(uid == 0 ? "root" : num);
}

/* PS1/PS2: busybox's fancy prompt escapes, then parameter expansion. */
char *prompt_expand(const char *ps) {
  sbuf_t sb = {0};
  for (const char *p = ps; *p; p++) {
    if (*p != '\\' || !p[1]) {
      sb_addc(&sb, *p);
      continue;
    }
    char c = *++p;
    switch (c) {
      case 'w':
      case 'W': {
        const char *pwd = pwd_logical();
        const char *home = var_get("HOME");
        if (c == 'W') {
          const char *slash = strrchr(pwd, '/');
          add_escaped(&sb, slash && slash[1] ? slash + 1 : pwd);
        } else if (home && *home && strcmp(home, "/") != 0 && strncmp(pwd, home, strlen(home)) == 0 &&
                   (pwd[strlen(home)] == '/' || pwd[strlen(home)] == 0)) {
          sb_addc(&sb, '~');
          add_escaped(&sb, pwd + strlen(home));
        } else {
          add_escaped(&sb, pwd);
        }
        break;
      }
      case '$':
        sb_addc(&sb, geteuid() == 0 ? '#' : '$');
        break;
      case 'u': {
        char *u = user_name();
        add_escaped(&sb, u);
        free(u);
        break;
      }
      case 'h':
      case 'H': {
        struct drydock_utsname u;
        if (__drydock_uname(&u) == 0) {
          char *dot = c == 'h' ? strchr(u.nodename, '.') : NULL;
          if (dot) *dot = 0;
          add_escaped(&sb, u.nodename);
        }
        break;
      }
      case 'n':
        sb_addc(&sb, '\n');
        break;
      case 'e':
        sb_addc(&sb, 033);
        break;
      case '[':
      case ']':
        break;
      case '\\':
        sb_adds(&sb, "\\\\");
        break;
      default:
        sb_addc(&sb, '\\');
        sb_addc(&sb, c);
    }
  }
  stmark_t m;
  stmark(&m);
  int saved_status = g_status;
  char *e = expand_heredoc(sb_str(&sb));
  g_status = saved_status;
  if (g_exc == EXC_ERROR) g_exc = EXC_NONE;
  char *r = xstrdup(e ? e : sb_str(&sb));
  streset(&m);
  sb_free(&sb);
  return r;
}

/* ------------------------------------------------------------------ the main loop */

static int input_at_end(void) {
  input_t *in = g_input;
  if (!in || in->fd >= 0 || in->npb) return 0;
  for (size_t i = in->spos; i < in->slen; i++)
    if (in->str[i] != ' ' && in->str[i] != '\t' && in->str[i] != '\n') return 0;
  return 1;
}

int cmdloop(int top) {
  for (;;) {
    g_prompt = 1;
    if (top && g_interactive) {
      if (is_tty(0)) jobs_notify();
      else jobs_reap();
    }
    arena_t *arena = arena_new();
    node_t *n = parse_command(arena);
    if (g_exc == EXC_INT) {
      g_exc = EXC_NONE;
      g_status = 130;
      arena_unref(arena);
      if (g_input) g_input->npb = 0;
      continue;
    }
    if (n == PARSE_EOF) {
      arena_unref(arena);
      break;
    }
    if (g_parse_error) {
      arena_unref(arena);
      g_status = 2;
      if (!g_interactive) {
        g_exc = EXC_ERROR;
        break;
      }
      /* drop the rest of the line */
      if (g_input) {
        g_input->npb = 0;
        g_input->bpos = g_input->blen;
      }
      continue;
    }
    if (n && !g_opt[OPT_n]) {
      int flags = 0;
      if (top && (g_minus_c || g_is_subshell) && !g_interactive && input_at_end()) flags |= EV_EXIT;
      arena_t *saved = g_current_arena;
      g_current_arena = arena;
      eval(n, flags);
      g_current_arena = saved;
    }
    arena_unref(arena);
    if (g_exc == EXC_INT) {
      /* ^C while a command of the shell itself ran (a loop of builtins): ash's raise_interrupt */
      g_exc = EXC_NONE;
      g_status = 130;
      if (g_interactive) continue;
    }
    if (g_exc) {
      if (g_interactive && top && g_exc == EXC_ERROR) {
        g_exc = EXC_NONE;
        continue;
      }
      break;
    }
    if (g_skip == SKIP_FUNC) {
      if (g_funcnest == 0) break;
    }
    if (g_skip && g_loopnest == 0) g_skip = SKIP_NONE;
  }
  return g_status;
}

/* ------------------------------------------------------------------ startup */

static const char *find_self(const char *argv0) {
  static char path[PATH_MAX];
  if (argv0 && strchr(argv0, '/')) {
    if (argv0[0] == '/') return argv0;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) {
      snprintf(path, sizeof path, "%s/%s", cwd, argv0);
      return path;
    }
    return argv0;
  }
  if (argv0 && *argv0 && find_command_path(argv0, path, sizeof path) == 0) {
    if (path[0] != '/') {
      char cwd[PATH_MAX], tmp[PATH_MAX];
      if (getcwd(cwd, sizeof cwd)) {
        snprintf(tmp, sizeof tmp, "%s/%s", cwd, path);
        memcpy(path, tmp, sizeof path);
      }
    }
    return path;
  }
  return "/bin/sh";
}

static void source_if_exists(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  if (high >= 0) {
    close(fd);
    fd = high;
  }
  input_push_fd(fd, 1);
  cmdloop(0);
  input_pop();
  g_exc = EXC_NONE;
  g_skip = SKIP_NONE;
}

static void usage_error(const char *msg, const char *arg) {
  outf(2, "sh: %s%s\n", msg, arg ? arg : "");
  _exit(2);
}

int main(int argc, char **argv) {
  g_rootpid = getpid();
  vars_init(environ);
  g_self = find_self(argc > 0 ? argv[0] : NULL);
  if (argc >= 3 && strcmp(argv[1], SUBSHELL_FLAG) == 0) {
    g_arg0 = xstrdup("sh");
    return state_load_and_run(atoi(argv[2]));
  }
  pwd_init();
  const char *arg0 = argc > 0 ? argv[0] : "sh";
  g_arg0 = xstrdup(arg0);
  g_arg0_msg = g_arg0;
  int i = 1, minus_c = 0, sflag = 0, iflag = 0, login = arg0[0] == '-';
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0 || strcmp(a, "-") == 0) {
      i++;
      break;
    }
    if ((a[0] != '-' && a[0] != '+') || !a[1]) break;
    int on = a[0] == '-';
    for (const char *p = a + 1; *p; p++) {
      switch (*p) {
        case 'c': minus_c = on; break;
        case 's': sflag = on; break;
        case 'i': iflag = on; break;
        case 'l': login = 1; break;
        case 'o':
          if (i + 1 >= argc) usage_error("-o requires an argument", NULL);
          if (options_set_name(argv[++i], on) < 0) usage_error("illegal option -o ", argv[i]);
          break;
        default:
          if (options_set_letter(*p, on) < 0) {
            char opt[3] = {'-', *p, 0};
            usage_error("illegal option ", opt);
          }
      }
    }
  }
  const char *command = NULL;
  int script_fd = -1;
  if (minus_c) {
    if (i >= argc) usage_error("-c requires an argument", NULL);
    command = argv[i++];
    if (i < argc) {
      free(g_arg0);
      g_arg0 = xstrdup(argv[i++]);
      g_arg0_msg = g_arg0;
      g_cmdname = g_arg0;
    }
    g_opt[OPT_c] = 1;
    g_minus_c = 1;
  } else if (!sflag && i < argc) {
    const char *script = argv[i++];
    int fd = open(script, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      outf(2, "%s: can't open '%s': %s\n", arg0, script, strerror(e));
      _exit(2);
    }
    script_fd = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    if (script_fd < 0) script_fd = fd;
    else close(fd);
    free(g_arg0);
    g_arg0 = xstrdup(script);
    g_arg0_msg = g_arg0;
    g_cmdname = g_arg0;
  } else {
    g_opt[OPT_s] = 1;
  }
  params_set(argc - i, argv + i);
  if (!command && script_fd < 0 && (iflag || (is_tty(0) && is_tty(2)))) iflag = 1;
  else if (command || script_fd >= 0) iflag = iflag && 0;
  g_interactive = iflag;
  g_opt[OPT_i] = (char)iflag;
  if (g_interactive) {
    signals_for_interactive();
    if (!is_tty(0)) outf(2, "sh: can't access tty; job control turned off\n");
  }
  if (login) {
    source_if_exists("/etc/profile");
    const char *home = var_get("HOME");
    if (home) {
      char p[PATH_MAX];
      snprintf(p, sizeof p, "%s/.profile", home);
      source_if_exists(p);
    }
  }
  if (g_interactive) {
    const char *env = var_get("ENV");
    if (env && *env) {
      char *e = expand_string(env, 0);
      if (e) source_if_exists(e);
    }
  }
  g_status = 0;
  if (command) {
    input_push_string(command, strlen(command), 0);
  } else if (script_fd >= 0) {
    input_push_fd(script_fd, 1);
  } else {
    input_push_fd(0, 0);
    g_input->interactive = g_interactive;
  }
  cmdloop(1);
  if (g_exc == EXC_EXIT) sh_exit(g_exitstatus_pending);
  sh_exit(g_status);
}
