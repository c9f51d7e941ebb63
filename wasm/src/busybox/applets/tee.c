/* tee [-ai] [FILE...]: copies stdin to stdout and to each FILE (-a appends; -i ignores SIGINT). */
#include <signal.h>
#include "../libbb.h"

int tee_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "ai");
  if (opt & 2) signal(SIGINT, SIG_IGN);
  argv += optind;
  int n = argc_of(argv);
  int *fds = xmalloc(sizeof(int) * (size_t)(n + 1));
  const char **names = xmalloc(sizeof(char *) * (size_t)(n + 1));
  int status = 0;
  int nfds = 0;
  names[nfds] = "standard output";
  fds[nfds++] = 1;
  for (int i = 0; i < n; i++) {
    if (strcmp(argv[i], "-") == 0) {
      names[nfds] = "standard output";
      fds[nfds++] = 1;
      continue;
    }
    int fd = open(argv[i], O_WRONLY | O_CREAT | ((opt & 1) ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0) {
      bb_perror_msg("%s", argv[i]);
      status = 1;
      continue;
    }
    names[nfds] = argv[i];
    fds[nfds++] = fd;
  }
  /* A reader gone away must not stop the copy to the files. */
  signal(SIGPIPE, SIG_IGN);
  static char buf[65536];
  ssize_t r;
  while ((r = safe_read(0, buf, sizeof buf)) > 0) {
    for (int i = 0; i < nfds; i++) {
      if (fds[i] >= 0 && full_write(fds[i], buf, (size_t)r) != r) {
        bb_perror_msg("%s", names[i]);
        status = 1;
        fds[i] = -1;
      }
    }
  }
  if (r < 0) {
    bb_perror_msg("read error");
    status = 1;
  }
  return status;
}
