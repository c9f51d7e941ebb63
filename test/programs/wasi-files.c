/*
 * Exercises the WASI fd_* and path_* calls through wasi-libc in the directory
 * given as argv[1], printing one line per step (results and errno names), so
 * that Drydock and node:wasi can be compared line by line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *ename(int e) {
  switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case EACCES: return "EACCES";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case ESPIPE: return "ESPIPE";
    default: return "E?";
  }
}

#define STEP(label, expr)                                   \
  do {                                                      \
    errno = 0;                                              \
    long r_ = (long)(expr);                                 \
    printf("%-28s -> %ld %s\n", label, r_, r_ < 0 ? ename(errno) : "OK"); \
  } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    printf("opendir %s -> %s\n", dir, ename(errno));
    return;
  }
  char *names[256];
  int n = 0;
  struct dirent *e;
  /* "." and ".." are skipped: Drydock (like Linux and wasmtime) returns them, node:wasi does not. */
  while ((e = readdir(d)) && n < 256) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp);
  printf("ls %s:", dir);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  if (chdir(argv[1]) != 0) {
    printf("chdir failed %s\n", ename(errno));
    return 1;
  }
  char buf[256];

  int fd = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  STEP("open a.txt (create)", fd);
  STEP("write hello", write(fd, "hello world\n", 12));
  STEP("lseek cur", lseek(fd, 0, SEEK_CUR));
  STEP("pwrite at 6", pwrite(fd, "WORLD", 5, 6));
  STEP("ftruncate 20", ftruncate(fd, 20));
  STEP("close", close(fd));
  STEP("close again", close(fd));

  fd = open("a.txt", O_RDONLY);
  STEP("open a.txt rdonly", fd);
  memset(buf, 0, sizeof buf);
  ssize_t n = read(fd, buf, sizeof buf);
  printf("read %zd bytes: ", n);
  for (ssize_t i = 0; i < n; i++) putchar(buf[i] ? buf[i] : '.');
  printf("\n");
  STEP("lseek end", lseek(fd, 0, SEEK_END));
  STEP("lseek set 3", lseek(fd, 3, SEEK_SET));
  memset(buf, 0, sizeof buf);
  STEP("pread 5 at 6", pread(fd, buf, 5, 6));
  printf("pread data: %s\n", buf);
  STEP("write to rdonly", write(fd, "x", 1));
  STEP("close", close(fd));

  fd = open("a.txt", O_WRONLY | O_APPEND);
  STEP("open append", fd);
  STEP("append", write(fd, "tail\n", 5));
  close(fd);
  struct stat st;
  STEP("stat a.txt", stat("a.txt", &st));
  printf("size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));

  STEP("open excl existing", open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
  STEP("open missing", open("missing.txt", O_RDONLY));
  STEP("mkdir d", mkdir("d", 0755));
  STEP("mkdir d again", mkdir("d", 0755));
  STEP("mkdir d/e/f (no parent)", mkdir("d/e/f", 0755));
  STEP("open dir for write", open("d", O_WRONLY));
  STEP("open a.txt/x", open("a.txt/x", O_RDONLY));
  fd = open("d/inner.txt", O_CREAT | O_WRONLY, 0644);
  STEP("create d/inner.txt", fd);
  close(fd);
  STEP("rmdir d (not empty)", rmdir("d"));
  STEP("rename a->b", rename("a.txt", "b.txt"));
  STEP("stat a.txt gone", stat("a.txt", &st));
  STEP("link b->c", link("b.txt", "c.txt"));
  STEP("stat c nlink", stat("c.txt", &st));
  printf("nlink=%d\n", (int)st.st_nlink);
  STEP("symlink b->s", symlink("b.txt", "s.txt"));
  memset(buf, 0, sizeof buf);
  STEP("readlink s", readlink("s.txt", buf, sizeof buf - 1));
  printf("readlink data: %s\n", buf);
  STEP("lstat s", lstat("s.txt", &st));
  printf("islnk=%d\n", S_ISLNK(st.st_mode));
  STEP("symlink loop", symlink("loop2", "loop1"));
  STEP("symlink loop2", symlink("loop1", "loop2"));
  STEP("open loop", open("loop1", O_RDONLY));
  STEP("rename over file", rename("c.txt", "b.txt"));
  STEP("rename dir over file", rename("d", "b.txt"));
  STEP("unlink dir", unlink("d"));
  STEP("unlink d/inner", unlink("d/inner.txt"));
  STEP("rmdir d", rmdir("d"));
  STEP("unlink missing", unlink("nope"));
  list(".");
  return 0;
}
