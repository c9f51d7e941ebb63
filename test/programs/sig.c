/*
 * Signal tests, driven by argv[1]:
 *   handler   install a SIGUSR1 handler, raise it, report that it ran
 *   sleep     sleep for a long time (to be killed)
 *   term      ignore nothing, wait in pause() for a signal with a SIGTERM handler
 *   latepause catch SIGTERM, compute for a while without system calls, then pause() once: a signal
 *             that came during the computation must end that pause (it is pending when pause starts)
 *   yieldloop catch SIGTERM, then loop calling only sched_yield until it comes
 *   clockloop catch SIGTERM, then loop reading only the clock until it comes
 *   readyield catch SIGTERM, read a byte from stdin, then loop calling only sched_yield until it comes
 *   ignore    ignore SIGTERM, then sleep (SIGTERM must not kill it)
 *   pipe      write to a pipe whose reader is gone (SIGPIPE)
 *   readstdin block reading stdin
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_signal(int sig) { got = sig; }

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : "";
  setvbuf(stdout, 0, _IONBF, 0);
  if (strcmp(cmd, "handler") == 0) {
    signal(SIGUSR1, on_signal);
    raise(SIGUSR1);
    printf("handler ran: %d\n", got == SIGUSR1);
    return 0;
  }
  if (strcmp(cmd, "sleep") == 0) {
    puts("sleeping");
    sleep(1000);
    return 0;
  }
  if (strcmp(cmd, "term") == 0) {
    signal(SIGTERM, on_signal);
    puts("waiting");
    while (!got) pause();
    printf("caught %d\n", (int)got);
    return 7;
  }
  if (strcmp(cmd, "latepause") == 0) {
    signal(SIGTERM, on_signal);
    puts("computing");
    volatile unsigned long spin = 0;
    for (unsigned long i = 0; i < 300000000UL; i++) spin += i;
    int r = pause();
    printf("pause returned %d %s, caught %d\n", r, errno == EINTR ? "EINTR" : "?", (int)got);
    return 0;
  }
  if (strcmp(cmd, "readyield") == 0) {
    signal(SIGTERM, on_signal);
    puts("reading");
    char c;
    read(0, &c, 1);
    while (!got) sched_yield();
    printf("caught %d\n", (int)got);
    return 7;
  }
  if (strcmp(cmd, "yieldloop") == 0 || strcmp(cmd, "clockloop") == 0) {
    signal(SIGTERM, on_signal);
    puts("looping");
    int yield = cmd[0] == 'y';
    struct timespec ts;
    while (!got) {
      if (yield) sched_yield();
      else clock_gettime(CLOCK_MONOTONIC, &ts);
    }
    printf("caught %d\n", (int)got);
    return 7;
  }
  if (strcmp(cmd, "ignore") == 0) {
    signal(SIGTERM, SIG_IGN);
    puts("ignoring");
    sleep(1000);
    return 0;
  }
  if (strcmp(cmd, "pipe") == 0) {
    int fds[2];
    pipe(fds);
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    ssize_t r = write(fds[1], "x", 1);
    printf("write with SIGPIPE ignored: %zd %s\n", r, errno == EPIPE ? "EPIPE" : "?");
    signal(SIGPIPE, SIG_DFL);
    write(fds[1], "x", 1);
    puts("not reached");
    return 0;
  }
  if (strcmp(cmd, "readstdin") == 0) {
    char c;
    puts("reading");
    ssize_t n = read(0, &c, 1);
    printf("read returned %zd\n", n);
    return 0;
  }
  return 2;
}
