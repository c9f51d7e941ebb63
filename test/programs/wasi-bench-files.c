/* argv[2] cycles of create/write/read/unlink of a small file in directory argv[1]. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  long cycles = atol(argv[2]);
  char path[512], buf[64];
  const char *data = "drydock benchmark payload\n";
  size_t len = strlen(data);
  for (long i = 0; i < cycles; i++) {
    snprintf(path, sizeof path, "%s/f%ld", argv[1], i % 16);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || write(fd, data, len) != (ssize_t)len) return perror("write"), 1;
    close(fd);
    fd = open(path, O_RDONLY);
    if (fd < 0 || read(fd, buf, sizeof buf) != (ssize_t)len) return perror("read"), 1;
    close(fd);
    if (unlink(path) != 0) return perror("unlink"), 1;
  }
  printf("%ld cycles\n", cycles);
  return 0;
}
