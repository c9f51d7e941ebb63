/* pipe, dup and friends, and an fcntl that knows close-on-exec and F_DUPFD. */
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>
#include <wasi/api.h>
#include "internal.h"

int pipe2(int fds[2], int flags) {
  uint32_t f = 0;
  if (flags & O_CLOEXEC) f |= DRYDOCK_O_CLOEXEC;
  if (flags & O_NONBLOCK) f |= DRYDOCK_O_NONBLOCK;
  return drydock_result(__drydock_pipe2((int32_t *)fds, f));
}

int pipe(int fds[2]) { return pipe2(fds, 0); }

int dup(int fd) {
  int32_t out;
  if (drydock_result(__drydock_dup(fd, 0, 0, &out)) < 0) return -1;
  return out;
}

int dup3(int oldfd, int newfd, int flags) {
  if (drydock_result(__drydock_dup3(oldfd, newfd, (flags & O_CLOEXEC) ? DRYDOCK_O_CLOEXEC : 0)) < 0) return -1;
  return newfd;
}

int dup2(int oldfd, int newfd) {
  if (oldfd == newfd) {
    int32_t old;
    /* dup2 of an fd to itself only checks that it is open. */
    if (drydock_result(__drydock_cloexec(oldfd, -1, &old)) < 0) return -1;
    return newfd;
  }
  return dup3(oldfd, newfd, 0);
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  int arg = (cmd == F_GETFD || cmd == F_GETFL) ? 0 : va_arg(ap, int);
  va_end(ap);
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      int32_t out;
      uint32_t flags = cmd == F_DUPFD_CLOEXEC ? DRYDOCK_O_CLOEXEC : 0;
      if (drydock_result(__drydock_dup(fd, arg, flags, &out)) < 0) return -1;
      return out;
    }
    case F_GETFD: {
      int32_t old;
      if (drydock_result(__drydock_cloexec(fd, -1, &old)) < 0) return -1;
      return old ? FD_CLOEXEC : 0;
    }
    case F_SETFD: {
      int32_t old;
      return drydock_result(__drydock_cloexec(fd, (arg & FD_CLOEXEC) ? 1 : 0, &old));
    }
    case F_GETFL: {
      /* As wasi-libc does: flags from fdstat, access mode from the rights. */
      __wasi_fdstat_t fds;
      __wasi_errno_t error = __wasi_fd_fdstat_get(fd, &fds);
      if (error != 0) {
        errno = error;
        return -1;
      }
      int oflags = fds.fs_flags;
      if ((fds.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_READDIR)) != 0) {
        oflags |= (fds.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0 ? O_RDWR : O_RDONLY;
      } else if ((fds.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0) {
        oflags |= O_WRONLY;
      } else {
        oflags |= O_SEARCH;
      }
      return oflags;
    }
    case F_SETFL: {
      __wasi_fdflags_t fs_flags = arg & 0xfff;
      __wasi_errno_t error = __wasi_fd_fdstat_set_flags(fd, fs_flags);
      if (error != 0) {
        errno = error;
        return -1;
      }
      return 0;
    }
    default:
      errno = EINVAL;
      return -1;
  }
}
