/* basename, dirname, realpath, readlink: path names. */
#include "../libbb.h"

int basename_main(int argc, char **argv) {
  char *suffix = 0;
  unsigned opt = getopt32(argv, "as:", &suffix);
  argv += optind;
  int all = opt != 0;
  if (!argv[0] || (!all && argv[1] && argv[2])) bb_show_usage();
  if (!all && argv[1]) {
    suffix = argv[1];
    argv[1] = 0;
  }
  for (; *argv; argv++) {
    char *base = bb_basename_dup(*argv);
    if (suffix) {
      size_t bl = strlen(base), sl = strlen(suffix);
      if (bl > sl && strcmp(base + bl - sl, suffix) == 0) base[bl - sl] = 0;
    }
    puts(base);
    free(base);
  }
  return fflush_all();
}

/* POSIX dirname, as glibc's: "a" -> ".", "/" -> "/", "//a" -> "//". */
static char *dir_of(const char *path) {
  char *s = xstrdup(path);
  size_t n = strlen(s);
  while (n > 1 && s[n - 1] == '/') n--;
  while (n > 0 && s[n - 1] != '/') n--;
  if (n == 0) {
    free(s);
    return xstrdup(".");
  }
  while (n > 1 && s[n - 1] == '/') n--;
  /* "//a": keep the leading double slash, as glibc does. */
  if (n == 1 && s[0] == '/' && s[1] == '/' && s[2] != '/') n = 2;
  s[n] = 0;
  return s;
}

int dirname_main(int argc, char **argv) {
  if (argc != 2) bb_show_usage();
  char *d = dir_of(argv[1]);
  puts(d);
  free(d);
  return fflush_all();
}

/* realpath() that allows the last component to be missing (coreutils' -m for one level). */
static char *realpath_lenient(const char *path) {
  char *r = realpath(path, 0);
  if (r || errno != ENOENT) return r;
  int saved = errno;
  char *base = bb_basename_dup(path);
  if (is_dot_or_dotdot(base) || strchr(base, '/')) {
    free(base);
    errno = saved;
    return 0;
  }
  char *dir = dir_of(path);
  char *rd = realpath(dir, 0);
  free(dir);
  if (!rd) {
    free(base);
    errno = saved;
    return 0;
  }
  char *full = concat_path_file(rd, base);
  free(rd);
  free(base);
  return full;
}

int realpath_main(int argc, char **argv) {
  getopt32(argv, "q");
  argv += optind;
  if (!argv[0]) bb_show_usage();
  int status = 0;
  for (; *argv; argv++) {
    char *r = realpath_lenient(*argv);
    if (r) {
      puts(r);
      free(r);
    } else {
      bb_perror_msg("%s", *argv);
      status = 1;
    }
  }
  if (fflush_all()) return 1;
  return status;
}

int readlink_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "fnsqv");
  enum { F = 1, N = 2, V = 16 };
  argv += optind;
  if (!argv[0] || argv[1]) bb_show_usage();
  char *r;
  if (opt & F) {
    r = realpath_lenient(argv[0]);
  } else {
    char buf[PATH_MAX];
    ssize_t n = readlink(argv[0], buf, sizeof buf - 1);
    if (n < 0) {
      r = 0;
    } else {
      buf[n] = 0;
      r = xstrdup(buf);
    }
  }
  if (!r) {
    if (opt & V) bb_perror_msg("%s", argv[0]);
    return 1;
  }
  fputs(r, stdout);
  if (!(opt & N)) putchar('\n');
  free(r);
  return fflush_all();
}
