/*
 * Signals and traps. A caught signal only records itself (the kernel runs
 * handlers at system-call boundaries); dotrap() runs the trap actions
 * between commands, as ash does. An interactive shell catches SIGINT (to
 * abandon the line being edited) and ignores SIGQUIT and SIGTERM; children
 * get those back to the default action (g_child_sigdefault).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sh.h"

char *g_trap[MAXSIG];
volatile int g_pending_sig[MAXSIG];
volatile int g_gotsig;
int g_trap_inherited_listing;
char *g_parent_trap[MAXSIG];
sigset_t g_child_sigdefault;
static int in_trap;
static int exit_trap_ran;

static const char *const names[] = {
    "EXIT", "HUP",  "INT",    "QUIT", "ILL",  "TRAP",   "ABRT", "BUS",   "FPE",    "KILL", "USR1",
    "SEGV", "USR2", "PIPE",   "ALRM", "TERM", "STKFLT", "CHLD", "CONT",  "STOP",   "TSTP", "TTIN",
    "TTOU", "URG",  "XCPU",   "XFSZ", "VTALRM", "PROF", "WINCH", "POLL",   "PWR",    "SYS",
};
#define NNAMES ((int)(sizeof names / sizeof names[0]))

const char *signal_name(int sig) {
  static char buf[16];
  if (sig >= 0 && sig < NNAMES) return names[sig];
  if (sig >= 34 && sig < MAXSIG) {
    if (sig == 34) return "RTMIN";
    if (sig == 64) return "RTMAX";
    if (sig - 34 <= 15) {
      snprintf(buf, sizeof buf, "RTMIN+%d", sig - 34);
    } else {
      snprintf(buf, sizeof buf, "RTMAX-%d", 64 - sig);
    }
    return buf;
  }
  return NULL;
}

int signal_number(const char *name) {
  if (*name >= '0' && *name <= '9') {
    char *end;
    long n = strtol(name, &end, 10);
    if (*end || n < 0 || n >= MAXSIG) return -1;
    return (int)n;
  }
  if (strncasecmp(name, "SIG", 3) == 0) name += 3;
  for (int i = 0; i < NNAMES; i++)
    if (strcasecmp(name, names[i]) == 0) return i;
  if (strcasecmp(name, "IO") == 0) return 29;
  if (strcasecmp(name, "IOT") == 0) return 6;
  if (strcasecmp(name, "CLD") == 0) return 17;
  return -1;
}

static void onsig(int sig) {
  g_pending_sig[sig] = 1;
  g_gotsig = 1;
}

/* Sets the disposition of sig from the trap table and the shell's mode. */
void setsignal(int sig) {
  if (sig <= 0 || sig >= MAXSIG || sig == SIGKILL || sig == SIGSTOP) return;
  void (*h)(int) = SIG_DFL;
  const char *t = g_trap[sig];
  if (t) h = *t ? onsig : SIG_IGN;
  else if (g_interactive) {
    if (sig == SIGINT) h = onsig;
    else if (sig == SIGQUIT || sig == SIGTERM) h = SIG_IGN;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sigaction(sig, &sa, NULL);
  if (g_interactive && !t && (sig == SIGQUIT || sig == SIGTERM || sig == SIGINT)) g_child_sigdefault |= 1ULL << (sig - 1);
  else g_child_sigdefault &= ~(1ULL << (sig - 1));
}

void trap_init(void) {}

void signals_for_interactive(void) {
  setsignal(SIGINT);
  setsignal(SIGQUIT);
  setsignal(SIGTERM);
}

int trap_any_set(void) {
  for (int i = 0; i < MAXSIG; i++)
    if (g_trap[i] && *g_trap[i]) return 1;
  return 0;
}

void dotrap(void) {
  if (in_trap) return;
  g_gotsig = 0;
  for (int sig = 1; sig < MAXSIG; sig++) {
    if (!g_pending_sig[sig]) continue;
    g_pending_sig[sig] = 0;
    const char *t = g_trap[sig];
    if (!t) {
      if (sig == SIGINT && g_interactive && g_exc == EXC_NONE) g_exc = EXC_INT;
      continue;
    }
    if (!*t) continue;
    char *action = xstrdup(t);
    int saved_status = g_status;
    int saved_skip = g_skip;
    g_skip = SKIP_NONE;
    in_trap = 1;
    eval_string(action, 0);
    in_trap = 0;
    free(action);
    if (g_exc == EXC_NONE) {
      g_status = saved_status;
      if (g_skip == SKIP_NONE) g_skip = saved_skip;
    }
  }
}

void trap_run_exit(void) {
  if (exit_trap_ran || !g_trap[0]) return;
  exit_trap_ran = 1;
  char *action = g_trap[0];
  g_trap[0] = NULL;
  int saved_exc = g_exc;
  g_exc = EXC_NONE;
  g_skip = SKIP_NONE;
  int status = g_status;
  eval_string(action, 0);
  free(action);
  if (g_exc == EXC_EXIT) {
    /* exit inside the EXIT trap sets the status */
    g_status = g_exitstatus_pending;
  } else {
    g_status = status;
    g_exc = saved_exc;
  }
}

/* A subshell keeps ignored signals ignored and resets the other traps. */
void trap_reset_for_subshell(void) {
  for (int sig = 0; sig < MAXSIG; sig++) {
    if (g_trap[sig] && *g_trap[sig]) {
      free(g_trap[sig]);
      g_trap[sig] = NULL;
      if (sig) setsignal(sig);
    }
  }
}

/* ------------------------------------------------------------------ the trap builtin */

static void print_quoted(const char *s) {
  bputc('\'');
  for (; *s; s++) {
    if (*s == '\'') bputs("'\"'\"'");
    else bputc(*s);
  }
  bputc('\'');
}

int bi_trap(int argc, char **argv) {
  int i = 1;
  if (i < argc && strcmp(argv[i], "--") == 0) i++;
  if (i < argc && strcmp(argv[i], "-p") == 0) i++;
  if (i >= argc) {
    char **table = g_trap_inherited_listing ? g_parent_trap : g_trap;
    for (int sig = 0; sig < MAXSIG; sig++) {
      if (!table[sig]) continue;
      bputs("trap -- ");
      print_quoted(table[sig]);
      bprintf(" %s\n", signal_name(sig));
    }
    return 0;
  }
  g_trap_inherited_listing = 0;
  const char *action = argv[i];
  int status = 0;
  /* "trap N..." with a number first: reset those signals */
  if (signal_number(action) >= 0 && (action[0] >= '0' && action[0] <= '9')) action = "-";
  else i++;
  if (i >= argc) {
    sh_error("%s: invalid signal specification", action);
    return 1;
  }
  for (; i < argc; i++) {
    int sig = signal_number(argv[i]);
    if (sig < 0) {
      sh_error("%s: invalid signal specification", argv[i]);
      status = 1;
      continue;
    }
    free(g_trap[sig]);
    g_trap[sig] = strcmp(action, "-") == 0 ? NULL : xstrdup(action);
    if (sig) setsignal(sig);
  }
  return status;
}
