/* procps.h: reading processes from /proc (procps.c), for ps, top, pidof, killall. */
#ifndef BUSYBOX_PROCPS_H
#define BUSYBOX_PROCPS_H
#include <sys/types.h>

struct proc_info {
  unsigned pid, ppid, pgid, sid;
  char state;
  unsigned uid, gid;
  unsigned long long utime, stime; /* clock ticks (USER_HZ = 100) */
  unsigned long long start_ticks;  /* since boot */
  unsigned long long vsz_kb, rss_kb;
  int nice;
  char comm[64];
  char *args; /* the command line, arguments separated by spaces; "" for zombies */
};

/* Every process in /proc, sorted by pid; *n gets the count. NULL (and *n 0) when /proc is missing. */
struct proc_info *read_processes(size_t *n);
void free_processes(struct proc_info *p, size_t n);
/* Seconds since boot from /proc/uptime; 0 when unknown. */
double read_uptime(void);
/* A value in kB from /proc/meminfo ("MemTotal"); -1 when missing. */
long long meminfo_kb(const char *key);
#endif
