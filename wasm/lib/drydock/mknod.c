/* mknod and mkfifo over the drydock kernel (the umask applies, as on Linux). Paths: see chmod.c. */
#include <fcntl.h>
#include <sys/stat.h>
#include "internal.h"

int mknodat(int dirfd, const char *path, mode_t mode, dev_t dev) {
  return drydock_result(__drydock_mknodat(dirfd, path, mode, dev));
}
int mknod(const char *path, mode_t mode, dev_t dev) { return mknodat(AT_FDCWD, path, mode, dev); }
int mkfifoat(int dirfd, const char *path, mode_t mode) { return mknodat(dirfd, path, S_IFIFO | (mode & 07777), 0); }
int mkfifo(const char *path, mode_t mode) { return mkfifoat(AT_FDCWD, path, mode); }
