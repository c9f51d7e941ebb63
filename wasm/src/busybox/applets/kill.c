/*
 * kill [-l [SIG]] [-s SIG | -SIG] PID...: sends a signal (TERM by default).
 * killall [-l] [-q] [-SIG] NAME...: to every process of that name.
 * pidof [-s] [-o PID] NAME...: the pids of the processes of that name.
 * Names are matched against the command name and argv[0]'s last component.
 */
#include <signal.h>
#include "../libbb.h"
#include "../procps.h"

static void list_signals(void) {
  for (int s = 1; s < 32; s++) {
    const char *name = get_signame(s);
    if (name) printf("%2d) %s\n", s, name);
  }
}

/* Parses "-SIG", "-s SIG", "-n N"; returns the signal and advances *argvp. */
static int parse_signal(char ***argvp, int *listing) {
  char **argv = *argvp;
  int sig = SIGTERM;
  if (argv[0] && argv[0][0] == '-' && argv[0][1]) {
    const char *a = argv[0] + 1;
    if (strcmp(a, "l") == 0 || strcmp(a, "L") == 0) {
      *listing = 1;
      *argvp = argv + 1;
      return 0;
    }
    if (strcmp(a, "s") == 0 || strcmp(a, "n") == 0) {
      if (!argv[1]) bb_show_usage();
      a = argv[1];
      argv++;
    } else if (strcmp(a, "-") == 0) {
      *argvp = argv + 1;
      return sig;
    }
    sig = get_signum(a);
    if (sig < 0) bb_error_msg_and_die("bad signal name '%s'", a);
    argv++;
  }
  *argvp = argv;
  return sig;
}

int kill_main(int argc, char **argv) {
  argv++;
  int listing = 0;
  int sig = parse_signal(&argv, &listing);
  if (listing) {
    if (!argv[0]) {
      list_signals();
      return fflush_all();
    }
    for (; *argv; argv++) {
      if (bb_isdigit((unsigned char)**argv)) {
        int s = atoi(*argv);
        if (s > 128) s -= 128;
        const char *name = get_signame(s);
        if (!name) bb_error_msg_and_die("bad signal name '%s'", *argv);
        puts(name);
      } else {
        int s = get_signum(*argv);
        if (s < 0) bb_error_msg_and_die("bad signal name '%s'", *argv);
        printf("%d\n", s);
      }
    }
    return fflush_all();
  }
  if (argv[0] && strcmp(argv[0], "--") == 0) argv++;
  if (!argv[0]) bb_error_msg_and_die("you need to specify whom to kill");
  int status = 0;
  for (; *argv; argv++) {
    char *end;
    long pid = strtol(*argv, &end, 10);
    if (!**argv || *end) {
      bb_error_msg("invalid number '%s'", *argv);
      status = 1;
      continue;
    }
    if (kill((pid_t)pid, sig) < 0) {
      bb_perror_msg("can't kill pid %ld", pid);
      status = 1;
    }
  }
  return status;
}

static int name_matches(const struct proc_info *p, const char *name) {
  if (strcmp(p->comm, name) == 0) return 1;
  /* argv[0]'s last component (comm is cut at 15 characters). */
  char first[256];
  size_t n = strcspn(p->args, " ");
  if (n >= sizeof first) n = sizeof first - 1;
  memcpy(first, p->args, n);
  first[n] = 0;
  return strcmp(bb_get_last_path_component_nostrip(first), name) == 0;
}

int killall_main(int argc, char **argv) {
  argv++;
  int listing = 0, quiet = 0;
  if (argv[0] && strcmp(argv[0], "-q") == 0) {
    quiet = 1;
    argv++;
  }
  int sig = parse_signal(&argv, &listing);
  if (argv[0] && strcmp(argv[0], "-q") == 0) {
    quiet = 1;
    argv++;
  }
  if (listing) {
    list_signals();
    return fflush_all();
  }
  if (!argv[0]) bb_show_usage();
  size_t n;
  struct proc_info *procs = read_processes(&n);
  pid_t self = getpid();
  int status = 0;
  for (; *argv; argv++) {
    int killed = 0;
    for (size_t i = 0; i < n; i++) {
      if ((pid_t)procs[i].pid == self || procs[i].state == 'Z' || !name_matches(&procs[i], *argv)) continue;
      if (kill((pid_t)procs[i].pid, sig) == 0) killed++;
      else if (!quiet) bb_perror_msg("can't kill pid %u", procs[i].pid);
    }
    if (!killed) {
      if (!quiet) bb_error_msg("%s: no process killed", *argv);
      status = 1;
    }
  }
  if (procs) free_processes(procs, n);
  return status;
}

int pidof_main(int argc, char **argv) {
  llist *omit = 0;
  unsigned opt = getopt32(argv, "so*", &omit);
  argv += optind;
  size_t n;
  struct proc_info *procs = read_processes(&n);
  int found = 0;
  pid_t self = getpid();
  for (; *argv; argv++) {
    /* Newest first, as BusyBox lists them. */
    for (size_t k = n; k-- > 0;) {
      struct proc_info *p = &procs[k];
      if (p->state == 'Z' || !name_matches(p, *argv)) continue;
      int skip = 0;
      for (llist *o = omit; o; o = o->next) {
        if ((strcmp(o->data, "%PPID") == 0 && p->pid == (unsigned)getppid()) || (unsigned)atoi(o->data) == p->pid) skip = 1;
      }
      if ((pid_t)p->pid == self) skip = 1;
      if (skip) continue;
      printf(found ? " %u" : "%u", p->pid);
      found = 1;
      if (opt & 1) break;
    }
  }
  if (found) putchar('\n');
  if (procs) free_processes(procs, n);
  if (fflush_all()) return 1;
  return found ? 0 : 1;
}
