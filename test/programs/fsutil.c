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
 * Errors: "fsutil: PATH: strerror" on stderr, exit 1.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
  fprintf(stderr, "fsutil: unknown command %s\n", cmd);
  return 2;
}
