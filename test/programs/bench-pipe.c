/*
 * Moves argv[1] MiB through a kernel pipe: the parent spawns itself twice,
 * as a writer (64 KiB writes to stdout) and a reader (counts stdin).
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  static char buf[65536];
  if (argc > 2 && !strcmp(argv[2], "write")) {
    long total = atol(argv[1]) << 20;
    memset(buf, 'x', sizeof buf);
    for (long done = 0; done < total;) {
      ssize_t n = write(1, buf, sizeof buf);
      if (n <= 0) return 1;
      done += n;
    }
    return 0;
  }
  if (argc > 2 && !strcmp(argv[2], "read")) {
    long total = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) total += n;
    printf("%ld bytes\n", total);
    return 0;
  }
  int fds[2];
  pipe(fds);
  posix_spawn_file_actions_t w, r;
  posix_spawn_file_actions_init(&w);
  posix_spawn_file_actions_adddup2(&w, fds[1], 1);
  posix_spawn_file_actions_addclose(&w, fds[0]);
  posix_spawn_file_actions_addclose(&w, fds[1]);
  posix_spawn_file_actions_init(&r);
  posix_spawn_file_actions_adddup2(&r, fds[0], 0);
  posix_spawn_file_actions_addclose(&r, fds[0]);
  posix_spawn_file_actions_addclose(&r, fds[1]);
  char *wargv[] = {argv[0], argv[1], "write", 0};
  char *rargv[] = {argv[0], argv[1], "read", 0};
  pid_t a, b;
  if (posix_spawn(&a, argv[0], &w, 0, wargv, environ) || posix_spawn(&b, argv[0], &r, 0, rargv, environ)) return 1;
  close(fds[0]);
  close(fds[1]);
  int st;
  waitpid(a, &st, 0);
  waitpid(b, &st, 0);
  return 0;
}
