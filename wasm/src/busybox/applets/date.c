/*
 * date [-uR] [-I[SPEC]] [-d TIME] [-D FMT] [-r FILE] [+FORMAT] [MMDDhhmm[[CC]YY][.ss]]:
 * prints the time (UTC: Drydock guests have no time zone database, like a
 * container with TZ unset). Setting the clock is refused: the kernel's clock
 * is the host's.
 */
#include "../libbb.h"

int date_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"rfc-822", 0, 'R'},   {"rfc-2822", 0, 'R'}, {"set", 1, 's'},
                                        {"date", 1, 'd'},      {"reference", 1, 'r'}, {"utc", 0, 'u'},
                                        {"iso-8601", 2, 'I'},  {0, 0, 0}};
  char *date_str = 0, *set_str = 0, *ref = 0, *in_fmt = 0;
  /* "-I[SPEC]": the spec is attached; take it out before parsing. */
  const char *iso = 0;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "-I", 2) == 0) {
      iso = argv[i][2] ? argv[i] + 2 : "date";
      argv[i] = "-I";
    } else if (strncmp(argv[i], "--iso-8601", 10) == 0) {
      iso = argv[i][10] == '=' ? argv[i] + 11 : "date";
      argv[i] = "-I";
    }
  }
  unsigned opt = getopt32long(argv, "Rs:ud:r:D:I", longopts, &set_str, &date_str, &ref, &in_fmt);
  enum { R = 1, S = 2, U = 4, D = 8, RR = 16, DD = 32, I = 64 };
  argv += optind;
  const char *fmt = 0;
  if (argv[0] && argv[0][0] == '+') {
    fmt = argv[0] + 1;
    argv++;
  }
  if (argv[0] && !set_str && !date_str) {
    set_str = argv[0];
    argv++;
  }
  if (argv[0]) bb_show_usage();
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  time_t t = now.tv_sec;
  struct tm tm;
  if (ref) {
    struct stat st;
    if (stat(ref, &st) < 0) bb_perror_msg_and_die("can't stat '%s'", ref);
    t = st.st_mtime;
  }
  const char *parse = date_str ? date_str : set_str;
  if (parse) {
    gmtime_r(&t, &tm);
    if (in_fmt) {
      struct tm parsed = tm;
      const char *end = strptime(parse, in_fmt, &parsed);
      if (!end || *end) bb_error_msg_and_die("invalid date '%s'", parse);
      tm = parsed;
    } else if (set_str && !date_str && bb_isdigit((unsigned char)set_str[0]) && !strchr(set_str, ':') && !strchr(set_str, '-')) {
      /* POSIX MMDDhhmm[[CC]YY][.ss] */
      const char *dot = strchr(set_str, '.');
      size_t len = dot ? (size_t)(dot - set_str) : strlen(set_str);
      if (len != 8 && len != 10 && len != 12) bb_error_msg_and_die("invalid date '%s'", set_str);
      int v[6];
      for (size_t i = 0; i < len; i += 2) v[i / 2] = (set_str[i] - '0') * 10 + (set_str[i + 1] - '0');
      tm.tm_mon = v[0] - 1;
      tm.tm_mday = v[1];
      tm.tm_hour = v[2];
      tm.tm_min = v[3];
      if (len == 10) tm.tm_year = v[4] < 69 ? v[4] + 100 : v[4];
      if (len == 12) tm.tm_year = v[4] * 100 + v[5] - 1900;
      tm.tm_sec = dot ? atoi(dot + 1) : 0;
    } else {
      parse_datestr(parse, &tm);
    }
    t = validate_tm_time(parse, &tm);
  }
  if (set_str) {
    /* The kernel's clock is the host's: setting it is not permitted. */
    errno = EPERM;
    bb_perror_msg_and_die("can't set date");
  }
  gmtime_r(&t, &tm);
  char buf[512];
  if (fmt) {
    /* %N (nanoseconds) is not in strftime: BusyBox prints it literally too. */
    if (!*fmt) {
      putchar('\n');
      return fflush_all();
    }
    strftime(buf, sizeof buf, fmt, &tm);
  } else if (opt & R) {
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  } else if (opt & I) {
    const char *f = "%Y-%m-%d";
    if (strcmp(iso, "hours") == 0) f = "%Y-%m-%dT%H+00:00";
    else if (strcmp(iso, "minutes") == 0) f = "%Y-%m-%dT%H:%M+00:00";
    else if (strcmp(iso, "seconds") == 0) f = "%Y-%m-%dT%H:%M:%S+00:00";
    else if (strcmp(iso, "date") != 0) bb_error_msg_and_die("invalid argument '%s' for '%s'", iso, "-I");
    strftime(buf, sizeof buf, f, &tm);
  } else {
    strftime(buf, sizeof buf, "%a %b %e %H:%M:%S UTC %Y", &tm);
  }
  puts(buf);
  return fflush_all();
}
