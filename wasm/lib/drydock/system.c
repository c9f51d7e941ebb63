/*
 * system(): /bin/sh -c COMMAND through posix_spawn (there is no fork). As
 * POSIX asks, the caller ignores SIGINT and SIGQUIT and blocks SIGCHLD while
 * it waits; the child starts with those restored to their defaults and the
 * caller's original mask. Returns the wait status, or -1 if sh could not start
 * (127 << 8 when /bin/sh does not exist, as glibc and musl report it).
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int system(const char *cmd) {
  if (!cmd) return access("/bin/sh", X_OK) == 0;
  struct sigaction ignore = {0}, old_int, old_quit;
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGINT, &ignore, &old_int);
  sigaction(SIGQUIT, &ignore, &old_quit);
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &old_mask);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  if (old_int.sa_handler != SIG_IGN) sigaddset(&defaults, SIGINT);
  if (old_quit.sa_handler != SIG_IGN) sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &old_mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  char *argv[] = {"sh", "-c", (char *)cmd, 0};
  pid_t pid;
  int status = -1;
  int err = posix_spawn(&pid, "/bin/sh", 0, &attr, argv, environ);
  posix_spawnattr_destroy(&attr);
  if (err == 0) {
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
        status = -1;
        break;
      }
    }
  } else if (err == ENOENT) {
    status = 127 << 8;
  } else {
    errno = err;
  }
  sigaction(SIGINT, &old_int, 0);
  sigaction(SIGQUIT, &old_quit, 0);
  sigprocmask(SIG_SETMASK, &old_mask, 0);
  return status;
}
