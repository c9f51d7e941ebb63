/*
 * Children: the table of processes this shell started, waiting for them,
 * and how a status becomes $? (128+signal for a killed process, with ash's
 * message for signals other than SIGINT and SIGPIPE).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "sh.h"

static job_t *jobs;
static const char *signal_text(int sig);
static int sigint_passed; /* an interactive shell passed ctrl-C on to its foreground job */
static int nbg;

void job_add(pid_t pid, int bg) {
  job_t *j = xzalloc(sizeof *j);
  j->pid = pid;
  j->bg = bg;
  j->next = jobs;
  jobs = j;
  if (bg) nbg++;
  if (nbg > 64) jobs_reap();
}

int job_count_bg(void) {
  int n = 0;
  for (job_t *j = jobs; j; j = j->next)
    if (j->bg && !j->done) n++;
  return n;
}

static job_t *find(pid_t pid) {
  for (job_t *j = jobs; j; j = j->next)
    if (j->pid == pid) return j;
  return NULL;
}

static void forget(job_t *victim) {
  for (job_t **pp = &jobs; *pp; pp = &(*pp)->next)
    if (*pp == victim) {
      *pp = victim->next;
      if (victim->bg) nbg--;
      free(victim->cmd);
      free(victim);
      return;
    }
}

/* Gives a background job a number and its text (interactive shell on a terminal). */
void job_set_notice(pid_t pid, const char *cmd) {
  job_t *j = find(pid);
  if (!j) return;
  int num = 1;
  for (int taken = 1; taken;) {
    taken = 0;
    for (job_t *k = jobs; k; k = k->next)
      if (k != j && k->num == num) {
        num++;
        taken = 1;
      }
  }
  j->num = num;
  j->cmd = xstrdup(cmd);
}

/* Before a prompt: "[N]+  Done    cmd" for each numbered job that finished (as ash with job control). */
void jobs_notify(void) {
  jobs_reap();
  for (job_t *j = jobs, *next; j; j = next) {
    next = j->next;
    if (!j->num || !j->done) continue;
    char state[32];
    int st = j->status;
    if (WIFSIGNALED(st)) {
      const char *t = signal_text(WTERMSIG(st));
      snprintf(state, sizeof state, "%s", t ? t : "Signaled");
    } else if (WEXITSTATUS(st)) {
      snprintf(state, sizeof state, "Done(%d)", WEXITSTATUS(st));
    } else {
      snprintf(state, sizeof state, "Done");
    }
    outf(1, "[%d]+  %-27s%s\n", j->num, state, j->cmd ? j->cmd : "");
    forget(j);
  }
}

int status_from_wait(int st) {
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return WEXITSTATUS(st);
}

static const char *signal_text(int sig) {
  switch (sig) {
    case SIGHUP: return "Hangup";
    case SIGQUIT: return "Quit";
    case SIGILL: return "Illegal instruction";
    case SIGTRAP: return "Trace/breakpoint trap";
    case SIGABRT: return "Aborted";
    case SIGBUS: return "Bus error";
    case SIGFPE: return "Floating point exception";
    case SIGKILL: return "Killed";
    case SIGUSR1: return "User defined signal 1";
    case SIGSEGV: return "Segmentation fault";
    case SIGUSR2: return "User defined signal 2";
    case SIGALRM: return "Alarm clock";
    case SIGTERM: return "Terminated";
    case SIGXCPU: return "CPU time limit exceeded";
    case SIGXFSZ: return "File size limit exceeded";
    case SIGVTALRM: return "Virtual timer expired";
    case SIGPROF: return "Profiling timer expired";
    case SIGSYS: return "Bad system call";
  }
  return NULL;
}

void report_signaled(int st, int foreground) {
  if (!foreground || !WIFSIGNALED(st)) return;
  int sig = WTERMSIG(st);
  if (sig == SIGINT || sig == SIGPIPE) return;
  const char *t = signal_text(sig);
  char buf[64];
  if (!t) {
    snprintf(buf, sizeof buf, "Signal %d", sig);
    t = buf;
  }
  outf(2, "%s%s\n", t, WCOREDUMP(st) ? " (core dumped)" : "");
}

/* Waits for one child to finish; records its status. Returns -1 on EINTR (signal pending). */
static int wait_one(pid_t pid, int block) {
  int st = 0;
  pid_t r = waitpid(pid, &st, block ? 0 : WNOHANG);
  if (r < 0) return errno == EINTR ? -1 : -2;
  if (r == 0) return 0;
  job_t *j = find(r);
  if (!j) {
    job_add(r, 0);
    j = find(r);
  }
  j->done = 1;
  j->status = st;
  return 1;
}

int job_wait(pid_t pid) {
  job_t *j = find(pid);
  if (!j) return 127;
  while (!j->done) {
    int r = wait_one(pid, 1);
    if (r == -1 && g_interactive && g_pending_sig[SIGINT] && !g_trap[SIGINT]) {
      /* Drydock's terminals have no line discipline that would signal the
       * foreground job: an interactive shell passes ctrl-C on to it. */
      g_pending_sig[SIGINT] = 0;
      kill(pid, SIGINT);
      sigint_passed = 1;
    }
    if (r == -2) {
      /* not our child any more (ECHILD): treat as done */
      j->done = 1;
      j->status = 0;
    }
  }
  int st = j->status;
  forget(j);
  report_signaled(st, 1);
  if (sigint_passed && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT) {
    /* ash ends the "^C" line before the next prompt */
    sigint_passed = 0;
    outf(2, "\n");
  }
  if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT && !g_interactive && g_trap[SIGINT] == NULL) {
    /* ash: a non-interactive shell whose foreground job died of SIGINT dies the same way */
    /* (the signal was sent to the whole process group, so we normally died already) */
  }
  return status_from_wait(st);
}

/* For the wait builtin: waits for pid (a child we know). Interrupted by trapped signals. */
int job_wait_one(pid_t pid, int *found) {
  job_t *j = find(pid);
  *found = j != NULL;
  if (!j) return 127;
  while (!j->done) {
    int r = wait_one(pid, 1);
    if (r == -1 && g_gotsig) {
      for (int s = 1; s < MAXSIG; s++)
        if (g_pending_sig[s] && g_trap[s] && *g_trap[s]) return 128 + s;
    }
    if (r == -2) {
      j->done = 1;
      j->status = 0;
    }
  }
  int st = j->status;
  forget(j);
  return status_from_wait(st);
}

int job_wait_all(void) {
  for (;;) {
    job_t *j = jobs;
    while (j && !j->bg) j = j->next;
    if (!j) return 0;
    int found;
    int st = job_wait_one(j->pid, &found);
    if (st > 128 && g_gotsig) {
      for (int s = 1; s < MAXSIG; s++)
        if (g_pending_sig[s] && g_trap[s] && *g_trap[s] && st == 128 + s) return st;
    }
  }
}

void jobs_reap(void) {
  for (;;) {
    int r = wait_one(-1, 0);
    if (r <= 0) break;
  }
}

/* jobs: the numbered background jobs (those of an interactive shell on a terminal). */
int bi_jobs(int argc, char **argv) {
  jobs_reap();
  int max = 0;
  for (job_t *j = jobs; j; j = j->next)
    if (j->num > max) max = j->num;
  for (int n = 1; n <= max; n++)
    for (job_t *j = jobs; j; j = j->next) {
      if (j->num != n) continue;
      const char *state = j->done ? "Done" : "Running";
      bprintf("[%d]%c  %-27s%s\n", j->num, n == max ? '+' : ' ', state, j->cmd ? j->cmd : "");
    }
  return 0;
}
