/* argv[2] one-byte write(2)s to the file argv[1] (normally /dev/null). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  long n = atol(argv[2]);
  int fd = open(argv[1], O_WRONLY);
  if (fd < 0) return perror("open"), 1;
  for (long i = 0; i < n; i++)
    if (write(fd, "x", 1) != 1) return perror("write"), 1;
  printf("%ld writes\n", n);
  return 0;
}
