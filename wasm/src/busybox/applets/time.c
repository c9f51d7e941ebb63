/*
 * time [-pv] PROG ARGS: runs PROG and prints the elapsed time to stderr
 * ("real\t0m 0.00s" ...). The Drydock kernel has no per-child CPU time
 * call yet, so user and sys are 0.
 * timeout [-s SIG] SECS PROG ARGS: runs PROG and sends SIG (TERM) when SECS
 * pass; then dies of that signal itself, as BusyBox's timeout appears to
 * (it execs PROG in its own process).
 */
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include "../libbb.h"

extern char **environ;

int time_main(int argc, char **argv) {
  char *outfile = 0;
  unsigned opt = getopt32(argv, "+vpao:f:", &outfile, (char **)0);
  argv += optind;
  if (!argv[0]) bb_show_usage();
  unsigned long long start = monotonic_ms();
  fflush_all();
  pid_t pid;
  int status = 0;
  int err = posix_spawnp(&pid, argv[0], 0, 0, argv, environ);
  if (err) {
    errno = err;
    bb_perror_msg("can't execute '%s'", argv[0]);
    status = (err == ENOENT ? 127 : 126) << 8;
  } else {
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  unsigned long long ms = monotonic_ms() - start;
  FILE *out = stderr;
  if (outfile) {
    out = fopen(outfile, (opt & 4) ? "a" : "w");
    if (!out) bb_perror_msg_and_die("can't open '%s'", outfile);
  }
  if (WIFSIGNALED(status)) fprintf(out, "Command terminated by signal %d\n", WTERMSIG(status));
  else if (WEXITSTATUS(status)) fprintf(out, "Command exited with non-zero status %d\n", WEXITSTATUS(status));
  unsigned long long cs = ms / 10;
  if (opt & 2) {
    fprintf(out, "real %llu.%02llu\nuser 0.00\nsys 0.00\n", cs / 100, cs % 100);
  } else {
    fprintf(out, "real\t%llum %llu.%02llus\nuser\t0m 0.00s\nsys\t0m 0.00s\n", cs / 6000, cs / 100 % 60, cs % 100);
  }
  if (out != stderr) fclose(out);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int timeout_main(int argc, char **argv) {
  char *sig_s = 0;
  getopt32(argv, "+s:t:", &sig_s, (char **)0);
  int sig = SIGTERM;
  if (sig_s) {
    sig = get_signum(sig_s);
    if (sig < 0) bb_error_msg_and_die("bad signal name '%s'", sig_s);
  }
  argv += optind;
  if (!argv[0] || !argv[1]) bb_show_usage();
  char *end;
  double secs = strtod(argv[0], &end);
  if (end == argv[0] || secs < 0) bb_error_msg_and_die("invalid number '%s'", argv[0]);
  if (*end == 'm') secs *= 60;
  else if (*end == 'h') secs *= 3600;
  else if (*end == 'd') secs *= 86400;
  argv++;
  fflush_all();
  pid_t pid;
  int err = posix_spawnp(&pid, argv[0], 0, 0, argv, environ);
  if (err) {
    errno = err;
    bb_perror_msg("can't execute '%s'", argv[0]);
    return err == ENOENT ? 127 : 126;
  }
  unsigned long long deadline = monotonic_ms() + (unsigned long long)(secs * 1000);
  long wait_ms = 1;
  int status;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return 1;
    unsigned long long now = monotonic_ms();
    if (now >= deadline) {
      kill(pid, sig);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      /* Die of the same signal, so the caller sees what BusyBox's timeout shows. */
      signal(sig, SIG_DFL);
      raise(sig);
      return 128 + sig;
    }
    long left = (long)(deadline - now);
    struct timespec ts = {0, (wait_ms < left ? wait_ms : left) * 1000000L};
    nanosleep(&ts, 0);
    if (wait_ms < 50) wait_ms *= 2;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
