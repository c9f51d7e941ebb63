/*
 * procps.c: processes and memory from /proc in Linux's formats (proc(5)):
 * /proc/PID/stat, /proc/PID/status (uids), /proc/PID/cmdline, /proc/uptime,
 * /proc/meminfo. The Drydock kernel serves them for a container's PID
 * namespace; on a host without /proc the readers return nothing.
 */
#include "procps.h"

#include "libbb.h"

static int parse_stat(const char *data, struct proc_info *p) {
  /* "PID (COMM) S PPID PGRP SESSION ..." ; COMM may contain spaces and ')'. */
  const char *open = strchr(data, '(');
  const char *close = strrchr(data, ')');
  if (!open || !close || close < open) return -1;
  size_t n = (size_t)(close - open - 1);
  if (n >= sizeof p->comm) n = sizeof p->comm - 1;
  memcpy(p->comm, open + 1, n);
  p->comm[n] = 0;
  const char *f = close + 2;
  unsigned long long fields[40] = {0};
  char state = '?';
  if (sscanf(f, "%c", &state) != 1) return -1;
  f += 1;
  /* Fields 4.. (ppid onwards) */
  int k = 0;
  while (*f && k < 40) {
    while (*f == ' ') f++;
    if (!*f || *f == '\n') break;
    char *end;
    long long v = strtoll(f, &end, 10);
    if (end == f) {
      while (*f && *f != ' ') f++;
      fields[k++] = 0;
      continue;
    }
    fields[k++] = (unsigned long long)v;
    f = end;
  }
  p->state = state;
  p->ppid = (unsigned)fields[0];
  p->pgid = (unsigned)fields[1];
  p->sid = (unsigned)fields[2];
  p->utime = fields[10];
  p->stime = fields[11];
  p->nice = (int)(long long)fields[15];
  p->start_ticks = fields[18];
  p->vsz_kb = fields[19] / 1024;
  p->rss_kb = fields[20] * 4;
  return 0;
}

static int pid_cmp(const void *a, const void *b) {
  const struct proc_info *x = a, *y = b;
  return x->pid < y->pid ? -1 : x->pid > y->pid;
}

struct proc_info *read_processes(size_t *count) {
  *count = 0;
  DIR *d = opendir("/proc");
  if (!d) return 0;
  struct proc_info *list = 0;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!bb_isdigit((unsigned char)e->d_name[0])) continue;
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    char *stat = read_small_file(path, 0);
    if (!stat) continue;
    struct proc_info p;
    memset(&p, 0, sizeof p);
    p.pid = (unsigned)strtoul(e->d_name, 0, 10);
    if (parse_stat(stat, &p) < 0) {
      free(stat);
      continue;
    }
    free(stat);
    snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
    char *status = read_small_file(path, 0);
    if (status) {
      char *uid = strstr(status, "\nUid:");
      if (uid) p.uid = (unsigned)strtoul(uid + 5, 0, 10);
      char *gid = strstr(status, "\nGid:");
      if (gid) p.gid = (unsigned)strtoul(gid + 5, 0, 10);
      char *rss = strstr(status, "\nVmRSS:");
      if (rss) p.rss_kb = strtoull(rss + 7, 0, 10);
      free(status);
    }
    snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
    size_t len = 0;
    char *cmd = read_small_file(path, &len);
    if (cmd) {
      while (len > 0 && cmd[len - 1] == 0) len--;
      for (size_t i = 0; i < len; i++) {
        if (cmd[i] == 0 || cmd[i] == '\n') cmd[i] = ' ';
      }
      cmd[len] = 0;
      p.args = cmd;
    } else {
      p.args = xstrdup("");
    }
    if (n == cap) list = xrealloc(list, sizeof *list * (cap = cap ? cap * 2 : 32));
    list[n++] = p;
  }
  closedir(d);
  qsort(list, n, sizeof *list, pid_cmp);
  *count = n;
  return list;
}

void free_processes(struct proc_info *p, size_t n) {
  for (size_t i = 0; i < n; i++) free(p[i].args);
  free(p);
}

double read_uptime(void) {
  char *data = read_small_file("/proc/uptime", 0);
  if (!data) return 0;
  double up = strtod(data, 0);
  free(data);
  return up;
}

long long meminfo_kb(const char *key) {
  char *data = read_small_file("/proc/meminfo", 0);
  if (!data) return -1;
  long long v = -1;
  size_t klen = strlen(key);
  for (char *line = data; line && *line;) {
    if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
      v = strtoll(line + klen + 1, 0, 10);
      break;
    }
    line = strchr(line, '\n');
    if (line) line++;
  }
  free(data);
  return v;
}
