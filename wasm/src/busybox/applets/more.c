/*
 * more [FILE...]: shows files a screenful at a time on a terminal (SPACE:
 * next page, RETURN: next line, q: quit); without a terminal it is cat.
 */
#include <sys/ioctl.h>
#include <termios.h>
#include "../libbb.h"

int more_main(int argc, char **argv) {
  getopt32(argv, "");
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int tty = isatty(1);
  int keys = tty ? open("/dev/tty", O_RDONLY) : -1;
  if (keys < 0 && tty && isatty(0) && strcmp(argv[0], "-") != 0) keys = 0;
  unsigned rows = 24, cols = 80;
  struct winsize ws;
  if (tty && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
    rows = ws.ws_row;
    cols = ws.ws_col;
  }
  struct termios saved, raw;
  int have_tty = keys >= 0 && tcgetattr(keys, &saved) == 0;
  if (have_tty) {
    raw = saved;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(keys, TCSANOW, &raw);
  }
  int status = 0;
  int nfiles = argc_of(argv);
  for (int fi = 0; fi < nfiles; fi++) {
    FILE *f = fopen_or_warn_stdin(argv[fi]);
    if (!f) {
      status = 1;
      continue;
    }
    if (nfiles > 1) printf("::::::::::::::\n%s\n::::::::::::::\n", argv[fi]);
    struct stat st;
    long long size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
    unsigned line = 0, col = 0;
    int c;
    while ((c = getc(f)) != EOF) {
      putchar(c);
      if (c == '\n' || ++col >= cols) {
        col = 0;
        line++;
      }
      if (have_tty && line >= rows - 1) {
        long long pos = ftell(f);
        if (size > 0) printf("--More-- (%lld%% of %lld bytes)", pos * 100 / size, size);
        else printf("--More-- ");
        fflush(stdout);
        char key = 0;
        if (read(keys, &key, 1) <= 0) key = 'q';
        printf("\r\033[K");
        if (key == 'q' || key == 'Q') {
          fclose_if_not_stdin(f);
          goto done;
        }
        line = (key == '\n' || key == '\r') ? rows - 2 : 0;
      }
    }
    fclose_if_not_stdin(f);
  }
done:
  if (have_tty) tcsetattr(keys, TCSANOW, &saved);
  if (fflush_all()) return 1;
  return status;
}
