/*
 * TCP echo server and clients for the network tests, driven by argv[1]:
 *   server PORT [N]          listen on 0.0.0.0:PORT, print "listening PORT", echo every
 *                            connection (poll-based, any number at once) until N
 *                            connections have ended (forever without N)
 *   client HOST PORT TEXT    connect, send TEXT, half-close, print what comes back
 *   blast HOST PORT BYTES    send BYTES of a pattern while reading the echo (poll), check it
 *   concurrent HOST PORT N   open N connections at once, send on each, check every echo
 *   probe HOST PORT MS       non-blocking connect, poll for writability up to MS ms,
 *                            print "connected", "timeout" or the SO_ERROR name
 *   refuse HOST PORT         blocking connect, print the errno name
 */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include "net-common.h"

#define MAX_CONN 512

static int server(int port, int limit) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) perror("setsockopt");
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
    printf("bind: %s\n", errname(errno));
    return 1;
  }
  if (listen(s, 128) < 0) {
    printf("listen: %s\n", errname(errno));
    return 1;
  }
  printf("listening %d\n", port);
  fflush(stdout);
  struct pollfd fds[MAX_CONN + 1];
  int nfds = 1, ended = 0;
  fds[0].fd = s;
  fds[0].events = POLLIN;
  static char buf[65536];
  while (limit == 0 || ended < limit) {
    if (poll(fds, nfds, -1) < 0) {
      perror("poll");
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      int c = accept(s, NULL, NULL);
      if (c >= 0 && nfds <= MAX_CONN) {
        fcntl(c, F_SETFL, O_NONBLOCK);
        fds[nfds].fd = c;
        fds[nfds].events = POLLIN;
        nfds++;
      } else if (c >= 0) {
        close(c);
      }
    }
    for (int i = 1; i < nfds; i++) {
      if (!fds[i].revents) continue;
      int done = 0;
      for (;;) {
        ssize_t n = recv(fds[i].fd, buf, sizeof buf, 0);
        if (n > 0) {
          /* Echo back, blocking for room (switch to blocking for the write). */
          fcntl(fds[i].fd, F_SETFL, 0);
          if (write_all(fds[i].fd, buf, (size_t)n) < 0) done = 1;
          fcntl(fds[i].fd, F_SETFL, O_NONBLOCK);
          if (done) break;
          continue;
        }
        if (n == 0 || errno != EAGAIN) done = 1;
        break;
      }
      if (done) {
        close(fds[i].fd);
        fds[i] = fds[--nfds];
        i--;
        ended++;
      }
    }
  }
  close(s);
  printf("served %d\n", ended);
  return 0;
}

static int connect_to(const char *host, const char *port) {
  struct sockaddr_storage sa;
  socklen_t len = resolve_or_die(host, port, SOCK_STREAM, &sa);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&sa, len) < 0) {
    printf("connect: %s\n", errname(errno));
    fflush(stdout);
    exit(2);
  }
  return s;
}

static int client(const char *host, const char *port, const char *text) {
  int s = connect_to(host, port);
  if (write_all(s, text, strlen(text)) < 0) printf("send: %s\n", errname(errno));
  shutdown(s, SHUT_WR);
  char buf[4096];
  ssize_t n;
  size_t total = 0;
  while ((n = recv(s, buf, sizeof buf, 0)) > 0) {
    fwrite(buf, 1, (size_t)n, stdout);
    total += (size_t)n;
  }
  if (n < 0) printf("recv: %s\n", errname(errno));
  printf("\n");
  close(s);
  return total == strlen(text) ? 0 : 1;
}

static uint8_t pattern(size_t i) { return (uint8_t)((i * 131 + (i >> 13)) & 0xff); }

static int blast(const char *host, const char *port, size_t bytes) {
  int s = connect_to(host, port);
  fcntl(s, F_SETFL, O_NONBLOCK);
  static char out[32768], in[65536];
  size_t sent = 0, received = 0, bad = 0;
  int half_closed = 0;
  while (received < bytes) {
    struct pollfd p = {.fd = s, .events = POLLIN | (sent < bytes ? POLLOUT : 0)};
    if (poll(&p, 1, 10000) <= 0) {
      printf("stalled at sent=%zu received=%zu\n", sent, received);
      return 1;
    }
    if (sent < bytes && (p.revents & POLLOUT)) {
      size_t n = bytes - sent < sizeof out ? bytes - sent : sizeof out;
      for (size_t i = 0; i < n; i++) out[i] = (char)pattern(sent + i);
      ssize_t w = send(s, out, n, 0);
      if (w > 0) sent += (size_t)w;
      else if (w < 0 && errno != EAGAIN) {
        printf("send: %s\n", errname(errno));
        return 1;
      }
    }
    if (sent == bytes && !half_closed) {
      shutdown(s, SHUT_WR);
      half_closed = 1;
    }
    if (p.revents & (POLLIN | POLLHUP)) {
      ssize_t r = recv(s, in, sizeof in, 0);
      if (r == 0) break;
      if (r < 0 && errno != EAGAIN) {
        printf("recv: %s\n", errname(errno));
        return 1;
      }
      for (ssize_t i = 0; i < r; i++)
        if ((uint8_t)in[i] != pattern(received + (size_t)i)) bad++;
      if (r > 0) received += (size_t)r;
    }
  }
  printf("sent %zu received %zu mismatched %zu\n", sent, received, bad);
  return received == bytes && bad == 0 ? 0 : 1;
}

