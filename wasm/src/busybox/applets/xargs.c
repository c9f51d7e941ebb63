/*
 * xargs [-0rtx] [-n N] [-s N] [-I STR] [-E STR] [-P N] [PROG ARGS...]:
 * runs PROG (default echo) with arguments read from stdin, split at blanks
 * and newlines with shell-like quotes and backslashes (or at NULs with -0).
 * Commands run through posix_spawnp (Drydock has no fork). Exit status:
 * 123 if a command failed, 124 if one exited 255 (xargs stops), 125 if one
 * was killed, 126/127 if it could not run.
 */
#include <spawn.h>
#include <sys/wait.h>
#include "../libbb.h"

extern char **environ;

static int status;
static int trace;
static int max_procs = 1;
static int running;

/* Waits for one child; returns -1 when xargs must stop. */
static int reap_one(const char *name) {
  int st;
  pid_t pid;
  while ((pid = wait(&st)) < 0) {
    if (errno != EINTR) return 0;
  }
  running--;
  if (WIFSIGNALED(st)) {
    bb_error_msg("%s: terminated by signal %d", name, WTERMSIG(st));
    status = 125;
    return -1;
  }
  int code = WEXITSTATUS(st);
  if (code == 255) {
    bb_error_msg("%s: exited with status 255; aborting", name);
    status = 124;
    return -1;
  }
  if (code != 0 && status == 0) status = 123;
  return 0;
}

static int run(char **argv) {
  if (trace) {
    for (int i = 0; argv[i]; i++) fprintf(stderr, i ? " %s" : "%s", argv[i]);
    fputc('\n', stderr);
  }
  fflush_all();
  pid_t pid;
  int err = posix_spawnp(&pid, argv[0], 0, 0, argv, environ);
  if (err) {
    errno = err;
    bb_perror_msg("%s", argv[0]);
    status = err == ENOENT ? 127 : 126;
    return -1;
  }
  running++;
  while (running >= max_procs) {
    if (reap_one(argv[0]) < 0) return -1;
  }
  return 0;
}

/* Reads the next argument; NULL at the end. */
static char *next_word(int zero, const char *eof_str) {
  static strbuf sb;
  static int ended;
  if (ended) return 0;
  sb.len = 0;
  int c;
  if (zero) {
    int any = 0;
    while ((c = getchar()) != EOF) {
      any = 1;
      if (c == 0) break;
      sb_putc(&sb, (char)c);
    }
    if (!any) return 0;
    return xstrdup(sb_str(&sb));
  }
  /* Skip blanks. */
  do c = getchar();
  while (c == ' ' || c == '\t' || c == '\n');
  if (c == EOF) return 0;
  int quote = 0, have = 0;
  for (;;) {
    if (c == EOF) {
      if (quote) bb_error_msg_and_die("unmatched %s quote", quote == '\'' ? "single" : "double");
      break;
    }
    if (quote) {
      if (c == quote) quote = 0;
      else sb_putc(&sb, (char)c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      have = 1;
    } else if (c == '\\') {
      c = getchar();
      if (c == EOF) break;
      sb_putc(&sb, (char)c);
    } else if (c == ' ' || c == '\t' || c == '\n') {
      break;
    } else {
      sb_putc(&sb, (char)c);
    }
    have = 1;
    c = getchar();
  }
  (void)have;
  if (eof_str && strcmp(sb_str(&sb), eof_str) == 0) {
    ended = 1;
    return 0;
  }
  return xstrdup(sb_str(&sb));
}

/* -I: one input line per command (leading blanks dropped). */
static char *next_line(const char *eof_str) {
  static char *line;
  static size_t cap;
  for (;;) {
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) return 0;
    if (n && line[n - 1] == '\n') line[--n] = 0;
    char *s = skip_whitespace(line);
    if (!*s) continue;
    if (eof_str && strcmp(s, eof_str) == 0) return 0;
    return xstrdup(s);
  }
}

static char *replace_all(const char *s, const char *what, const char *with) {
  strbuf sb = {0};
  size_t wl = strlen(what);
  for (const char *p = s; *p;) {
    if (wl && strncmp(p, what, wl) == 0) {
      sb_puts(&sb, with);
      p += wl;
    } else {
      sb_putc(&sb, *p++);
    }
  }
  return sb_str(&sb);
}

int xargs_main(int argc, char **argv) {
  char *max_args_str = 0, *max_chars_str = 0, *repl = 0, *eof_str = 0, *procs_str = 0;
  /* bits: 0:0 r1 t2 x3 n4 s5 I6 E7 e8 P9 p10 */
  unsigned opt = getopt32(argv, "+0rtxn:s:I:E:eP:p", &max_args_str, &max_chars_str, &repl, &eof_str, &procs_str);
  int zero = opt & 1;
  int no_run_if_empty = (opt & 2) != 0;
  trace = (opt & 4) != 0;
  if (procs_str) max_procs = xatoi_positive(procs_str);
  if (max_procs == 0) max_procs = 64;
  long max_args = max_args_str ? xatoi_positive(max_args_str) : LONG_MAX;
  size_t max_chars = max_chars_str ? xatou(max_chars_str) : 128 * 1024;
  argv += optind;
  char *echo_argv[] = {"echo", 0};
  if (!argv[0]) argv = echo_argv;
  int nfixed = argc_of(argv);
  size_t fixed_bytes = 0;
  for (int i = 0; i < nfixed; i++) fixed_bytes += strlen(argv[i]) + 1;

  if (repl) {
    char *line;
    while ((line = next_line(eof_str))) {
      char **cmd = xmalloc(sizeof(char *) * (size_t)(nfixed + 1));
      for (int i = 0; i < nfixed; i++) cmd[i] = replace_all(argv[i], repl, line);
      cmd[nfixed] = 0;
      int r = run(cmd);
      for (int i = 0; i < nfixed; i++) free(cmd[i]);
      free(cmd);
      free(line);
      if (r < 0) break;
    }
    while (running > 0 && status < 124) {
      if (reap_one(argv[0]) < 0) break;
    }
    fflush_all();
    return status;
  }

  char **cmd = 0;
  int ran = 0;
  char *pending = 0;
  for (;;) {
    int n = 0;
    size_t bytes = fixed_bytes;
    cmd = xrealloc(cmd, sizeof(char *) * (size_t)(nfixed + 1));
    memcpy(cmd, argv, sizeof(char *) * (size_t)nfixed);
    for (;;) {
      char *w = pending ? pending : next_word(zero, eof_str);
      pending = 0;
      if (!w) break;
      size_t len = strlen(w) + 1;
      if (n > 0 && bytes + len > max_chars) {
        pending = w;
        break;
      }
      if (bytes + len > max_chars && (opt & 8)) bb_error_msg_and_die("argument line too long");
      cmd = xrealloc(cmd, sizeof(char *) * (size_t)(nfixed + n + 2));
      cmd[nfixed + n++] = w;
      bytes += len;
      if (n >= max_args) break;
    }
    cmd[nfixed + n] = 0;
    if (n == 0 && (ran || no_run_if_empty)) break;
    ran = 1;
    int r = run(cmd);
    for (int i = 0; i < n; i++) free(cmd[nfixed + i]);
    if (r < 0) break;
    if (!pending && n < max_args && feof(stdin)) break;
  }
  while (running > 0 && status < 124) {
    if (reap_one(argv[0]) < 0) break;
  }
  fflush_all();
  return status;
}
