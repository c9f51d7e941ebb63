/*
 * du [-aHLdclsxhmkb] [FILE...]: disk usage in 1K blocks (-m MiB, rounded up;
 * -h human; -b apparent bytes), every directory (-a also files, -s only the
 * arguments, -d N up to depth N), -c adds a total. A file with several hard
 * links is counted once.
 */
#include "../libbb.h"

enum { OPT_a = 1, OPT_H = 2, OPT_L = 4, OPT_d = 8, OPT_c = 16, OPT_l = 32, OPT_s = 64, OPT_x = 128, OPT_h = 256, OPT_m = 512, OPT_k = 1024, OPT_b = 2048 };

static unsigned opt;
static int max_depth = INT_MAX;
static int status;

struct seen {
  dev_t dev;
  ino_t ino;
};
static struct seen *seen;
static size_t nseen, seen_cap;

static int already_seen(const struct stat *st) {
  for (size_t i = 0; i < nseen; i++) {
    if (seen[i].ino == st->st_ino && seen[i].dev == st->st_dev) return 1;
  }
  if (nseen == seen_cap) seen = xrealloc(seen, sizeof *seen * (seen_cap = seen_cap ? seen_cap * 2 : 64));
  seen[nseen].dev = st->st_dev;
  seen[nseen].ino = st->st_ino;
  nseen++;
  return 0;
}

/* Sizes are kept in bytes for -b, else in 512-byte blocks. */
static void print(unsigned long long size, const char *path) {
  if (opt & OPT_b) {
    printf("%llu\t%s\n", size, path);
  } else if (opt & OPT_h) {
    printf("%s\t%s\n", make_human_readable_str(size, 512, 0), path);
  } else if (opt & OPT_m) {
    printf("%llu\t%s\n", (size + 2047) / 2048, path);
  } else {
    printf("%llu\t%s\n", (size + 1) / 2, path);
  }
}

static unsigned long long du(const char *path, int depth, dev_t root_dev) {
  struct stat st;
  int follow = (opt & OPT_L) || (depth == 0 && (opt & OPT_H));
  if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) {
    bb_perror_msg("%s", path);
    status = 1;
    return 0;
  }
  if (depth == 0) root_dev = st.st_dev;
  if ((opt & OPT_x) && st.st_dev != root_dev) return 0;
  unsigned long long size = (opt & OPT_b) ? (unsigned long long)st.st_size : (unsigned long long)st.st_blocks;
  if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 && !(opt & OPT_l)) {
    if (already_seen(&st)) return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (!d) {
      bb_perror_msg("%s", path);
      status = 1;
    } else {
      char **names = 0;
      size_t n = 0, cap = 0;
      struct dirent *e;
      while ((e = readdir(d))) {
        if (is_dot_or_dotdot(e->d_name)) continue;
        if (n == cap) names = xrealloc(names, sizeof *names * (cap = cap ? cap * 2 : 16));
        names[n++] = xstrdup(e->d_name);
      }
      closedir(d);
      for (size_t i = 0; i < n; i++) {
        char *child = concat_path_file(path, names[i]);
        size += du(child, depth + 1, root_dev);
        free(child);
        free(names[i]);
      }
      free(names);
    }
    if (depth <= max_depth && !((opt & OPT_s) && depth > 0)) print(size, path);
  } else if ((opt & OPT_a) && depth > 0 && depth <= max_depth) {
    print(size, path);
  } else if (depth == 0) {
    print(size, path);
  }
  return size;
}

int du_main(int argc, char **argv) {
  char *depth_str = 0;
  opt = getopt32(argv, "aHLd:clsxhmkb", &depth_str);
  if (depth_str) max_depth = xatoi_positive(depth_str);
  if (opt & OPT_s) max_depth = 0;
  /* -k, -m, -h: the last one wins. */
  int last = 0, which = 0;
  static const int bits[] = {8, 9, 10};
  for (int i = 0; i < 3; i++) {
    if (getopt32_seq[bits[i]] > last) {
      last = getopt32_seq[bits[i]];
      which = 1 << bits[i];
    }
  }
  opt = (opt & ~(unsigned)(OPT_h | OPT_m | OPT_k)) | (unsigned)which;
  argv += optind;
  char *dot[] = {".", 0};
  if (!argv[0]) argv = dot;
  unsigned long long total = 0;
  for (; *argv; argv++) total += du(*argv, 0, 0);
  if (opt & OPT_c) print(total, "total");
  if (fflush_all()) return 1;
  return status;
}
