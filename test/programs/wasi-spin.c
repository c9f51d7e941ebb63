/* Spins forever in pure computation (no system calls): only SIGKILL-like kills can stop it. */
#include <stdio.h>

int main(void) {
  puts("spinning");
  fflush(stdout);
  volatile unsigned long x = 0;
  for (;;) x++;
}
