/*
 * df [-PkmhTa] [-t TYPE] [FILESYSTEM...]: the mounts of /proc/mounts with
 * their sizes. The Drydock kernel has no statfs call yet, so sizes are shown
 * as 0 (the mount table itself is real).
 */
#include "../libbb.h"

struct mnt {
  char *device, *dir, *type;
};

static struct mnt *read_mounts(size_t *n) {
  *n = 0;
  char *data = read_small_file("/proc/mounts", 0);
  if (!data) return 0;
  struct mnt *m = 0;
  for (char *line = strtok(data, "\n"); line; line = strtok(0, "\n")) {
    char *dev = strtok_r(line, " ", &line), *dir = strtok_r(0, " ", &line), *type = strtok_r(0, " ", &line);
    if (!dev || !dir || !type) continue;
    m = xrealloc(m, sizeof *m * (*n + 1));
    m[*n].device = dev;
    m[*n].dir = dir;
    m[*n].type = type;
    (*n)++;
  }
  return m;
}

int df_main(int argc, char **argv) {
  char *type = 0;
  unsigned opt = getopt32(argv, "kPmhTat:", &type);
  enum { K = 1, P = 2, M = 4, H = 8, TT = 16, A = 32 };
  argv += optind;
  size_t n;
  struct mnt *m = read_mounts(&n);
  if (!m) bb_perror_msg_and_die("can't open '%s'", "/proc/mounts");
  const char *unit = (opt & M) ? "1M-blocks" : (opt & H) ? "Size" : "1K-blocks";
  printf("Filesystem          %s%s      Used Available %s Mounted on\n", (opt & TT) ? "Type       " : "",
         (opt & H) ? "     Size" : unit, (opt & P) ? "Capacity" : "Use%");
  int status = 0;
  for (size_t i = 0; i < n; i++) {
    if (type && strcmp(type, m[i].type) != 0) continue;
    if (argv[0]) {
      int wanted = 0;
      for (char **a = argv; *a; a++) {
        if (strcmp(*a, m[i].dir) == 0 || strcmp(*a, m[i].device) == 0) wanted = 1;
      }
      if (!wanted) continue;
    } else if (!(opt & A) && (strcmp(m[i].type, "proc") == 0 || strcmp(m[i].type, "sysfs") == 0 ||
                              strcmp(m[i].type, "devpts") == 0 || strcmp(m[i].type, "mqueue") == 0 ||
                              strcmp(m[i].type, "cgroup") == 0)) {
      continue;
    }
    const char *dev = m[i].device;
    if (strlen(dev) > 20 && !(opt & P)) printf("%s\n%20s", dev, "");
    else printf("%-20s", dev);
    if (opt & TT) printf("%-10s ", m[i].type);
    if (opt & H) printf("%9s %9s %9s %3u%% %s\n", "0", "0", "0", 0u, m[i].dir);
    else printf("%9u %9u %9u %3u%% %s\n", 0u, 0u, 0u, 0u, m[i].dir);
  }
  if (fflush_all()) return 1;
  return status;
}
