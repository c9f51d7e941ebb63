/*
 * datestr.c: parse_datestr, the date formats of BusyBox's `date -d` and
 * `touch -d`: "@SECONDS", "YYYY-MM-DD[ HH[:MM[:SS]]]" (also with 'T'),
 * "HH:MM[:SS]", "[YYYY.]MM.DD-HH:MM[:SS]" and the digit string
 * "[[[[CC]YY]MM]DD]hhmm[.ss]". Fields not given keep the values *tm had
 * (the caller fills it with the current time). Times are UTC: Drydock
 * guests have no time zone database.
 */
#include "libbb.h"

static int all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!bb_isdigit((unsigned char)s[i])) return 0;
  }
  return 1;
}

static int two(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

void parse_datestr(const char *s, struct tm *tm) {
  char end = 0;
  unsigned y, mo, d, h, mi, sec;
  int n;
  if (s[0] == '@') {
    char *e;
    errno = 0;
    long long t = strtoll(s + 1, &e, 10);
    if (errno || e == s + 1 || *e) bb_error_msg_and_die("invalid date '%s'", s);
    time_t tt = (time_t)t;
    gmtime_r(&tt, tm);
    return;
  }
  if (strchr(s, ':')) {
    if ((n = sscanf(s, "%u-%u-%u%*[ T]%u:%u:%u%c", &y, &mo, &d, &h, &mi, &sec, &end)) >= 6 ||
        (n = sscanf(s, "%u.%u.%u-%u:%u:%u%c", &y, &mo, &d, &h, &mi, &sec, &end)) >= 6) {
      if (n == 7) goto bad;
      tm->tm_year = (int)y - 1900;
      tm->tm_mon = (int)mo - 1;
      tm->tm_mday = (int)d;
      tm->tm_hour = (int)h;
      tm->tm_min = (int)mi;
      tm->tm_sec = (int)sec;
    } else if ((n = sscanf(s, "%u-%u-%u%*[ T]%u:%u%c", &y, &mo, &d, &h, &mi, &end)) >= 5 ||
               (n = sscanf(s, "%u.%u.%u-%u:%u%c", &y, &mo, &d, &h, &mi, &end)) >= 5) {
      if (n == 6) goto bad;
      tm->tm_year = (int)y - 1900;
      tm->tm_mon = (int)mo - 1;
      tm->tm_mday = (int)d;
      tm->tm_hour = (int)h;
      tm->tm_min = (int)mi;
      tm->tm_sec = 0;
    } else if ((n = sscanf(s, "%u.%u-%u:%u:%u%c", &mo, &d, &h, &mi, &sec, &end)) >= 5) {
      if (n == 6) goto bad;
      tm->tm_mon = (int)mo - 1;
      tm->tm_mday = (int)d;
      tm->tm_hour = (int)h;
      tm->tm_min = (int)mi;
      tm->tm_sec = (int)sec;
    } else if ((n = sscanf(s, "%u.%u-%u:%u%c", &mo, &d, &h, &mi, &end)) >= 4) {
      if (n == 5) goto bad;
      tm->tm_mon = (int)mo - 1;
      tm->tm_mday = (int)d;
      tm->tm_hour = (int)h;
      tm->tm_min = (int)mi;
      tm->tm_sec = 0;
    } else if ((n = sscanf(s, "%u:%u:%u%c", &h, &mi, &sec, &end)) >= 3) {
      if (n == 4) goto bad;
      tm->tm_hour = (int)h;
      tm->tm_min = (int)mi;
      tm->tm_sec = (int)sec;
    } else if ((n = sscanf(s, "%u:%u%c", &h, &mi, &end)) >= 2) {
      if (n == 3) goto bad;
      tm->tm_hour = (int)h;
      tm->tm_min = (int)mi;
      tm->tm_sec = 0;
    } else {
      goto bad;
    }
    return;
  }
  if (strchr(s, '-')) {
    if ((n = sscanf(s, "%u-%u-%u %u%c", &y, &mo, &d, &h, &end)) >= 4) {
      if (n == 5) goto bad;
      tm->tm_hour = (int)h;
      tm->tm_min = tm->tm_sec = 0;
    } else if ((n = sscanf(s, "%u-%u-%u%c", &y, &mo, &d, &end)) >= 3) {
      if (n == 4) goto bad;
      tm->tm_hour = tm->tm_min = tm->tm_sec = 0;
    } else {
      goto bad;
    }
    tm->tm_year = (int)y - 1900;
    tm->tm_mon = (int)mo - 1;
    tm->tm_mday = (int)d;
    return;
  }
  /* [[[[CC]YY]MM]DD]hhmm[.ss] */
  {
    const char *dot = strchr(s, '.');
    size_t len = dot ? (size_t)(dot - s) : strlen(s);
    if (!all_digits(s, len) || len < 4 || len > 12 || (len & 1)) goto bad;
    if (dot && (strlen(dot + 1) != 2 || !all_digits(dot + 1, 2))) goto bad;
    const char *p = s;
    if (len >= 12) {
      tm->tm_year = two(p) * 100 + two(p + 2) - 1900;
      p += 4;
      len -= 4;
    } else if (len >= 10) {
      int yy = two(p);
      tm->tm_year = yy < 69 ? yy + 100 : yy;
      p += 2;
      len -= 2;
    }
    if (len >= 8) {
      tm->tm_mon = two(p) - 1;
      p += 2;
      len -= 2;
    }
    if (len >= 6) {
      tm->tm_mday = two(p);
      p += 2;
      len -= 2;
    }
    tm->tm_hour = two(p);
    tm->tm_min = two(p + 2);
    tm->tm_sec = dot ? two(dot + 1) : 0;
    return;
  }
bad:
  bb_error_msg_and_die("invalid date '%s'", s);
}

time_t validate_tm_time(const char *s, struct tm *tm) {
  time_t t = timegm(tm);
  if (t == (time_t)-1 && !(tm->tm_year == 69 && tm->tm_mon == 11 && tm->tm_mday == 31)) {
    bb_error_msg_and_die("invalid date '%s'", s);
  }
  return t;
}
