/*
 * utimensat and futimens with "now" passed as now (replaces libc.a's
 * utimensat.o and futimens.o, whose only symbols these are).
 *
 * Debian's wasi-libc turns times == NULL and UTIME_NOW into explicit
 * timestamps, so the kernel could not tell "touch" (allowed with write
 * permission) from setting a time (owner only, EPERM). Here NULL and
 * UTIME_NOW become WASI's *_NOW flags and UTIME_OMIT leaves a time alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <wasi/api.h>

/* One time: EINVAL unless tv_nsec is UTIME_NOW, UTIME_OMIT or in [0, 1e9). */
static int one(const struct timespec *t, __wasi_fstflags_t set, __wasi_fstflags_t now, __wasi_timestamp_t *out,
               __wasi_fstflags_t *flags) {
  if (t->tv_nsec == UTIME_NOW) {
    *flags |= now;
  } else if (t->tv_nsec != UTIME_OMIT) {
    if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000 || t->tv_sec < 0) return EINVAL;
    *out = (__wasi_timestamp_t)t->tv_sec * 1000000000u + (__wasi_timestamp_t)t->tv_nsec;
    *flags |= set;
  }
  return 0;
}

static int request(const struct timespec times[2], __wasi_timestamp_t *atim, __wasi_timestamp_t *mtim, __wasi_fstflags_t *flags) {
  *atim = *mtim = 0;
  *flags = 0;
  if (!times) {
    *flags = __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW;
    return 0;
  }
  int err = one(&times[0], __WASI_FSTFLAGS_ATIM, __WASI_FSTFLAGS_ATIM_NOW, atim, flags);
  return err ? err : one(&times[1], __WASI_FSTFLAGS_MTIM, __WASI_FSTFLAGS_MTIM_NOW, mtim, flags);
}

int __wasilibc_nocwd_utimensat(int fd, const char *path, const struct timespec times[2], int flag) {
  __wasi_timestamp_t atim, mtim;
  __wasi_fstflags_t flags;
  int err = request(times, &atim, &mtim, &flags);
  if (!err && (flag & ~AT_SYMLINK_NOFOLLOW)) err = EINVAL;
  if (!err) {
    __wasi_lookupflags_t lookup = (flag & AT_SYMLINK_NOFOLLOW) ? 0 : __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
    err = __wasi_path_filestat_set_times((__wasi_fd_t)fd, lookup, path, atim, mtim, flags);
  }
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}

int futimens(int fd, const struct timespec times[2]) {
  __wasi_timestamp_t atim, mtim;
  __wasi_fstflags_t flags;
  int err = request(times, &atim, &mtim, &flags);
  if (!err) err = __wasi_fd_filestat_set_times((__wasi_fd_t)fd, atim, mtim, flags);
  if (err) {
    errno = err;
    return -1;
  }
  return 0;
}
