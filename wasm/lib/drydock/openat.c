/*
 * __wasilibc_nocwd_openat_nomode, which open, openat and opendir end in
 * (replaces libc.a's openat.o, its only symbol): wasi-libc's path_open
 * translation, plus O_CLOEXEC (wasm/include/fcntl.h gives it a value outside
 * the fields path_open sees), which sets close-on-exec on the new fd.
 */
#include <fcntl.h>
#include <wasi/api.h>
#include "internal.h"

_Static_assert((O_CLOEXEC & (0xfff | (0xfff << 12) | O_ACCMODE | O_NOFOLLOW)) == 0, "O_CLOEXEC must not reach path_open");

int __wasilibc_nocwd_openat_nomode(int fd, const char *path, int oflag) {
  /* All rights except those the access mode excludes (as wasi-libc). */
  __wasi_rights_t max = ~(__WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE |
                          __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);
  switch (oflag & O_ACCMODE) {
    case O_RDONLY:
    case O_RDWR:
    case O_WRONLY:
      if (oflag & O_RDONLY) max |= __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR;
      if (oflag & O_WRONLY) {
        max |= __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
      }
      break;
    case O_EXEC:
    case O_SEARCH:
      break;
    default:
      errno = EINVAL;
      return -1;
  }
  __wasi_fdstat_t dir;
  __wasi_errno_t error = __wasi_fd_fdstat_get(fd, &dir);
  if (error != 0) {
    errno = error;
    return -1;
  }
  __wasi_lookupflags_t lookup = (oflag & O_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  __wasi_fd_t newfd;
  error = __wasi_path_open(fd, lookup, path, (__wasi_oflags_t)((oflag >> 12) & 0xfff), max & dir.fs_rights_inheriting,
                           dir.fs_rights_inheriting, (__wasi_fdflags_t)(oflag & 0xfff), &newfd);
  if (error != 0) {
    errno = error;
    return -1;
  }
  if (oflag & O_CLOEXEC) {
    int32_t old;
    int32_t err = __drydock_cloexec((int32_t)newfd, 1, &old);
    if (err != 0) {
      __wasi_fd_close(newfd);
      errno = err;
      return -1;
    }
  }
  return (int)newfd;
}
