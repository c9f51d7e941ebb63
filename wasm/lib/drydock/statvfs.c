/*
 * statvfs and fstatvfs over the drydock kernel's statfs/fstatfs. Paths are
 * passed as given with AT_FDCWD, as chmod.c does: the kernel resolves them
 * from its copy of the working directory.
 */
#include <fcntl.h>
#include <sys/statvfs.h>
#include "internal.h"

static void to_statvfs(const struct drydock_statfs *in, struct statvfs *out) {
  *out = (struct statvfs){0};
  out->f_bsize = (unsigned long)in->bsize;
  out->f_frsize = (unsigned long)in->bsize;
  out->f_blocks = in->blocks;
  out->f_bfree = in->bfree;
  out->f_bavail = in->bavail;
  out->f_files = in->files;
  out->f_ffree = in->ffree;
  out->f_favail = in->ffree;
  out->f_fsid = (unsigned long)in->fsid;
  out->f_flag = (in->flags & DRYDOCK_ST_RDONLY) ? ST_RDONLY : 0;
  out->f_namemax = (unsigned long)in->namemax;
  out->f_type = (unsigned int)in->type;
}

int statvfs(const char *restrict path, struct statvfs *restrict out) {
  struct drydock_statfs s;
  if (drydock_result(__drydock_statfs(AT_FDCWD, path, &s)) < 0) return -1;
  to_statvfs(&s, out);
  return 0;
}

int fstatvfs(int fd, struct statvfs *out) {
  struct drydock_statfs s;
  if (drydock_result(__drydock_fstatfs(fd, &s)) < 0) return -1;
  to_statvfs(&s, out);
  return 0;
}
