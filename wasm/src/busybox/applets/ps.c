/*
 * ps [-o COL[=HEADER],...] [-T] [-w]: the processes of the caller's PID
 * namespace, from /proc (the container's view, like busybox ps in a Docker
 * container). Without -o: "PID   USER     TIME  COMMAND", as the official
 * busybox image prints it. BSD/SysV selections ("aux", "-ef", "-e") are
 * accepted and ignored: every process is shown.
 *
 * top [-b] [-n COUNT] [-d SECONDS]: BusyBox's top layout (Mem, CPU, Load
 * average, then PID PPID USER STAT VSZ %VSZ %CPU COMMAND by CPU use).
 */
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include "../libbb.h"
#include "../procps.h"

static unsigned term_cols(void) {
  struct winsize ws;
  if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 0; /* no limit */
}

static const char *command_of(const struct proc_info *p) {
  static char buf[80];
  if (p->args[0]) return p->args;
  snprintf(buf, sizeof buf, "[%s]", p->comm);
  return buf;
}

/* BusyBox's 5-column size: kB, then m, g, t suffixes. */
static const char *size5(unsigned long long kb) {
  static char buf[16];
  if (kb <= 99999) snprintf(buf, sizeof buf, "%llu", kb);
  else if (kb / 1024 <= 9999) snprintf(buf, sizeof buf, "%llum", kb / 1024);
  else if (kb / 1024 / 1024 <= 99) snprintf(buf, sizeof buf, "%llu.%llug", kb / 1024 / 1024, (kb / 1024 % 1024) * 10 / 1024);
  else snprintf(buf, sizeof buf, "%llug", kb / 1024 / 1024);
  return buf;
}

struct column {
  const char *name;
  const char *header;
  int width;
  int left;
};

static const struct column columns[] = {
    {"pid", "PID", 5, 0},     {"ppid", "PPID", 5, 0},      {"pgid", "PGID", 5, 0},   {"sid", "SID", 5, 0},
    {"user", "USER", 8, 1},   {"group", "GROUP", 8, 1},    {"uid", "UID", 5, 0},     {"gid", "GID", 5, 0},
    {"comm", "COMMAND", 16, 1}, {"args", "COMMAND", 0, 1}, {"stat", "STAT", 4, 1},   {"vsz", "VSZ", 4, 0},
    {"rss", "RSS", 4, 0},     {"time", "TIME", 5, 0},      {"etime", "ELAPSED", 7, 0}, {"nice", "NI", 3, 0},
    {"tty", "TT", 6, 1},      {"cmd", "COMMAND", 0, 1},
};

static void print_field(const struct column *c, const struct proc_info *p, double uptime, int last) {
  char buf[64];
  const char *s = buf;
  switch (c - columns) {
    case 0: snprintf(buf, sizeof buf, "%u", p->pid); break;
    case 1: snprintf(buf, sizeof buf, "%u", p->ppid); break;
    case 2: snprintf(buf, sizeof buf, "%u", p->pgid); break;
    case 3: snprintf(buf, sizeof buf, "%u", p->sid); break;
    case 4: s = uid_name(p->uid); break;
    case 5: s = gid_name(p->gid); break;
    case 6: snprintf(buf, sizeof buf, "%u", p->uid); break;
    case 7: snprintf(buf, sizeof buf, "%u", p->gid); break;
    case 8: s = p->comm; break;
    case 9:
    case 17: s = command_of(p); break;
    case 10: snprintf(buf, sizeof buf, "%c", p->state); break;
    case 11: s = size5(p->vsz_kb); break;
    case 12: s = size5(p->rss_kb); break;
    case 13: {
      unsigned long long secs = (p->utime + p->stime) / 100;
      snprintf(buf, sizeof buf, "%llu:%02llu", secs / 60, secs % 60);
      break;
    }
    case 14: {
      long long secs = (long long)(uptime - (double)p->start_ticks / 100);
      if (secs < 0) secs = 0;
      snprintf(buf, sizeof buf, "%lld:%02lld", secs / 60, secs % 60);
      break;
    }
    case 15: snprintf(buf, sizeof buf, "%d", p->nice); break;
    case 16: s = "?"; break;
  }
  if (c->left) {
    if (last) fputs(s, stdout);
    else printf("%-*.*s", c->width, c->width ? c->width : 999, s);
  } else {
    printf("%*s", c->width, s);
  }
}

