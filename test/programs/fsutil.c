/*
 * A tiny file tool for kernel tests (uses libdrydock's POSIX layer):
 *   fsutil cat PATH...          contents, raw
 *   fsutil head N PATH          the first N bytes
 *   fsutil ls DIR               entries (with . and ..), sorted, one per line
 *   fsutil readlink PATH
 *   fsutil stat PATH            type, permission bits (octal), uid, gid, size, rdev
 *   fsutil write PATH TEXT      open(O_WRONLY|O_CREAT|O_TRUNC) and write TEXT
 *   fsutil append PATH TEXT
 *   fsutil mkdir PATH / rm PATH / chmod MODE PATH / mkfifo PATH
 *   fsutil lchmod MODE PATH     fchmodat(AT_SYMLINK_NOFOLLOW)
 *   fsutil chown UID GID PATH / lchown UID GID PATH   (-1 leaves an id)
 *   fsutil touch now|SECS PATH / ltouch now|SECS PATH  utimensat (ltouch: AT_SYMLINK_NOFOLLOW)
 *   fsutil futimens now|SECS PATH   open(O_RDONLY) then futimens
 *   fsutil read-dir PATH        open the directory, read(2) from it
 *   fsutil swap PATH TARGET     open PATH, replace it by a symlink to TARGET, then
 *                               fchmod/fchown/futimens/ftruncate/write/fstat the old fd;
 *                               prints "op: ok" or "op: strerror" per call
 *   fsutil swapdir DIR TARGET   open DIR, rename it to DIR.old, put a symlink to TARGET at DIR,
 *                               then create/mkdir/open-for-write "escaped" through the old dir fd
 *   fsutil cloexec PATH         open(PATH, O_RDONLY|O_CLOEXEC), print fcntl(F_GETFD)
 *   fsutil statvfs PATH         statvfs: "type=HEX bsize=N frsize=N blocks=N bfree=N bavail=N rdonly=0|1"
 *   fsutil fstatvfs PATH|pipe   the same through open(O_RDONLY) (or a pipe's read end) and fstatvfs
 * Errors: "fsutil: PATH: strerror" on stderr, exit 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "drydock.h"

static int fail(const char *path) {
  fprintf(stderr, "fsutil: %s: %s\n", path, strerror(errno));
  return 1;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int cat(const char *path, long limit) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return fail(path);
  char buf[4096];
  long total = 0;
  ssize_t n;
  while ((limit < 0 || total < limit) && (n = read(fd, buf, limit < 0 || limit - total > (long)sizeof buf ? sizeof buf : (size_t)(limit - total))) > 0) {
    fwrite(buf, 1, (size_t)n, stdout);
    total += n;
  }
  close(fd);
  return 0;
}

static const char *kind(unsigned mode) {
  switch (mode & 0170000) {
    case 0100000: return "file";
    case 0040000: return "dir";
    case 0120000: return "symlink";
    case 0020000: return "chardev";
    case 0060000: return "blockdev";
    case 0010000: return "fifo";
    case 0140000: return "socket";
    default: return "?";
  }
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  const char *cmd = argv[1];
  if (!strcmp(cmd, "cat")) {
    int rc = 0;
    for (int i = 2; i < argc; i++) rc |= cat(argv[i], -1);
    return rc;
  }
  if (!strcmp(cmd, "head") && argc > 3) return cat(argv[3], atol(argv[2]));
  if (!strcmp(cmd, "ls")) {
    DIR *d = opendir(argv[2]);
    if (!d) return fail(argv[2]);
    char *names[1024];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024) names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp);
    for (int i = 0; i < n; i++) puts(names[i]);
    return 0;
  }
  if (!strcmp(cmd, "readlink")) {
    char buf[4096];
    ssize_t n = readlink(argv[2], buf, sizeof buf - 1);
    if (n < 0) return fail(argv[2]);
    buf[n] = 0;
    puts(buf);
    return 0;
  }
  if (!strcmp(cmd, "stat")) {
    struct drydock_stat st;
    int err = __drydock_fstatat(DRYDOCK_AT_FDCWD, argv[2], DRYDOCK_AT_SYMLINK_NOFOLLOW, &st);
    if (err) {
      errno = err;
      return fail(argv[2]);
    }
    printf("%s %04o uid=%u gid=%u size=%lld rdev=%llu\n", kind(st.mode), st.mode & 07777, st.uid, st.gid,
           (long long)st.size, (unsigned long long)st.rdev);
    return 0;
  }
  if ((!strcmp(cmd, "write") || !strcmp(cmd, "append")) && argc > 3) {
    int fd = open(argv[2], O_WRONLY | O_CREAT | (!strcmp(cmd, "write") ? O_TRUNC : O_APPEND), 0644);
    if (fd < 0) return fail(argv[2]);
    if (write(fd, argv[3], strlen(argv[3])) < 0) return fail(argv[2]);
    close(fd);
    return 0;
  }
  if (!strcmp(cmd, "mkdir")) return mkdir(argv[2], 0755) ? fail(argv[2]) : 0;
  if (!strcmp(cmd, "rm")) return unlink(argv[2]) ? fail(argv[2]) : 0;
  if (!strcmp(cmd, "mkfifo")) {
    int err = __drydock_mknodat(DRYDOCK_AT_FDCWD, argv[2], 0010644, 0);
    if (err) {
      errno = err;
      return fail(argv[2]);
    }
    return 0;
  }
  if (!strcmp(cmd, "chmod") && argc > 3) {
    int err = __drydock_fchmodat(DRYDOCK_AT_FDCWD, argv[3], (unsigned)strtoul(argv[2], 0, 8), 0);
    if (err) {
      errno = err;
      return fail(argv[3]);
    }
    return 0;
  }
  if (!strcmp(cmd, "lchmod") && argc > 3) {
    int err = __drydock_fchmodat(DRYDOCK_AT_FDCWD, argv[3], (unsigned)strtoul(argv[2], 0, 8), DRYDOCK_AT_SYMLINK_NOFOLLOW);
    if (err) {
      errno = err;
      return fail(argv[3]);
    }
    return 0;
  }
  if ((!strcmp(cmd, "chown") || !strcmp(cmd, "lchown")) && argc > 4) {
    int rc = fchownat(AT_FDCWD, argv[4], (uid_t)atoi(argv[2]), (gid_t)atoi(argv[3]), !strcmp(cmd, "lchown") ? AT_SYMLINK_NOFOLLOW : 0);
    return rc ? fail(argv[4]) : 0;
  }
  if ((!strcmp(cmd, "touch") || !strcmp(cmd, "ltouch") || !strcmp(cmd, "futimens")) && argc > 3) {
    struct timespec times[2];
    const struct timespec *tp = 0;
    if (strcmp(argv[2], "now")) {
      times[0].tv_sec = times[1].tv_sec = atoll(argv[2]);
      times[0].tv_nsec = times[1].tv_nsec = 0;
      tp = times;
    }
    if (!strcmp(cmd, "futimens")) {
      int fd = open(argv[3], O_RDONLY);
      if (fd < 0) return fail(argv[3]);
      return futimens(fd, tp) ? fail(argv[3]) : 0;
    }
    return utimensat(AT_FDCWD, argv[3], tp, !strcmp(cmd, "ltouch") ? AT_SYMLINK_NOFOLLOW : 0) ? fail(argv[3]) : 0;
  }
  if (!strcmp(cmd, "read-dir")) {
    int fd = open(argv[2], O_RDONLY | O_DIRECTORY);
    if (fd < 0) return fail(argv[2]);
    char buf[64];
    return read(fd, buf, sizeof buf) < 0 ? fail(argv[2]) : 0;
  }
  if (!strcmp(cmd, "swap") && argc > 3) {
    int fd = open(argv[2], O_RDWR);
    if (fd < 0) return fail(argv[2]);
    if (unlink(argv[2]) || symlink(argv[3], argv[2])) return fail(argv[2]);
    struct stat st;
    const struct timespec times[2] = {{1, 0}, {1, 0}};
#define REPORT(name, call) printf("%s: %s\n", name, (call) == 0 ? "ok" : strerror(errno))
    REPORT("fchmod", fchmod(fd, 0777));
    REPORT("fchown", fchown(fd, 4321, 4321));
    REPORT("futimens", futimens(fd, times));
    REPORT("ftruncate", ftruncate(fd, 0));
    REPORT("write", write(fd, "x", 1) == 1 ? 0 : -1);
    REPORT("fstat", fstat(fd, &st));
    return 0;
  }
  if (!strcmp(cmd, "swapdir") && argc > 3) {
    int dfd = open(argv[2], O_RDONLY | O_DIRECTORY);
    if (dfd < 0) return fail(argv[2]);
    char old[4096];
    snprintf(old, sizeof old, "%s.old", argv[2]);
    if (rename(argv[2], old) || symlink(argv[3], argv[2])) return fail(argv[2]);
    int fd = openat(dfd, "escaped", O_WRONLY | O_CREAT | O_EXCL, 0644);
    printf("create: %s\n", fd >= 0 ? "ok" : strerror(errno));
    printf("mkdir: %s\n", mkdirat(dfd, "escaped-dir", 0755) == 0 ? "ok" : strerror(errno));
    printf("open existing: %s\n", openat(dfd, "existing", O_WRONLY | O_TRUNC) >= 0 ? "ok" : strerror(errno));
    return 0;
  }
  if ((!strcmp(cmd, "statvfs") || !strcmp(cmd, "fstatvfs")) && argc > 2) {
    struct statvfs sv;
    if (!strcmp(cmd, "statvfs")) {
      if (statvfs(argv[2], &sv)) return fail(argv[2]);
    } else {
      int fds[2];
      int fd = !strcmp(argv[2], "pipe") ? (pipe(fds) ? -1 : fds[0]) : open(argv[2], O_RDONLY);
      if (fd < 0 || fstatvfs(fd, &sv)) return fail(argv[2]);
    }
    printf("type=%x bsize=%lu frsize=%lu blocks=%llu bfree=%llu bavail=%llu rdonly=%d\n", sv.f_type, sv.f_bsize,
           sv.f_frsize, (unsigned long long)sv.f_blocks, (unsigned long long)sv.f_bfree,
           (unsigned long long)sv.f_bavail, (sv.f_flag & ST_RDONLY) ? 1 : 0);
    return 0;
  }
  if (!strcmp(cmd, "cloexec")) {
    int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(argv[2]);
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return fail(argv[2]);
    printf("FD_CLOEXEC=%d\n", (flags & FD_CLOEXEC) ? 1 : 0);
    return 0;
  }
  fprintf(stderr, "fsutil: unknown command %s\n", cmd);
  return 2;
}
