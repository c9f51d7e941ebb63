/* Checks the clocks and that nanosleep really sleeps (poll_oneoff on a clock). */
#include <stdio.h>
#include <time.h>

static long long ns(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
  long long wall = ns(CLOCK_REALTIME);
  long long start = ns(CLOCK_MONOTONIC);
  struct timespec d = {0, 50 * 1000 * 1000};
  int r = nanosleep(&d, 0);
  long long slept = ns(CLOCK_MONOTONIC) - start;
  printf("nanosleep=%d slept_at_least_50ms=%d\n", r, slept >= 49 * 1000 * 1000);
  printf("realtime_after_2020=%d\n", wall > 1577836800LL * 1000000000LL);
  struct timespec res;
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("res_positive=%d\n", res.tv_nsec > 0 || res.tv_sec > 0);
  return 0;
}
