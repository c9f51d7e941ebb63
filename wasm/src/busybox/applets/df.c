/*
 * df [-PkmhTa] [-t TYPE] [FILESYSTEM...]: the mounts of /proc/mounts with
 * their sizes from statvfs (the kernel's statfs call), printed as BusyBox
 * 1.35 prints them. Without operands every mount with blocks is listed (-a:
 * also those without, such as proc); an operand selects the mount that
 * holds it (by mount point or device name, else by device number).
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
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

/* BusyBox's find_mount_point(name, subdir_too = 1): the first mount whose
 * directory or device is `name`, or whose directory is on name's device. */
static const struct mnt *find_mount(const struct mnt *m, size_t n, const char *name) {
  struct stat st;
  if (stat(name, &st) != 0) return 0;
  dev_t want = st.st_dev;
  int block_dev = S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode);
  if (block_dev) want = st.st_rdev;
  for (size_t i = 0; i < n; i++) {
    if (strcmp(m[i].device, "rootfs") == 0) continue;
    if (strcmp(name, m[i].dir) == 0 || strcmp(name, m[i].device) == 0) return &m[i];
    if (m[i].device[0] == '/' && stat(m[i].device, &st) == 0 && st.st_rdev == want) return &m[i];
    if (stat(m[i].dir, &st) == 0 && st.st_dev == want) return &m[i];
  }
  return 0;
}

int df_main(int argc, char **argv) {
  (void)argc;
  char *type = 0;
  unsigned opt = getopt32(argv, "kPmhTat:", &type);
  enum { K = 1, P = 2, M = 4, H = 8, TT = 16, A = 32 };
  argv += optind;
  size_t n;
  struct mnt *m = read_mounts(&n);
  if (!m) bb_perror_msg_and_die("can't open '%s'", "/proc/mounts");

  unsigned long unit = 1024; /* the display unit; 0: human-readable */
  char units_hdr[32];
  if (opt & H) {
    unit = 0;
    snprintf(units_hdr, sizeof units_hdr, "%s", "     Size");
  } else if (opt & M) {
    unit = 1024 * 1024;
    snprintf(units_hdr, sizeof units_hdr, "%s", "1M-blocks");
  } else {
    snprintf(units_hdr, sizeof units_hdr, "%s-blocks", (opt & P) ? "1024" : "1K");
  }
  printf("Filesystem           %s%-15sUsed Available %s Mounted on\n", (opt & TT) ? "Type       " : "", units_hdr,
         (opt & P) ? "Capacity" : "Use%");

  int status = 0;
  int listing = argv[0] == 0;
  for (size_t i = 0;; i++) {
    const struct mnt *e;
    if (listing) {
      if (i >= n) break;
      e = &m[i];
    } else {
      const char *name = argv[i];
      if (!name) break;
      e = find_mount(m, n, name);
      if (!e) {
        bb_error_msg("%s: can't find mount point", name);
        status = 1;
        continue;
      }
    }
    if (strcmp(e->device, "rootfs") == 0) continue;
    if (type && strcmp(type, e->type) != 0) continue;
    struct statvfs s;
    if (statvfs(e->dir, &s) != 0) {
      bb_perror_msg("%s", e->dir);
      status = 1;
      continue;
    }
    if (s.f_frsize == 0) s.f_frsize = s.f_bsize;
    if (!(s.f_blocks > 0 || !listing || (opt & A))) continue;

    unsigned long long used = s.f_blocks - s.f_bfree;
    unsigned percent = 0;
    if (s.f_blocks > 0 && used + s.f_bavail) {
      percent = (unsigned)((used * 100ULL + (used + s.f_bavail) / 2) / (used + s.f_bavail));
    }
    if (printf("%s", e->device) > 20 && !(opt & P)) printf("\n%-20s", "");
    else printf("%*s", (int)(20 - (strlen(e->device) < 20 ? strlen(e->device) : 20)), "");
    if (opt & TT) printf(" %-10s", e->type);
    printf(" %9s ", make_human_readable_str(s.f_blocks, s.f_frsize, unit));
    printf("%9s ", make_human_readable_str(used, s.f_frsize, unit));
    printf("%9s %3u%% %s\n", make_human_readable_str(s.f_bavail, s.f_frsize, unit), percent, e->dir);
  }
  if (fflush_all()) return 1;
  return status;
}
