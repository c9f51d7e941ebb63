/* Small applets: clear, tty, sync, nproc, mkfifo. */
#include "../libbb.h"

int clear_main(int argc, char **argv) {
  fputs("\033[H\033[J", stdout);
  return fflush_all();
}

int tty_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "s");
  int is = isatty(0);
  if (!(opt & 1)) {
    /* ttyname(0): the terminal's name as /proc/self/fd/0 gives it (/dev/pts/0 in a container). */
    char name[256];
    ssize_t n = is ? readlink("/proc/self/fd/0", name, sizeof name - 1) : -1;
    if (n > 0) name[n] = 0;
    puts(!is ? "not a tty" : n > 0 ? name : "/dev/pts/0");
  }
  if (fflush_all()) return 2;
  return is ? 0 : 1;
}

int sync_main(int argc, char **argv) {
  getopt32(argv, "df");
  return 0;
}

/* nproc: the kernel runs one worker per process, so every process may run at once: report the host's CPUs (from /proc/cpuinfo when present, else 1). */
int nproc_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"all", 0, 0x80}, {"ignore", 1, 0x81}, {0, 0, 0}};
  char *ignore = 0;
  getopt32long(argv, "\x80\x81:", longopts, &ignore);
  long n = 0;
  char *info = read_small_file("/proc/cpuinfo", 0);
  if (info) {
    for (char *p = info; (p = strstr(p, "processor")); p++) {
      if (p == info || p[-1] == '\n') n++;
    }
    free(info);
  }
  if (n <= 0) {
    char *stat = read_small_file("/proc/stat", 0);
    if (stat) {
      for (char *p = stat; (p = strstr(p, "\ncpu")); p++) {
        if (bb_isdigit((unsigned char)p[4])) n++;
      }
      free(stat);
    }
  }
  if (n <= 0) n = 1;
  if (ignore) {
    long ig = (long)xatoull(ignore);
    n = n > ig ? n - ig : 1;
  }
  printf("%ld\n", n);
  return fflush_all();
}

int mkfifo_main(int argc, char **argv) {
  char *mode_str = 0;
  getopt32(argv, "m:", &mode_str);
  argv += optind;
  if (!argv[0]) bb_show_usage();
  mode_t mode = 0666;
  if (mode_str) {
    mode_t m = 0666;
    if (bb_parse_mode(mode_str, &m) < 0) bb_error_msg_and_die("invalid mode '%s'", mode_str);
    mode = m;
  }
  int status = 0;
  for (; *argv; argv++) {
    if (mkfifo(*argv, mode) < 0) {
      bb_perror_msg("can't create fifo '%s'", *argv);
      status = 1;
    } else if (mode_str && chmod(*argv, mode) < 0) {
      bb_perror_msg("can't change mode of '%s'", *argv);
      status = 1;
    }
  }
  return status;
}
