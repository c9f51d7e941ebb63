/* Allocates and touches 1 MiB blocks until argv[1] MiB (or forever), printing progress. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  long limit = argc > 1 ? atol(argv[1]) : -1;
  for (long mib = 1; limit < 0 || mib <= limit; mib++) {
    char *p = malloc(1 << 20);
    if (!p) {
      printf("malloc failed at %ld MiB\n", mib);
      return 3;
    }
    memset(p, (int)mib, 1 << 20);
    if (mib % 16 == 0) printf("%ld MiB\n", mib);
  }
  puts("done");
  return 0;
}
