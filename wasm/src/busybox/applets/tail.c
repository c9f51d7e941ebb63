/*
 * tail [-fFqv] [-s SECONDS] [-n [+]N[bkm]] [-c [+]N[bkm]] [FILE...]: the
 * last N lines or bytes (+N: from line or byte N on). "-N" and "+N" are
 * "-n N" and "-n +N". -f keeps reading the files as they grow (checking every
 * -s seconds, 1 by default); -F also reopens a file that was replaced.
 */
#include "../libbb.h"

static char **fix_obsolete(int *argc, char **argv) {
  const char *a = argv[1];
  if (a && (a[0] == '-' || a[0] == '+') && bb_isdigit((unsigned char)a[1])) {
    char **n = xmalloc(sizeof(char *) * (size_t)(*argc + 2));
    n[0] = argv[0];
    n[1] = "-n";
    n[2] = a[0] == '+' ? (char *)a : (char *)a + 1;
    memcpy(n + 3, argv + 2, sizeof(char *) * (size_t)(*argc - 1));
    (*argc)++;
    return n;
  }
  return argv;
}

/* Reads the whole of fd. */
static void read_all(int fd, strbuf *sb) {
  static char buf[65536];
  ssize_t n;
  while ((n = safe_read(fd, buf, sizeof buf)) > 0) sb_append(sb, buf, (size_t)n);
}

/* Offset in data[0..len) where the last `count` lines start. */
static size_t last_lines_start(const char *data, size_t len, unsigned long long count) {
  if (count == 0) return len;
  size_t pos = len;
  unsigned long long lines = 0;
  if (pos > 0 && data[pos - 1] == '\n') pos--;
  while (pos > 0) {
    if (data[pos - 1] == '\n') {
      if (++lines == count) return pos;
    }
    pos--;
  }
  return 0;
}

/* Offset where line number `from` (1-based) starts. */
static size_t from_line_start(const char *data, size_t len, unsigned long long from) {
  size_t pos = 0;
  for (unsigned long long line = 1; line < from && pos < len; pos++) {
    if (data[pos] == '\n') line++;
  }
  return pos;
}

static void print_tail(int fd, int bytes, int from_start, unsigned long long count) {
  struct stat st;
  /* A big regular file: read only its end when counting from the end. */
  if (!from_start && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 65536) {
    off_t want = bytes ? (off_t)count : (off_t)(count + 1) * 256;
    for (;;) {
      off_t start = want >= st.st_size ? 0 : st.st_size - want;
      if (lseek(fd, start, SEEK_SET) < 0) break;
      strbuf sb = {0};
      read_all(fd, &sb);
      size_t at = bytes ? (count >= sb.len ? 0 : sb.len - (size_t)count) : last_lines_start(sb.data, sb.len, count);
      if (start == 0 || bytes || at > 0) {
        fwrite(sb.data + at, 1, sb.len - at, stdout);
        free(sb.data);
        return;
      }
      free(sb.data);
      want *= 4;
    }
  }
  strbuf sb = {0};
  read_all(fd, &sb);
  size_t at;
  if (from_start) {
    if (bytes) at = count > 0 ? (count - 1 < sb.len ? (size_t)count - 1 : sb.len) : 0;
    else at = from_line_start(sb.data, sb.len, count ? count : 1);
  } else {
    at = bytes ? (count >= sb.len ? 0 : sb.len - (size_t)count) : last_lines_start(sb.data, sb.len, count);
  }
  if (sb.len > at) fwrite(sb.data + at, 1, sb.len - at, stdout);
  free(sb.data);
}

struct followed {
  const char *name;
  int fd;
  dev_t dev;
  ino_t ino;
  off_t size;
};

int tail_main(int argc, char **argv) {
  argv = fix_obsolete(&argc, argv);
  char *lines = 0, *bytes = 0, *sleep_str = 0;
  unsigned opt = getopt32(argv, "fFn:c:qvs:", &lines, &bytes, &sleep_str);
  enum { F = 1, FF = 2, Q = 16, V = 32 };
  /* The last of -n/-c wins. */
  int use_bytes = getopt32_seq[3] > getopt32_seq[2];
  const char *count_str = use_bytes ? bytes : (lines ? lines : "10");
  int from_start = 0;
  if (*count_str == '+') {
    from_start = 1;
    count_str++;
  } else if (*count_str == '-') {
    count_str++;
  }
  unsigned long long count = xatoull_sfx(count_str, bkm_suffixes);
  int follow = (opt & (F | FF)) != 0;
  double interval = 1;
  if (sleep_str) interval = strtod(sleep_str, 0);
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int nfiles = argc_of(argv);
  int headers = (opt & V) || (nfiles > 1 && !(opt & Q));
  struct followed *files = xzalloc(sizeof *files * (size_t)nfiles);
  int status = 0;
  const char *sep = "";
  for (int i = 0; i < nfiles; i++) {
    files[i].name = argv[i];
    int fd = fd_or_warn_stdin(argv[i]);
    files[i].fd = fd;
    if (fd < 0) {
      status = 1;
      continue;
    }
    if (headers) {
      printf("%s==> %s <==\n", sep, strcmp(argv[i], "-") == 0 ? "standard input" : argv[i]);
      sep = "\n";
    }
    print_tail(fd, use_bytes, from_start, count);
    struct stat st;
    if (fstat(fd, &st) == 0) {
      files[i].dev = st.st_dev;
      files[i].ino = st.st_ino;
      files[i].size = lseek(fd, 0, SEEK_CUR);
    }
  }
  if (fflush_all()) return 1;
  if (!follow) return status;
  int last_printed = nfiles - 1;
  for (;;) {
    struct timespec ts = {(time_t)interval, (long)((interval - (long)interval) * 1e9)};
    nanosleep(&ts, 0);
    for (int i = 0; i < nfiles; i++) {
      struct followed *f = &files[i];
      if ((opt & FF) && strcmp(f->name, "-") != 0) {
        struct stat st;
        if (stat(f->name, &st) == 0 && (f->fd < 0 || st.st_ino != f->ino || st.st_dev != f->dev)) {
          if (f->fd >= 0) close(f->fd);
          f->fd = open(f->name, O_RDONLY);
          f->ino = st.st_ino;
          f->dev = st.st_dev;
          f->size = 0;
        }
      }
      if (f->fd < 0) continue;
      struct stat st;
      if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < f->size) {
        bb_error_msg("%s: file truncated", f->name);
        lseek(f->fd, 0, SEEK_SET);
        f->size = 0;
      }
      static char buf[65536];
      ssize_t n;
      while ((n = safe_read(f->fd, buf, sizeof buf)) > 0) {
        if (headers && last_printed != i) {
          printf("\n==> %s <==\n", f->name);
          last_printed = i;
        }
        fwrite(buf, 1, (size_t)n, stdout);
        f->size += n;
      }
    }
    if (fflush_all()) return 1;
  }
}
