/*
 * ioctl: wasi-libc's FIONREAD and FIONBIO (same behaviour as libc.a's
 * ioctl.o, which this file replaces: ioctl is that member's only symbol),
 * plus the terminal requests over the drydock kernel: TCGETS/TCSETS*,
 * TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP.
 */
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wasi/api.h>
#include "internal.h"

static int fionread(int fd, int *result) {
  __wasi_subscription_t subscriptions[2] = {
      {.u.tag = __WASI_EVENTTYPE_FD_READ, .u.u.fd_read.file_descriptor = fd},
      {.u.tag = __WASI_EVENTTYPE_CLOCK, .u.u.clock.id = __WASI_CLOCKID_MONOTONIC},
  };
  __wasi_event_t events[2];
  size_t nevents;
  __wasi_errno_t error = __wasi_poll_oneoff(subscriptions, events, 2, &nevents);
  if (error != 0) return drydock_result(error);
  for (size_t i = 0; i < nevents; i++) {
    if (events[i].error != 0) return drydock_result(events[i].error);
    if (events[i].type == __WASI_EVENTTYPE_FD_READ) {
      *result = (int)events[i].fd_readwrite.nbytes;
      return 0;
    }
  }
  *result = 0;
  return 0;
}

static int fionbio(int fd, const int *on) {
  __wasi_fdstat_t fds;
  __wasi_errno_t error = __wasi_fd_fdstat_get(fd, &fds);
  if (error != 0) return drydock_result(error);
  if (*on) fds.fs_flags |= __WASI_FDFLAGS_NONBLOCK;
  else fds.fs_flags &= ~__WASI_FDFLAGS_NONBLOCK;
  return drydock_result(__wasi_fd_fdstat_set_flags(fd, fds.fs_flags));
}

int ioctl(int fd, int request, ...) {
  va_list ap;
  va_start(ap, request);
  void *arg = va_arg(ap, void *);
  va_end(ap);
  switch (request) {
    case FIONREAD:
      return fionread(fd, arg);
    case FIONBIO:
      return fionbio(fd, arg);
    case TCGETS:
      return tcgetattr(fd, arg);
    case TCSETS:
      return tcsetattr(fd, TCSANOW, arg);
    case TCSETSW:
      return tcsetattr(fd, TCSADRAIN, arg);
    case TCSETSF:
      return tcsetattr(fd, TCSAFLUSH, arg);
    case TIOCGWINSZ:
      return tcgetwinsize(fd, arg);
    case TIOCSWINSZ:
      return tcsetwinsize(fd, arg);
    case TIOCGPGRP: {
      pid_t pgrp = tcgetpgrp(fd);
      if (pgrp < 0) return -1;
      *(pid_t *)arg = pgrp;
      return 0;
    }
    case TIOCSPGRP:
      return tcsetpgrp(fd, *(const pid_t *)arg);
    default:
      errno = EINVAL;
      return -1;
  }
}
