/* Process identity: pids, process groups, sessions, uids, gids and supplementary groups. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <grp.h>
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
/* The supplementary groups (sorted by gid, as Linux keeps them); size 0 asks for the count. */
int getgroups(int size, gid_t list[]) {
  if (size < 0) {
    errno = EINVAL;
    return -1;
  }
  uint32_t count = 0;
  if (drydock_result(__drydock_getgroups((uint32_t)size, (uint32_t *)list, &count)) < 0) return -1;
  return (int)count;
}

/* Replaces the supplementary groups: uid 0 only (EPERM); EINVAL past DRYDOCK_NGROUPS_MAX. */
int setgroups(size_t size, const gid_t *list) {
  if (size > UINT32_MAX) {
    errno = EINVAL;
    return -1;
  }
  return drydock_result(__drydock_setgroups((uint32_t)size, (const uint32_t *)list));
}

/* Whether `gid` is the caller's effective gid or one of its supplementary groups (Linux's in_group_p). */
int __drydock_in_group(gid_t gid) {
  if (gid == getegid()) return 1;
  int n = getgroups(0, 0);
  if (n <= 0) return 0;
  gid_t *groups = malloc(sizeof(gid_t) * (size_t)n);
  if (!groups) return 0;
  int found = 0;
  n = getgroups(n, groups);
  for (int i = 0; i < n && !found; i++) found = groups[i] == gid;
  free(groups);
  return found;
}
