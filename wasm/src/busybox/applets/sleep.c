/*
 * sleep N[smhd]...: pauses for the sum of the arguments (fractions allowed).
 * usleep N: pauses N microseconds.
 */
#include <math.h>
#include "../libbb.h"

static void sleep_ns(double seconds) {
  if (seconds <= 0) return;
  struct timespec ts;
  double whole = floor(seconds);
  ts.tv_sec = whole > 0x7fffffff ? 0x7fffffff : (time_t)whole;
  ts.tv_nsec = (long)((seconds - whole) * 1e9);
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
  }
}

int sleep_main(int argc, char **argv) {
  if (argc < 2) bb_show_usage();
  double total = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    char *end;
    if (strcmp(a, "inf") == 0 || strcmp(a, "infinity") == 0) {
      total = 1e18;
      continue;
    }
    errno = 0;
    double v = strtod(a, &end);
    if (end == a || v < 0 || (!bb_isdigit((unsigned char)*a) && *a != '.')) bb_error_msg_and_die("invalid number '%s'", a);
    double mult = 1;
    if (*end) {
      if (end[1]) bb_error_msg_and_die("invalid number '%s'", a);
      switch (*end) {
        case 's':
          break;
        case 'm':
          mult = 60;
          break;
        case 'h':
          mult = 3600;
          break;
        case 'd':
          mult = 86400;
          break;
        default:
          bb_error_msg_and_die("invalid number '%s'", a);
      }
    }
    total += v * mult;
  }
  fflush_all();
  sleep_ns(total);
  return 0;
}

int usleep_main(int argc, char **argv) {
  if (argc != 2) bb_show_usage();
  unsigned long long us = xatoull(argv[1]);
  sleep_ns((double)us / 1e6);
  return 0;
}
