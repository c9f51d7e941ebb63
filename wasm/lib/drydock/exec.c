/* The exec family over drydock_execve (the pid and the open fds are kept). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

extern char **environ;

int execve(const char *path, char *const argv[], char *const envp[]) {
  return drydock_result(__drydock_execve(path, (const char *const *)argv, (const char *const *)envp));
}

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

int execvpe(const char *file, char *const argv[], char *const envp[]) {
  if (!*file) {
    errno = ENOENT;
    return -1;
  }
  if (strchr(file, '/')) return execve(file, argv, envp);
  const char *path = getenv("PATH");
  if (!path) path = "/usr/local/bin:/bin:/usr/bin";
  size_t flen = strlen(file);
  int seen_eacces = 0;
  char buf[PATH_MAX];
  for (const char *p = path;; p++) {
    const char *end = strchr(p, ':');
    if (!end) end = p + strlen(p);
    size_t dlen = (size_t)(end - p);
    if (dlen + 1 + flen + 1 <= sizeof buf) {
      memcpy(buf, p, dlen);
      size_t at = dlen;
      if (at > 0) buf[at++] = '/';
      memcpy(buf + at, file, flen + 1);
      execve(buf, argv, envp);
      if (errno == EACCES) seen_eacces = 1;
      else if (errno != ENOENT && errno != ENOTDIR) return -1;
    }
    if (*end == '\0') break;
    p = end;
  }
  errno = seen_eacces ? EACCES : ENOENT;
  return -1;
}

int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

static char **collect_args(const char *arg0, va_list ap) {
  va_list count;
  va_copy(count, ap);
  int n = 1;
  while (va_arg(count, const char *)) n++;
  va_end(count);
  char **argv = malloc(((size_t)n + 1) * sizeof(char *));
  if (!argv) return 0;
  argv[0] = (char *)arg0;
  for (int i = 1; i <= n; i++) argv[i] = va_arg(ap, char *);
  return argv;
}

int execl(const char *path, const char *arg0, ...) {
  va_list ap;
  va_start(ap, arg0);
  char **argv = collect_args(arg0, ap);
  va_end(ap);
  if (!argv) return -1;
  execv(path, argv);
  free(argv);
  return -1;
}

int execlp(const char *file, const char *arg0, ...) {
  va_list ap;
  va_start(ap, arg0);
  char **argv = collect_args(arg0, ap);
  va_end(ap);
  if (!argv) return -1;
  execvp(file, argv);
  free(argv);
  return -1;
}
