/*
 * touch [-acm] [-d DATE] [-t STAMP] [-r FILE] FILE...: sets access and
 * modification times (now, or the given time), creating missing files unless -c.
 */
#include "../libbb.h"

int touch_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"no-create", 0, 'c'}, {"reference", 1, 'r'}, {"date", 1, 'd'}, {0, 0, 0}};
  char *ref = 0, *date = 0, *stamp = 0;
  unsigned opt = getopt32long(argv, "cr:d:t:amhf", longopts, &ref, &date, &stamp);
  enum { C = 1, A = 16, M = 32, H = 64 };
  argv += optind;
  if (!argv[0]) bb_show_usage();
  struct timespec times[2];
  struct timespec *tp = 0;
  if (ref) {
    struct stat st;
    if (stat(ref, &st) < 0) bb_perror_msg_and_die("%s", ref);
    times[0] = st.st_atim;
    times[1] = st.st_mtim;
    tp = times;
  }
  if (date || stamp) {
    const char *s = date ? date : stamp;
    time_t now = time(0);
    struct tm tm;
    gmtime_r(&now, &tm);
    parse_datestr(s, &tm);
    times[0].tv_sec = times[1].tv_sec = validate_tm_time(s, &tm);
    times[0].tv_nsec = times[1].tv_nsec = 0;
    tp = times;
  }
  if (!tp && (opt & (A | M)) && (opt & (A | M)) != (A | M)) {
    /* Only one of the times: the other is left alone. */
    times[0].tv_sec = times[1].tv_sec = 0;
    times[0].tv_nsec = times[1].tv_nsec = UTIME_NOW;
    tp = times;
  }
  /* Without a time, NULL means "now", which needs only write permission (not ownership). */
  if (tp && (opt & (A | M)) == A) times[1].tv_nsec = UTIME_OMIT;
  if (tp && (opt & (A | M)) == M) times[0].tv_nsec = UTIME_OMIT;
  int status = 0;
  for (; *argv; argv++) {
    if (utimensat(AT_FDCWD, *argv, tp, (opt & H) ? AT_SYMLINK_NOFOLLOW : 0) == 0) continue;
    if (errno != ENOENT || (opt & C)) {
      if (errno == ENOENT) continue;
      bb_perror_msg("%s", *argv);
      status = 1;
      continue;
    }
    int fd = open(*argv, O_WRONLY | O_CREAT, 0666);
    if (fd < 0) {
      bb_perror_msg("%s", *argv);
      status = 1;
      continue;
    }
    close(fd);
    if (tp && utimensat(AT_FDCWD, *argv, tp, 0) < 0) {
      bb_perror_msg("%s", *argv);
      status = 1;
    }
  }
  return status;
}
