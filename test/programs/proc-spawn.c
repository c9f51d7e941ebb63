/*
 * Process tests, driven by argv[1]:
 *   pipeline N      gen N | wc through a kernel pipe (posix_spawn + dup2 file actions)
 *   wait CODE       spawn wasi-exit CODE and print its wait status
 *   ids             print pid, ppid, pgid, sid, uid
 *   orphans         spawn a child that spawns a grandchild and exits; print who reaps
 *   many N          spawn N sleepers at once (for the pids limit) and report failures
 *   missing         spawn a program that does not exist
 * The programs are looked up next to this one (argv[0]'s directory).
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
static char dir[256];

static const char *prog(const char *name) {
  static char path[2][512];
  static int which;
  which ^= 1;
  snprintf(path[which], sizeof path[which], "%s/%s.wasm", dir, name);
  return path[which];
}

static void report(const char *what, int status) {
  if (WIFEXITED(status)) printf("%s exited %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("%s killed by signal %d\n", what, WTERMSIG(status));
  else printf("%s status %#x\n", what, status);
}

int main(int argc, char **argv) {
  strncpy(dir, argv[0], sizeof dir - 1);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = 0;
  else strcpy(dir, ".");
  const char *cmd = argc > 1 ? argv[1] : "";

  if (strcmp(cmd, "pipeline") == 0) {
    int fds[2];
    if (pipe(fds) != 0) return perror("pipe"), 1;
    posix_spawn_file_actions_t a, b;
    posix_spawn_file_actions_init(&a);
    posix_spawn_file_actions_adddup2(&a, fds[1], 1);
    posix_spawn_file_actions_addclose(&a, fds[0]);
    posix_spawn_file_actions_addclose(&a, fds[1]);
    posix_spawn_file_actions_init(&b);
    posix_spawn_file_actions_adddup2(&b, fds[0], 0);
    posix_spawn_file_actions_addclose(&b, fds[0]);
    posix_spawn_file_actions_addclose(&b, fds[1]);
    char *gen_argv[] = {"gen", argc > 2 ? argv[2] : "10", 0};
    char *wc_argv[] = {"wc", 0};
    pid_t g, w;
    int err = posix_spawn(&g, prog("wasi-gen"), &a, 0, gen_argv, environ);
    if (err) return printf("spawn gen: %s\n", strerror(err)), 1;
    err = posix_spawn(&w, prog("wasi-wc"), &b, 0, wc_argv, environ);
    if (err) return printf("spawn wc: %s\n", strerror(err)), 1;
    close(fds[0]);
    close(fds[1]);
    int st;
    waitpid(g, &st, 0);
    report("gen", st);
    waitpid(w, &st, 0);
    report("wc", st);
    return 0;
  }
  if (strcmp(cmd, "wait") == 0) {
    char *av[] = {"exit", argc > 2 ? argv[2] : "0", 0};
    pid_t pid;
    int err = posix_spawn(&pid, prog("wasi-exit"), 0, 0, av, environ);
    if (err) return printf("spawn: %s\n", strerror(err)), 1;
    int st;
    pid_t got = waitpid(pid, &st, 0);
    printf("waited for the child: %s\n", got == pid ? "yes" : "no");
    report("child", st);
    errno = 0;
    got = waitpid(-1, &st, WNOHANG);
    printf("no more children: %d %s\n", (int)got, errno == ECHILD ? "ECHILD" : "?");
    return 0;
  }
  if (strcmp(cmd, "ids") == 0) {
    printf("pid=%d ppid=%d pgid=%d sid=%d uid=%d\n", getpid(), getppid(), getpgrp(), getsid(0), getuid());
    return 0;
  }
  if (strcmp(cmd, "child-ids") == 0) {
    char *av[] = {"proc-spawn", "ids", 0};
    pid_t pid;
    posix_spawn(&pid, prog("proc-spawn"), 0, 0, av, environ);
    int st;
    waitpid(pid, &st, 0);
    printf("parent pid=%d child=%d\n", getpid(), pid);
    return 0;
  }
  if (strcmp(cmd, "many") == 0) {
    int n = argc > 2 ? atoi(argv[2]) : 5;
    int ok = 0, eagain = 0;
    pid_t pids[64];
    for (int i = 0; i < n && i < 64; i++) {
      char *av[] = {"sleeper", "sleep", 0};
      int err = posix_spawn(&pids[ok], prog("sig"), 0, 0, av, environ);
      if (err == 0) ok++;
      else if (err == EAGAIN) eagain++;
      else printf("spawn failed: %s\n", strerror(err));
    }
    printf("spawned %d, EAGAIN %d\n", ok, eagain);
    for (int i = 0; i < ok; i++) kill(pids[i], SIGKILL);
    for (int i = 0; i < ok; i++) waitpid(pids[i], 0, 0);
    return 0;
  }
  if (strcmp(cmd, "missing") == 0) {
    char *av[] = {"nope", 0};
    pid_t pid;
    int err = posix_spawn(&pid, "/no/such/program", 0, 0, av, environ);
    printf("spawn missing: %s\n", strerror(err));
    err = posix_spawnp(&pid, "no-such-command", 0, 0, av, environ);
    printf("spawnp missing: %s\n", strerror(err));
    return 0;
  }
  fprintf(stderr, "usage: proc-spawn pipeline|wait|ids|child-ids|many|missing\n");
  return 2;
}