int ps_main(int argc, char **argv) {
  /* Accept "aux", "-ef", "-e", "-A", "-a", "-x", "-l"...: all processes are listed anyway. */
  llist *fmt = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-o") == 0 && argv[i + 1]) {
      llist_add_to_end(&fmt, argv[++i]);
    } else if (strncmp(argv[i], "-o", 2) == 0 && argv[i][2]) {
      llist_add_to_end(&fmt, argv[i] + 2);
    }
  }
  size_t n;
  struct proc_info *procs = read_processes(&n);
  if (!procs) bb_error_msg_and_die("can't open '/proc': %s", strerror(ENOENT));
  double uptime = read_uptime();
  unsigned cols = term_cols();
  if (!fmt) {
    puts("PID   USER     TIME  COMMAND");
    for (size_t i = 0; i < n; i++) {
      struct proc_info *p = &procs[i];
      unsigned long long secs = (p->utime + p->stime) / 100;
      char line[4096];
      int len = snprintf(line, sizeof line, "%5u %-8.8s %2llu:%02llu %s", p->pid, uid_name(p->uid), secs / 60, secs % 60,
                         command_of(p));
      if (cols && len > (int)cols) line[cols] = 0;
      puts(line);
    }
    free_processes(procs, n);
    return fflush_all();
  }
  /* -o: columns with optional "=HEADER". */
  const struct column *sel[64];
  const char *headers[64];
  int nsel = 0;
  for (llist *f = fmt; f; f = f->next) {
    char *spec = xstrdup(f->data);
    for (char *tok = strtok(spec, ","); tok && nsel < 64; tok = strtok(0, ",")) {
      char *eq = strchr(tok, '=');
      if (eq) *eq++ = 0;
      size_t k;
      for (k = 0; k < ARRAY_SIZE(columns); k++) {
        if (strcmp(columns[k].name, tok) == 0) break;
      }
      if (k == ARRAY_SIZE(columns)) bb_error_msg_and_die("bad -o argument '%s', supported arguments: user,group,comm,args,pid,ppid,pgid,tty,vsz,rss,stat,time,etime,nice", tok);
      sel[nsel] = &columns[k];
      headers[nsel] = eq ? eq : columns[k].header;
      nsel++;
    }
  }
  for (int c = 0; c < nsel; c++) {
    int last = c == nsel - 1;
    if (last) printf("%s", headers[c]);
    else printf("%-*s ", sel[c]->width, headers[c]);
  }
  putchar('\n');
  for (size_t i = 0; i < n; i++) {
    for (int c = 0; c < nsel; c++) {
      print_field(sel[c], &procs[i], uptime, c == nsel - 1);
      if (c != nsel - 1) putchar(' ');
    }
    putchar('\n');
  }
  free_processes(procs, n);
  return fflush_all();
}

