/* Pure computation: FNV-1a and a xorshift mix over argv[1] MiB generated in memory (default 64). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 64;
  static uint8_t block[1 << 20];
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0; i < sizeof block; i++) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    block[i] = (uint8_t)state;
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (long m = 0; m < mib; m++) {
    block[m % sizeof block] ^= (uint8_t)m;
    for (size_t i = 0; i < sizeof block; i++) {
      hash ^= block[i];
      hash *= 0x100000001b3ULL;
    }
  }
  printf("%016llx\n", (unsigned long long)hash);
  return 0;
}
