/*
 * access and faccessat against the real permission bits. wasi-libc's version
 * only checks that the file exists and that the directory fd's WASI rights
 * allow reading or writing; `test -x` and PATH searches need the mode. The
 * group bits apply to the effective gid and the supplementary groups, as Linux.
 *
 * Replaces libc.a's faccessat.o, whose only symbol is
 * __wasilibc_nocwd_faccessat (called by wasi-libc's access and faccessat after
 * they resolved the cwd); see README.md.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

int __wasilibc_nocwd_faccessat(int fd, const char *path, int amode, int flag) {
  if (amode & ~(F_OK | R_OK | W_OK | X_OK)) {
    errno = EINVAL;
    return -1;
  }
  struct drydock_stat ds;
  if (drydock_result(__drydock_fstatat(fd, path, 0, &ds)) < 0) return -1;
  if (amode == F_OK) return 0;
  uid_t uid = geteuid();
  unsigned perm;
  if (uid == 0) {
    /* root may read and write anything, and execute what has any x bit (or is a directory). */
    perm = R_OK | W_OK;
    if (S_ISDIR(ds.mode) || (ds.mode & 0111)) perm |= X_OK;
  } else if (ds.uid == uid) {
    perm = (ds.mode >> 6) & 7;
  } else if (__drydock_in_group(ds.gid)) {
    perm = (ds.mode >> 3) & 7;
  } else {
    perm = ds.mode & 7;
  }
  if ((perm & (unsigned)amode) != (unsigned)amode) {
    errno = EACCES;
    return -1;
  }
  return 0;
}