static int concurrent(const char *host, const char *port, int n) {
  struct sockaddr_storage sa;
  socklen_t len = resolve_or_die(host, port, SOCK_STREAM, &sa);
  static int fds[MAX_CONN];
  static char got[MAX_CONN][32];
  static size_t have[MAX_CONN];
  if (n > MAX_CONN) n = MAX_CONN;
  for (int i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fds[i] < 0) {
      printf("socket %d: %s\n", i, errname(errno));
      return 1;
    }
    if (connect(fds[i], (struct sockaddr *)&sa, len) < 0 && errno != EINPROGRESS) {
      printf("connect %d: %s\n", i, errname(errno));
      return 1;
    }
  }
  /* Wait until every connection is writable, then send "conn-I". */
  for (int i = 0; i < n; i++) {
    struct pollfd p = {.fd = fds[i], .events = POLLOUT};
    if (poll(&p, 1, 10000) <= 0) {
      printf("connection %d never completed\n", i);
      return 1;
    }
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &el);
    if (err) {
      printf("connection %d: %s\n", i, errname(err));
      return 1;
    }
    char msg[32];
    int m = snprintf(msg, sizeof msg, "conn-%d", i);
    if (send(fds[i], msg, (size_t)m, 0) != m) {
      printf("send %d: %s\n", i, errname(errno));
      return 1;
    }
    shutdown(fds[i], SHUT_WR);
  }
  int open = n, ok = 0;
  static struct pollfd ps[MAX_CONN];
  static int which[MAX_CONN];
  while (open > 0) {
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (fds[i] < 0) continue;
      ps[k].fd = fds[i];
      ps[k].events = POLLIN;
      which[k++] = i;
    }
    if (poll(ps, k, 10000) <= 0) {
      printf("stalled with %d open\n", open);
      return 1;
    }
    for (int j = 0; j < k; j++) {
      if (!ps[j].revents) continue;
      int i = which[j];
      ssize_t r = recv(fds[i], got[i] + have[i], sizeof got[i] - 1 - have[i], 0);
      if (r > 0) {
        have[i] += (size_t)r;
        continue;
      }
      if (r < 0 && errno == EAGAIN) continue;
      got[i][have[i]] = 0;
      char want[32];
      snprintf(want, sizeof want, "conn-%d", i);
      if (strcmp(got[i], want) == 0) ok++;
      else printf("connection %d got '%s'\n", i, got[i]);
      close(fds[i]);
      fds[i] = -1;
      open--;
    }
  }
  printf("%d of %d connections echoed\n", ok, n);
  return ok == n ? 0 : 1;
}

static int probe(const char *host, const char *port, int ms) {
  struct sockaddr_storage sa;
  socklen_t len = resolve_or_die(host, port, SOCK_STREAM, &sa);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int rc = connect(s, (struct sockaddr *)&sa, len);
  if (rc == 0) {
    printf("connected at once\n");
    return 0;
  }
  if (errno != EINPROGRESS) {
    printf("%s\n", errname(errno));
    return 0;
  }
  struct pollfd p = {.fd = s, .events = POLLOUT};
  int n = poll(&p, 1, ms);
  if (n == 0) {
    printf("timeout\n");
    return 0;
  }
  int err = 0;
  socklen_t el = sizeof err;
  getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
  if (err) printf("%s\n", errname(err));
  else {
    struct sockaddr_in me;
    socklen_t ml = sizeof me;
    getsockname(s, (struct sockaddr *)&me, &ml);
    printf("connected from %s\n", inet_ntoa(me.sin_addr));
  }
  return 0;
}

static int refuse(const char *host, const char *port) {
  struct sockaddr_storage sa;
  socklen_t len = resolve_or_die(host, port, SOCK_STREAM, &sa);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&sa, len) == 0) printf("connected\n");
  else printf("%s\n", errname(errno));
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 3 && strcmp(argv[1], "server") == 0) return server(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : 0);
  if (argc >= 5 && strcmp(argv[1], "client") == 0) return client(argv[2], argv[3], argv[4]);
  if (argc >= 5 && strcmp(argv[1], "blast") == 0) return blast(argv[2], argv[3], (size_t)atol(argv[4]));
  if (argc >= 5 && strcmp(argv[1], "concurrent") == 0) return concurrent(argv[2], argv[3], atoi(argv[4]));
  if (argc >= 5 && strcmp(argv[1], "probe") == 0) return probe(argv[2], argv[3], atoi(argv[4]));
  if (argc >= 4 && strcmp(argv[1], "refuse") == 0) return refuse(argv[2], argv[3]);
  fprintf(stderr, "usage: net-echo server|client|blast|concurrent|probe|refuse ...\n");
  return 64;
}