static int by_cpu_desc(const void *a, const void *b) {
  const struct proc_info *x = a, *y = b;
  unsigned long long cx = x->utime + x->stime, cy = y->utime + y->stime;
  if (cx != cy) return cx > cy ? -1 : 1;
  return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static struct termios saved_termios;
static int raw_keys;

static void restore_terminal(void) {
  if (raw_keys) tcsetattr(0, TCSANOW, &saved_termios);
  raw_keys = 0;
}

static void quit_on_signal(int sig) {
  restore_terminal();
  signal(sig, SIG_DFL);
  raise(sig);
}

/* Waits `delay` seconds; in interactive mode returns 1 when 'q' was pressed. */
static int wait_or_key(double delay) {
  if (!raw_keys) {
    struct timespec ts = {(time_t)delay, (long)((delay - (long)delay) * 1e9)};
    nanosleep(&ts, 0);
    return 0;
  }
  struct pollfd p = {0, POLLIN, 0};
  if (poll(&p, 1, (int)(delay * 1000)) > 0) {
    char c;
    if (read(0, &c, 1) == 1 && (c == 'q' || c == 'Q' || c == 3 /* ^C */)) return 1;
  }
  return 0;
}

int top_main(int argc, char **argv) {
  char *count_s = 0, *delay_s = 0;
  unsigned opt = getopt32(argv, "bn:d:m", &count_s, &delay_s);
  int batch = (opt & 1) || !isatty(1);
  int count = count_s ? xatoi_positive(count_s) : (batch ? 1 : INT_MAX);
  double delay = delay_s ? strtod(delay_s, 0) : 5;
  /* Interactive: single keys without echo ('q' quits); the terminal is restored on exit and on signals. */
  if (!batch && tcgetattr(0, &saved_termios) == 0) {
    struct termios raw = saved_termios;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(0, TCSANOW, &raw) == 0) {
      raw_keys = 1;
      atexit(restore_terminal);
      signal(SIGINT, quit_on_signal);
      signal(SIGTERM, quit_on_signal);
    }
  }
  for (int iter = 0; iter < count; iter++) {
    if (iter > 0 && wait_or_key(delay)) break;
    if (!batch) fputs("\033[H\033[J", stdout);
    long long total = meminfo_kb("MemTotal"), freekb = meminfo_kb("MemFree"), shmem = meminfo_kb("Shmem");
    long long buffers = meminfo_kb("Buffers"), cached = meminfo_kb("Cached");
    if (total < 0) bb_error_msg_and_die("can't open '/proc/meminfo': %s", strerror(ENOENT));
    printf("Mem: %lldK used, %lldK free, %lldK shrd, %lldK buff, %lldK cached\n", total - freekb, freekb,
           shmem < 0 ? 0 : shmem, buffers < 0 ? 0 : buffers, cached < 0 ? 0 : cached);
    /* CPU use since boot, from the first line of /proc/stat. */
    unsigned long long v[10] = {0};
    char *stat = read_small_file("/proc/stat", 0);
    if (stat) {
      sscanf(stat, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
      free(stat);
    }
    unsigned long long sum = 0;
    for (int k = 0; k < 8; k++) sum += v[k];
    if (sum == 0) sum = 1;
#define PCT(x) (unsigned)((x) * 100 / sum)
    printf("CPU: %3u%% usr %3u%% sys %3u%% nic %3u%% idle %3u%% io %3u%% irq %3u%% sirq\n", PCT(v[0]), PCT(v[2]), PCT(v[1]),
           PCT(v[3]), PCT(v[4]), PCT(v[5]), PCT(v[6]));
#undef PCT
    char *load = read_small_file("/proc/loadavg", 0);
    if (load) {
      char *nl = strchr(load, '\n');
      if (nl) *nl = 0;
      printf("Load average: %s\n", load);
      free(load);
    }
    size_t n;
    struct proc_info *procs = read_processes(&n);
    qsort(procs, n, sizeof *procs, by_cpu_desc);
    double uptime = read_uptime();
    printf("  PID  PPID USER     STAT   VSZ %%VSZ %%CPU COMMAND\n");
    unsigned cols = term_cols();
    for (size_t i = 0; i < n; i++) {
      struct proc_info *p = &procs[i];
      double age = uptime - (double)p->start_ticks / 100;
      unsigned cpu = age > 0 ? (unsigned)((double)(p->utime + p->stime) / 100 * 100 / age) : 0;
      unsigned vszp = total > 0 ? (unsigned)(p->vsz_kb * 100 / (unsigned long long)total) : 0;
      char line[4096];
      int len = snprintf(line, sizeof line, "%5u %5u %-8.8s %-4c %5s %3u%% %3u%% %s", p->pid, p->ppid, uid_name(p->uid), p->state,
                         size5(p->vsz_kb), vszp, cpu, command_of(p));
      if (cols && len > (int)cols) line[cols] = 0;
      puts(line);
    }
    free_processes(procs, n);
    if (fflush_all()) return 1;
  }
  return 0;
}
