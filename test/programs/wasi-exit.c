/* Exits with argv[1] (or traps with "trap", or aborts with "abort"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "trap") == 0) __builtin_trap();
  if (argc > 1 && strcmp(argv[1], "abort") == 0) abort();
  if (argc > 1 && strcmp(argv[1], "oob") == 0) {
    volatile int *p = (int *)0xfffffff0;
    return *p;
  }
  printf("exiting with %s\n", argc > 1 ? argv[1] : "0");
  fflush(stdout);
  exit(argc > 1 ? atoi(argv[1]) : 0);
}
