/* Writes argv[1] numbered lines to stdout. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10;
  for (long i = 1; i <= n; i++) printf("line %ld\n", i);
  return 0;
}
