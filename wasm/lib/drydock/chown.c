/* chown and friends over the drydock kernel; -1 leaves the owner or group as it is. Paths: see chmod.c. */
#include <fcntl.h>
#include <unistd.h>
#include "internal.h"

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags) {
  return drydock_result(
      __drydock_fchownat(dirfd, path, (int32_t)uid, (int32_t)gid, flags & AT_SYMLINK_NOFOLLOW ? DRYDOCK_AT_SYMLINK_NOFOLLOW : 0));
}

int chown(const char *path, uid_t uid, gid_t gid) { return fchownat(AT_FDCWD, path, uid, gid, 0); }
int lchown(const char *path, uid_t uid, gid_t gid) { return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW); }
int fchown(int fd, uid_t uid, gid_t gid) { return drydock_result(__drydock_fchown(fd, (int32_t)uid, (int32_t)gid)); }
