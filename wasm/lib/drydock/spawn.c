/*
 * posix_spawn over drydock_spawn. There is no fork in Drydock: programs start
 * children with posix_spawn (or system/popen built on it).
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

extern char **environ;

static int add_action(posix_spawn_file_actions_t *fa, drydock_fd_action action) {
  if (fa->__count == fa->__capacity) {
    int capacity = fa->__capacity ? fa->__capacity * 2 : 4;
    void *grown = realloc(fa->__actions, (size_t)capacity * sizeof(drydock_fd_action));
    if (!grown) return ENOMEM;
    fa->__actions = grown;
    fa->__capacity = capacity;
  }
  ((drydock_fd_action *)fa->__actions)[fa->__count++] = action;
  return 0;
}

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa) {
  memset(fa, 0, sizeof *fa);
  return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa) {
  drydock_fd_action *actions = fa->__actions;
  for (int i = 0; i < fa->__count; i++) free((void *)actions[i].path);
  free(fa->__actions);
  memset(fa, 0, sizeof *fa);
  return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *restrict fa, int fd, const char *restrict path,
                                     int oflag, mode_t mode) {
  if (fd < 0) return EBADF;
  char *copy = strdup(path);
  if (!copy) return ENOMEM;
  drydock_fd_action a = {DRYDOCK_FA_OPEN, fd, -1, oflag, mode, copy};
  int err = add_action(fa, a);
  if (err) free(copy);
  return err;
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd) {
  if (fd < 0) return EBADF;
  drydock_fd_action a = {DRYDOCK_FA_CLOSE, fd, -1, 0, 0, 0};
  return add_action(fa, a);
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int srcfd, int fd) {
  if (fd < 0 || srcfd < 0) return EBADF;
  drydock_fd_action a = {DRYDOCK_FA_DUP2, fd, srcfd, 0, 0, 0};
  return add_action(fa, a);
}

int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *restrict fa, const char *restrict path) {
  char *copy = strdup(path);
  if (!copy) return ENOMEM;
  drydock_fd_action a = {DRYDOCK_FA_CHDIR, -1, -1, 0, 0, copy};
  int err = add_action(fa, a);
  if (err) free(copy);
  return err;
}

int posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa, int fd) {
  drydock_fd_action a = {DRYDOCK_FA_FCHDIR, -1, fd, 0, 0, 0};
  return add_action(fa, a);
}

int posix_spawnattr_init(posix_spawnattr_t *attr) {
  memset(attr, 0, sizeof *attr);
  return 0;
}
int posix_spawnattr_destroy(posix_spawnattr_t *attr) {
  (void)attr;
  return 0;
}
int posix_spawnattr_setflags(posix_spawnattr_t *attr, short flags) {
  attr->__flags = flags;
  return 0;
}
int posix_spawnattr_getflags(const posix_spawnattr_t *restrict attr, short *restrict flags) {
  *flags = (short)attr->__flags;
  return 0;
}
int posix_spawnattr_setpgroup(posix_spawnattr_t *attr, pid_t pgrp) {
  attr->__pgrp = pgrp;
  return 0;
}
int posix_spawnattr_getpgroup(const posix_spawnattr_t *restrict attr, pid_t *restrict pgrp) {
  *pgrp = attr->__pgrp;
  return 0;
}
int posix_spawnattr_setsigmask(posix_spawnattr_t *restrict attr, const sigset_t *restrict mask) {
  attr->__mask = *mask;
  return 0;
}
int posix_spawnattr_getsigmask(const posix_spawnattr_t *restrict attr, sigset_t *restrict mask) {
  *mask = attr->__mask;
  return 0;
}
int posix_spawnattr_setsigdefault(posix_spawnattr_t *restrict attr, const sigset_t *restrict def) {
  attr->__def = *def;
  return 0;
}
int posix_spawnattr_getsigdefault(const posix_spawnattr_t *restrict attr, sigset_t *restrict def) {
  *def = attr->__def;
  return 0;
}

int posix_spawn(pid_t *restrict pid, const char *restrict path, const posix_spawn_file_actions_t *fa,
                const posix_spawnattr_t *restrict attr, char *const *restrict argv, char *const *restrict envp) {
  drydock_spawn_attr a = {0};
  if (attr) {
    if (attr->__flags & POSIX_SPAWN_SETPGROUP) {
      a.flags |= DRYDOCK_SPAWN_SETPGROUP;
      a.pgroup = attr->__pgrp;
    }
    if (attr->__flags & POSIX_SPAWN_SETSID) a.flags |= DRYDOCK_SPAWN_SETSID;
    if (attr->__flags & POSIX_SPAWN_SETSIGMASK) {
      a.flags |= DRYDOCK_SPAWN_SETSIGMASK;
      a.sigmask = attr->__mask;
    }
    if (attr->__flags & POSIX_SPAWN_SETSIGDEF) {
      a.flags |= DRYDOCK_SPAWN_SETSIGDEF;
      a.sigdefault = attr->__def;
    }
  }
  int32_t child = 0;
  int32_t err = __drydock_spawn(path, (const char *const *)argv, (const char *const *)(envp ? envp : environ), &a,
                                fa ? (const drydock_fd_action *)fa->__actions : 0, fa ? (uint32_t)fa->__count : 0,
                                &child);
  if (err == 0 && pid) *pid = child;
  return err;
}

int posix_spawnp(pid_t *restrict pid, const char *restrict file, const posix_spawn_file_actions_t *fa,
                 const posix_spawnattr_t *restrict attr, char *const *restrict argv, char *const *restrict envp) {
  if (strchr(file, '/')) return posix_spawn(pid, file, fa, attr, argv, envp);
  const char *path = getenv("PATH");
  if (!path) path = "/usr/local/bin:/bin:/usr/bin";
  size_t flen = strlen(file);
  int seen_eacces = 0;
  char buf[PATH_MAX];
  for (const char *p = path;; p++) {
    const char *end = strchr(p, ':');
    if (!end) end = p + strlen(p);
    size_t dlen = (size_t)(end - p);
    if (dlen + 1 + flen + 1 <= sizeof buf) {
      memcpy(buf, p, dlen);
      size_t at = dlen;
      if (at > 0) buf[at++] = '/';
      memcpy(buf + at, file, flen + 1);
      int err = posix_spawn(pid, buf, fa, attr, argv, envp);
      if (err == 0) return 0;
      if (err == EACCES) seen_eacces = 1;
      else if (err != ENOENT && err != ENOTDIR) return err;
    }
    if (*end == '\0') break;
    p = end;
  }
  return seen_eacces ? EACCES : ENOENT;
}
