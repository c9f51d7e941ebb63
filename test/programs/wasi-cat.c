/* Copies stdin to stdout (and a byte count to stderr), through read(2)/write(2). */
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[4096];
  long total = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(1, buf + done, (size_t)(n - done));
      if (w < 0) return 1;
      done += w;
    }
    total += n;
  }
  fprintf(stderr, "%ld bytes\n", total);
  return n < 0 ? 1 : 0;
}
