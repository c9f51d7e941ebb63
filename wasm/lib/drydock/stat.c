/*
 * stat, lstat, fstat and fstatat with the drydock kernel's full stat: real
 * permission bits, owner, group, device number and block count (WASI's
 * filestat only knows the file type).
 *
 * How the override works (see README.md): wasi-libc's stat, lstat and fstatat
 * (in libc.a members posix.o and at_fdcwd.o) resolve the path against the
 * preopens and the cwd, then call __wasilibc_nocwd_fstatat(dirfd, relpath).
 * That function is the only symbol of the member fstatat.o, and fstat the only
 * symbol of fstat.o, so defining both here replaces those two members whole:
 * the linker never pulls them in and there is no duplicate definition.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "internal.h"

static void to_stat(const struct drydock_stat *in, struct stat *out) {
  *out = (struct stat){0};
  out->st_dev = in->dev;
  out->st_ino = in->ino;
  out->st_nlink = in->nlink;
  out->st_mode = in->mode;
  out->st_uid = in->uid;
  out->st_gid = in->gid;
  out->st_rdev = in->rdev;
  out->st_size = in->size;
  out->st_blksize = in->blksize;
  out->st_blocks = in->blocks;
  out->st_atim.tv_sec = in->atime_ns / 1000000000;
  out->st_atim.tv_nsec = in->atime_ns % 1000000000;
  out->st_mtim.tv_sec = in->mtime_ns / 1000000000;
  out->st_mtim.tv_nsec = in->mtime_ns % 1000000000;
  out->st_ctim.tv_sec = in->ctime_ns / 1000000000;
  out->st_ctim.tv_nsec = in->ctime_ns % 1000000000;
}

/* Replaces libc.a's fstatat.o: the path is relative to `fd` (wasi-libc already resolved the cwd). */
int __wasilibc_nocwd_fstatat(int fd, const char *restrict path, struct stat *restrict st, int flag) {
  if (flag & ~AT_SYMLINK_NOFOLLOW) {
    errno = EINVAL;
    return -1;
  }
  struct drydock_stat ds;
  int32_t flags = (flag & AT_SYMLINK_NOFOLLOW) ? DRYDOCK_AT_SYMLINK_NOFOLLOW : 0;
  if (drydock_result(__drydock_fstatat(fd, path, flags, &ds)) < 0) return -1;
  to_stat(&ds, st);
  return 0;
}

/* Replaces libc.a's fstat.o. */
int fstat(int fd, struct stat *st) {
  struct drydock_stat ds;
  if (drydock_result(__drydock_fstat(fd, &ds)) < 0) return -1;
  to_stat(&ds, st);
  return 0;
}
