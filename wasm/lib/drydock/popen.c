/*
 * popen and pclose: /bin/sh -c COMMAND through posix_spawn with one end of a
 * pipe as its stdin ("w") or stdout ("r"). The pipe is close-on-exec in the
 * caller, so other children (and other popen streams' shells) do not hold it
 * open. The open streams and their pids are kept in a list, as musl does, and
 * each new child closes the fds of the streams that are already open.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct popen_stream {
  FILE *file;
  pid_t pid;
  struct popen_stream *next;
};

static struct popen_stream *streams;

FILE *popen(const char *cmd, const char *mode) {
  int reading = mode[0] == 'r';
  if (!reading && mode[0] != 'w') {
    errno = EINVAL;
    return 0;
  }
  struct popen_stream *s = malloc(sizeof *s);
  if (!s) return 0;
  int p[2];
  if (pipe(p) < 0) {
    free(s);
    return 0;
  }
  /* Close-on-exec by fcntl: wasi-libc defines O_CLOEXEC as 0, so pipe2(p, O_CLOEXEC) would not ask for it. */
  fcntl(p[0], F_SETFD, FD_CLOEXEC);
  fcntl(p[1], F_SETFD, FD_CLOEXEC);
  int mine = reading ? p[0] : p[1];
  int theirs = reading ? p[1] : p[0];
  FILE *f = fdopen(mine, reading ? "r" : "w");
  if (!f) {
    close(p[0]);
    close(p[1]);
    free(s);
    return 0;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  for (struct popen_stream *o = streams; o; o = o->next) posix_spawn_file_actions_addclose(&fa, fileno(o->file));
  posix_spawn_file_actions_adddup2(&fa, theirs, reading ? 1 : 0);
  char *argv[] = {"sh", "-c", (char *)cmd, 0};
  int err = posix_spawn(&s->pid, "/bin/sh", &fa, 0, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(theirs);
  if (err != 0) {
    fclose(f);
    free(s);
    errno = err;
    return 0;
  }
  s->file = f;
  s->next = streams;
  streams = s;
  return f;
}

int pclose(FILE *f) {
  struct popen_stream **link = &streams;
  while (*link && (*link)->file != f) link = &(*link)->next;
  struct popen_stream *s = *link;
  if (!s) {
    errno = EINVAL;
    return -1;
  }
  *link = s->next;
  pid_t pid = s->pid;
  free(s);
  fclose(f);
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}
