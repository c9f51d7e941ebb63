/*
 * free [-bkmgh]: memory from /proc/meminfo in procps-ng's layout (the
 * container's memory limit is MemTotal in Drydock). uptime: the time, how
 * long the kernel has run, and the load averages.
 */
#include "../libbb.h"
#include "../procps.h"

static void print_value(long long kb, unsigned opt) {
  enum { B = 1, K = 2, M = 4, G = 8, H = 16 };
  if (kb < 0) kb = 0;
  char buf[32];
  if (opt & H) {
    /* 1 decimal with a unit, as procps-ng -h. */
    snprintf(buf, sizeof buf, "%s", make_human_readable_str((unsigned long long)kb, 1024, 0));
    size_t len = strlen(buf);
    if (len && buf[len - 1] >= 'A' && buf[len - 1] <= 'Z') {
    } else {
      snprintf(buf, sizeof buf, "%lldB", kb * 1024);
    }
    printf("%12s", buf);
  } else if (opt & B) {
    printf("%12lld", kb * 1024);
  } else if (opt & M) {
    printf("%12lld", kb / 1024);
  } else if (opt & G) {
    printf("%12lld", kb / 1024 / 1024);
  } else {
    printf("%12lld", kb);
  }
}

int free_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "bkmgh");
  long long total = meminfo_kb("MemTotal");
  if (total < 0) bb_error_msg_and_die("can't open '/proc/meminfo': %s", strerror(ENOENT));
  long long freekb = meminfo_kb("MemFree"), shared = meminfo_kb("Shmem"), buffers = meminfo_kb("Buffers"),
            cached = meminfo_kb("Cached"), reclaim = meminfo_kb("SReclaimable"), avail = meminfo_kb("MemAvailable");
  long long swap_total = meminfo_kb("SwapTotal"), swap_free = meminfo_kb("SwapFree");
  if (shared < 0) shared = 0;
  long long cache = (buffers > 0 ? buffers : 0) + (cached > 0 ? cached : 0) + (reclaim > 0 ? reclaim : 0);
  long long used = total - freekb - cache;
  if (used < 0) used = total - freekb;
  if (avail < 0) avail = freekb;
  printf("%6s%13s%12s%12s%12s%12s%12s\n", "", "total", "used", "free", "shared", "buff/cache", "available");
  printf("Mem: ");
  printf(" ");
  print_value(total, opt);
  print_value(used, opt);
  print_value(freekb, opt);
  print_value(shared, opt);
  print_value(cache, opt);
  print_value(avail, opt);
  putchar('\n');
  printf("Swap:");
  printf(" ");
  print_value(swap_total < 0 ? 0 : swap_total, opt);
  print_value(swap_total < 0 ? 0 : swap_total - (swap_free < 0 ? 0 : swap_free), opt);
  print_value(swap_free < 0 ? 0 : swap_free, opt);
  putchar('\n');
  return fflush_all();
}

int uptime_main(int argc, char **argv) {
  getopt32(argv, "");
  double up = read_uptime();
  time_t now = time(0);
  struct tm tm;
  gmtime_r(&now, &tm);
  printf(" %02u:%02u:%02u up ", tm.tm_hour, tm.tm_min, tm.tm_sec);
  unsigned long secs = (unsigned long)up;
  unsigned days = (unsigned)(secs / 86400);
  if (days) printf("%u day%s, ", days, days != 1 ? "s" : "");
  unsigned mins = (unsigned)(secs / 60);
  unsigned hours = (mins / 60) % 24;
  mins %= 60;
  if (hours) printf("%2u:%02u", hours, mins);
  else printf("%u min", mins);
  double l1 = 0, l5 = 0, l15 = 0;
  char *load = read_small_file("/proc/loadavg", 0);
  if (load) {
    sscanf(load, "%lf %lf %lf", &l1, &l5, &l15);
    free(load);
  }
  printf(",  0 users,  load average: %.2f, %.2f, %.2f\n", l1, l5, l15);
  return fflush_all();
}
