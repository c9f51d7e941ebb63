/* Process identity: pids, process groups, sessions, uids. */
#include <unistd.h>
#include "internal.h"

pid_t getpid(void) { return __drydock_getpid(); }
pid_t getppid(void) { return __drydock_getppid(); }

pid_t getpgid(pid_t pid) {
  int32_t out;
  if (drydock_result(__drydock_getpgid(pid, &out)) < 0) return -1;
  return out;
}
pid_t getpgrp(void) { return getpgid(0); }
int setpgid(pid_t pid, pid_t pgid) { return drydock_result(__drydock_setpgid(pid, pgid)); }

pid_t setsid(void) {
  int32_t out;
  if (drydock_result(__drydock_setsid(&out)) < 0) return -1;
  return out;
}
pid_t getsid(pid_t pid) {
  int32_t out;
  if (drydock_result(__drydock_getsid(pid, &out)) < 0) return -1;
  return out;
}

uid_t getuid(void) { return __drydock_getuid(); }
uid_t geteuid(void) { return __drydock_geteuid(); }
gid_t getgid(void) { return __drydock_getgid(); }
gid_t getegid(void) { return __drydock_getegid(); }
int setuid(uid_t uid) { return drydock_result(__drydock_setuid(uid)); }
int setgid(gid_t gid) { return drydock_result(__drydock_setgid(gid)); }
int getgroups(int size, gid_t list[]) {
  (void)size;
  (void)list;
  return 0;
}
