/*
 * Reads from a directory fd (argv[1] is the directory), the one place where
 * Drydock deliberately differs from node:wasi: Linux (and Drydock) answer
 * EISDIR, node:wasi ENOTCAPABLE (wasi-libc's read turns that into EBADF).
 * Prints one line per call: "read -> -1 EISDIR".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *ename(int e) {
  switch (e) {
    case 0: return "OK";
    case EISDIR: return "EISDIR";
    case EBADF: return "EBADF";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EINVAL: return "EINVAL";
    default: return strerror(e);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int fd = open(argv[1], O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    printf("open -> %s\n", ename(errno));
    return 1;
  }
  char buf[16];
  errno = 0;
  long r = (long)read(fd, buf, sizeof buf);
  printf("read -> %ld %s\n", r, r < 0 ? ename(errno) : "OK");
  errno = 0;
  r = (long)pread(fd, buf, sizeof buf, 0);
  printf("pread -> %ld %s\n", r, r < 0 ? ename(errno) : "OK");
  return 0;
}
