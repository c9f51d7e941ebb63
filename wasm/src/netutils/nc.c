/*
 * nc: TCP/UDP connections from the command line (busybox nc's options):
 *   nc [-u] [-w SEC] [-z] [-s ADDR] [-p PORT] HOST PORT
 *   nc -l [-k] [-u] [-p PORT] [-s ADDR] [-w SEC] [-e PROG [ARGS...]]
 * Copies stdin to the connection and the connection to stdout; stdin's end
 * half-closes the connection, and nc exits when the peer closes.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include "netutils.h"

extern char **environ;

static int udp = 0, timeout_s = -1;

/* Copies between stdin/stdout and the socket until the peer closes. */
static int pump(int s) {
  static char buf[16384];
  int in_open = 1;
  for (;;) {
    struct pollfd p[2] = {{.fd = s, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
    int n = poll(p, in_open ? 2 : 1, timeout_s >= 0 && !in_open ? timeout_s * 1000 : -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (n == 0) return 0;
    if (p[0].revents) {
      ssize_t r = recv(s, buf, sizeof buf, 0);
      if (r <= 0) return r < 0 && errno != ECONNRESET ? 1 : 0;
      for (ssize_t done = 0; done < r;) {
        ssize_t w = write(1, buf + done, (size_t)(r - done));
        if (w <= 0) return 1;
        done += w;
      }
    }
    if (in_open && p[1].revents) {
      ssize_t r = read(0, buf, sizeof buf);
      if (r <= 0) {
        in_open = 0;
        if (!udp) shutdown(s, SHUT_WR);
        continue;
      }
      for (ssize_t done = 0; done < r;) {
        ssize_t w = send(s, buf + done, (size_t)(r - done), MSG_NOSIGNAL);
        if (w < 0) return 1;
        done += w;
      }
    }
  }
}

/* Runs PROG with its stdio on the socket and waits for it. */
static int run_prog(int s, char **prog) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  for (int fd = 0; fd < 3; fd++) posix_spawn_file_actions_adddup2(&fa, s, fd);
  pid_t pid;
  int err = posix_spawnp(&pid, prog[0], &fa, NULL, prog, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(s);
  if (err) {
    warnx_("can't execute '%s': %s", prog[0], strerror(err));
    return 1;
  }
  int status;
  waitpid(pid, &status, 0);
  return 0;
}

static struct sockaddr_in address(const char *host, int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (host) a.sin_addr = resolve4(host);
  return a;
}

static int connect_timeout(int s, const struct sockaddr_in *a) {
  if (timeout_s < 0) return connect(s, (const struct sockaddr *)a, sizeof *a);
  fcntl(s, F_SETFL, O_NONBLOCK);
  int rc = connect(s, (const struct sockaddr *)a, sizeof *a);
  if (rc < 0 && errno == EINPROGRESS) {
    struct pollfd p = {.fd = s, .events = POLLOUT};
    int n = poll(&p, 1, timeout_s * 1000);
    if (n == 0) {
      errno = ETIMEDOUT;
      fcntl(s, F_SETFL, 0);
      return -2;
    }
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
    rc = err ? -1 : 0;
    errno = err;
  }
  fcntl(s, F_SETFL, 0);
  return rc;
}

int nc_main(int argc, char **argv) {
  int listen_mode = 0, keep = 0, zero = 0, local_port = 0;
  const char *source = NULL;
  char **prog = NULL;
  int opt;
  signal(SIGPIPE, SIG_IGN);
  while ((opt = getopt(argc, argv, "+lkuznvw:p:s:e:i:q:")) != -1) {
    switch (opt) {
      case 'l': listen_mode = 1; break;
      case 'k': keep = 1; break;
      case 'u': udp = 1; break;
      case 'z': zero = 1; break;
      case 'n':
      case 'v':
      case 'i':
      case 'q': break;
      case 'w': timeout_s = atoi(optarg); break;
      case 'p': local_port = atoi(optarg); break;
      case 's': source = optarg; break;
      case 'e':
        /* -e PROG takes the rest of the command line. */
        prog = &argv[optind - 1];
        optind = argc;
        break;
      default:
        fprintf(stderr, "usage: nc [-u] [-w SEC] [-z] HOST PORT\n       nc -l [-k] [-u] -p PORT [-e PROG]\n");
        return 1;
    }
    if (prog) break;
  }
  int type = udp ? SOCK_DGRAM : SOCK_STREAM;
  if (listen_mode) {
    if (optind < argc && !local_port) local_port = atoi(argv[argc - 1]);
    int l = socket(AF_INET, type, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = address(source, local_port);
    if (bind(l, (struct sockaddr *)&a, sizeof a) < 0) die("bind: %s", strerror(errno));
    if (udp) {
      static char buf[65536];
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      ssize_t r = recvfrom(l, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
      if (r < 0) die("recvfrom: %s", strerror(errno));
      write(1, buf, (size_t)r);
      connect(l, (struct sockaddr *)&from, fl);
      return pump(l);
    }
    if (listen(l, keep ? 128 : 1) < 0) die("listen: %s", strerror(errno));
    int rc = 0;
    do {
      int c = accept(l, NULL, NULL);
      if (c < 0) die("accept: %s", strerror(errno));
      rc = prog ? run_prog(c, prog) : pump(c);
      if (!prog) close(c);
    } while (keep);
    return rc;
  }
  if (optind + 2 > argc) {
    fprintf(stderr, "usage: nc [-u] [-w SEC] [-z] HOST PORT\n");
    return 1;
  }
  const char *host = argv[optind];
  struct sockaddr_in a = address(host, atoi(argv[optind + 1]));
  int s = socket(AF_INET, type, 0);
  if (source || local_port) {
    struct sockaddr_in me = address(source, local_port);
    if (bind(s, (struct sockaddr *)&me, sizeof me) < 0) die("bind: %s", strerror(errno));
  }
  int rc = connect_timeout(s, &a);
  if (rc == -2) die("timed out");
  if (rc < 0) die("can't connect to remote host (%s): %s", inet_ntoa(a.sin_addr), strerror(errno));
  if (zero) return 0;
  if (prog) return run_prog(s, prog);
  return pump(s);
}
