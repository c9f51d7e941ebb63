/* Counts lines and bytes of stdin. */
#include <stdio.h>

int main(void) {
  long lines = 0, bytes = 0;
  int c;
  while ((c = getchar()) != EOF) {
    bytes++;
    if (c == '\n') lines++;
  }
  printf("%ld %ld\n", lines, bytes);
  return 0;
}
