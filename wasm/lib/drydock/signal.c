/*
 * Signals. Dispositions live in the kernel; the handlers live here. The kernel
 * calls the exported __drydock_signal(sig) at a system-call boundary, and it
 * runs the handler registered with signal() or sigaction().
 */
#include <signal.h>
#include <unistd.h>
#include "internal.h"

void __SIG_IGN(int sig) { (void)sig; }
void __SIG_ERR(int sig) { (void)sig; }

static struct sigaction actions[NSIG];

__attribute__((export_name("__drydock_signal"))) void __drydock_signal(int sig) {
  if (sig <= 0 || sig >= NSIG) return;
  struct sigaction *sa = &actions[sig];
  void (*handler)(int) = sa->sa_handler;
  if (handler == SIG_DFL || handler == SIG_IGN) return;
  if (sa->sa_flags & SA_RESETHAND) {
    sa->sa_handler = SIG_DFL;
    __drydock_sigaction(sig, DRYDOCK_SIG_DFL, 0, 0);
  }
  sigset_t old;
  sigset_t block = sa->sa_mask;
  if (!(sa->sa_flags & SA_NODEFER)) block |= 1ULL << (sig - 1);
  __drydock_sigprocmask(DRYDOCK_SIG_BLOCK, block, &old);
  handler(sig);
  __drydock_sigprocmask(DRYDOCK_SIG_SETMASK, old, 0);
}

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old) {
  if (sig <= 0 || sig >= NSIG) {
    errno = EINVAL;
    return -1;
  }
  if (old) *old = actions[sig];
  if (!act) return 0;
  int disposition = act->sa_handler == SIG_DFL ? DRYDOCK_SIG_DFL
                    : act->sa_handler == SIG_IGN ? DRYDOCK_SIG_IGN
                                                 : DRYDOCK_SIG_CATCH;
  if (drydock_result(__drydock_sigaction(sig, disposition, act->sa_flags, 0)) < 0) return -1;
  actions[sig] = *act;
  return 0;
}

void (*signal(int sig, void (*handler)(int)))(int) {
  struct sigaction sa = {0}, old;
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  if (sigaction(sig, &sa, &old) < 0) return SIG_ERR;
  return old.sa_handler;
}

int siginterrupt(int sig, int flag) {
  struct sigaction sa;
  if (sigaction(sig, 0, &sa) < 0) return -1;
  if (flag) sa.sa_flags &= ~SA_RESTART;
  else sa.sa_flags |= SA_RESTART;
  return sigaction(sig, &sa, 0);
}

int kill(pid_t pid, int sig) { return drydock_result(__drydock_kill(pid, sig)); }
int killpg(pid_t pgrp, int sig) {
  if (pgrp < 0) {
    errno = EINVAL;
    return -1;
  }
  return kill(-pgrp, sig);
}
int raise(int sig) { return kill(getpid(), sig); }

int sigemptyset(sigset_t *set) {
  *set = 0;
  return 0;
}
int sigfillset(sigset_t *set) {
  *set = ~0ULL;
  return 0;
}
static int bad_signal(int sig) {
  if (sig <= 0 || sig >= NSIG) {
    errno = EINVAL;
    return 1;
  }
  return 0;
}
int sigaddset(sigset_t *set, int sig) {
  if (bad_signal(sig)) return -1;
  *set |= 1ULL << (sig - 1);
  return 0;
}
int sigdelset(sigset_t *set, int sig) {
  if (bad_signal(sig)) return -1;
  *set &= ~(1ULL << (sig - 1));
  return 0;
}
int sigismember(const sigset_t *set, int sig) {
  if (bad_signal(sig)) return -1;
  return (*set >> (sig - 1)) & 1;
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old) {
  uint64_t prev;
  int32_t err = set ? __drydock_sigprocmask(how, *set, &prev) : __drydock_sigprocmask(DRYDOCK_SIG_BLOCK, 0, &prev);
  if (drydock_result(err) < 0) return -1;
  if (old) *old = prev;
  return 0;
}

int sigpending(sigset_t *set) {
  uint64_t out;
  if (drydock_result(__drydock_sigpending(&out)) < 0) return -1;
  *set = out;
  return 0;
}

int sigsuspend(const sigset_t *mask) { return drydock_result(__drydock_sigsuspend(*mask)); }

/* One system call: a handler run between a mask query and sigsuspend would leave the caller
 * waiting for a signal that has already come (while (!got) pause(); would hang). */
int pause(void) { return drydock_result(__drydock_pause()); }

unsigned alarm(unsigned seconds) {
  uint32_t left = 0;
  __drydock_alarm(seconds, &left);
  return left;
}
