/*
 * chmod and friends over the drydock kernel (WASI has no permissions).
 * Paths are passed to the kernel as given, with DRYDOCK_AT_FDCWD: the kernel
 * resolves relative paths from its copy of the working directory, which
 * libdrydock's chdir keeps equal to wasi-libc's (cwd.c).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "internal.h"

int fchmodat(int dirfd, const char *path, mode_t mode, int flags) {
  return drydock_result(__drydock_fchmodat(dirfd, path, mode, flags & AT_SYMLINK_NOFOLLOW ? DRYDOCK_AT_SYMLINK_NOFOLLOW : 0));
}

int chmod(const char *path, mode_t mode) { return fchmodat(AT_FDCWD, path, mode, 0); }

/* Symlinks have no mode of their own on Linux: ENOTSUP, as the kernel says. */
int lchmod(const char *path, mode_t mode) { return fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW); }

int fchmod(int fd, mode_t mode) { return drydock_result(__drydock_fchmod(fd, mode)); }
