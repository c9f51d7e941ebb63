/* Allocates and touches 1 MiB blocks until argv[1] MiB (or forever), printing progress every 16 MiB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The blocks are kept and read back, so the compiler cannot elide the allocations. */
static char *volatile blocks[4096];
volatile long checksum;

int main(int argc, char **argv) {
  long limit = argc > 1 ? atol(argv[1]) : 4095;
  if (limit > 4095) limit = 4095;
  for (long mib = 1; mib <= limit; mib++) {
    char *p = malloc(1 << 20);
    if (!p) {
      printf("malloc failed at %ld MiB\n", mib);
      return 3;
    }
    memset(p, (int)mib, 1 << 20);
    blocks[mib] = p;
    checksum += p[mib];
    if (mib % 16 == 0) printf("%ld MiB\n", mib);
  }
  puts("done");
  return 0;
}
