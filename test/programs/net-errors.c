/*
 * Socket error semantics, each case in one process over loopback; prints one
 * line per check. argv[1] picks the case:
 *   addrinuse   a second bind of a listening port; SO_REUSEADDR does not help
 *   reset       the peer closes with unread data: ECONNRESET, then EOF, then EPIPE
 *   epipe       send after the peer closed: first send ok, then EPIPE (MSG_NOSIGNAL),
 *               then a plain send raises SIGPIPE (which kills the process: exit 141)
 *   sigpipe-ignored  the same with SIGPIPE ignored: send returns EPIPE
 *   names       getsockname/getpeername/SO_TYPE/SO_ERROR/SO_RCVBUF/ENOTCONN/ENOTSOCK
 *   nonblock    accept and recv on non-blocking sockets: EAGAIN; MSG_DONTWAIT; MSG_PEEK
 *   backlog     listen(1): three clients connect, all get in once accept runs
 *   hold PORT   listen (print "listening"), accept one connection, print "accepted",
 *               never read (wait to be killed)
 *   await PORT  connect, send, print "sent", then report what recv gets
 */
#include <fcntl.h>
#include <signal.h>
#include "net-common.h"

static struct sockaddr_in loopback(int port) {
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static int listener(int port, int reuse) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (reuse) setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
  struct sockaddr_in a = loopback(port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) return -errno;
  if (listen(s, 8) < 0) return -errno;
  return s;
}

static int dial(int port) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = loopback(port);
  if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) {
    printf("connect: %s\n", errname(errno));
    exit(1);
  }
  return c;
}

static void check(const char *what, ssize_t rc) { printf("%s: %s\n", what, rc < 0 ? errname(errno) : "OK"); }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "addrinuse") == 0) {
    int a = listener(7001, 1);
    printf("first: %s\n", a >= 0 ? "OK" : errname(-a));
    int b = listener(7001, 0);
    printf("second: %s\n", b >= 0 ? "OK" : errname(-b));
    int c = listener(7001, 1);
    printf("second with SO_REUSEADDR: %s\n", c >= 0 ? "OK" : errname(-c));
    close(a);
    int d = listener(7001, 0);
    printf("after close: %s\n", d >= 0 ? "OK" : errname(-d));
    return 0;
  }
  if (strcmp(mode, "reset") == 0) {
    int l = listener(7002, 1);
    int c = dial(7002);
    int s = accept(l, NULL, NULL);
    check("send", send(c, "unread", 6, 0));
    close(s); /* with unread data: RST */
    char buf[16];
    check("recv", recv(c, buf, sizeof buf, 0));
    ssize_t n = recv(c, buf, sizeof buf, 0);
    printf("recv again: %zd\n", n);
    check("send after reset", send(c, "x", 1, MSG_NOSIGNAL));
    return 0;
  }
  if (strcmp(mode, "epipe") == 0 || strcmp(mode, "sigpipe-ignored") == 0) {
    if (mode[0] == 's') signal(SIGPIPE, SIG_IGN);
    int l = listener(7003, 1);
    int c = dial(7003);
    int s = accept(l, NULL, NULL);
    close(s); /* nothing unread: FIN */
    char buf[16];
    printf("recv: %zd\n", recv(c, buf, sizeof buf, 0));
    check("first send", send(c, "a", 1, MSG_NOSIGNAL));
    check("second send (MSG_NOSIGNAL)", send(c, "b", 1, MSG_NOSIGNAL));
    check("write", write(c, "c", 1));
    printf("still alive\n");
    return 0;
  }
  if (strcmp(mode, "names") == 0) {
    int l = listener(7004, 1);
    int c = dial(7004);
    int s = accept(l, NULL, NULL);
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    getsockname(c, (struct sockaddr *)&a, &len);
    printf("client local %s port>=32768 %d len %u\n", inet_ntoa(a.sin_addr), ntohs(a.sin_port) >= 32768, len);
    int cport = ntohs(a.sin_port);
    len = sizeof a;
    getpeername(s, (struct sockaddr *)&a, &len);
    printf("server peer %s same port %d\n", inet_ntoa(a.sin_addr), ntohs(a.sin_port) == cport);
    len = sizeof a;
    getpeername(c, (struct sockaddr *)&a, &len);
    printf("client peer %s:%d\n", inet_ntoa(a.sin_addr), ntohs(a.sin_port));
    int v = -1;
    len = sizeof v;
    getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &len);
    printf("SO_TYPE stream %d\n", v == SOCK_STREAM);
    getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len);
    printf("SO_ERROR %d\n", v);
    getsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, &len);
    printf("SO_RCVBUF %d\n", v);
    int one = 1;
    check("TCP_NODELAY", setsockopt(c, IPPROTO_TCP, 1, &one, sizeof one));
    check("SO_KEEPALIVE", setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one));
    int u = socket(AF_INET, SOCK_STREAM, 0);
    len = sizeof a;
    check("getpeername unconnected", getpeername(u, (struct sockaddr *)&a, &len));
    check("send on a pipe", send(1, "x", 1, 0));
    return 0;
  }
  if (strcmp(mode, "nonblock") == 0) {
    int l = listener(7005, 1);
    fcntl(l, F_SETFL, O_NONBLOCK);
    check("accept with nobody", accept(l, NULL, NULL));
    int c = dial(7005);
    int s = accept(l, NULL, NULL);
    char buf[16];
    check("recv MSG_DONTWAIT", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    send(c, "peekaboo", 8, 0);
    ssize_t n = recv(s, buf, 4, MSG_PEEK);
    printf("peek %zd %.4s\n", n, buf);
    n = recv(s, buf, sizeof buf, 0);
    printf("read %zd %.8s\n", n, buf);
    return 0;
  }
  if (strcmp(mode, "backlog") == 0) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(7006);
    bind(l, (struct sockaddr *)&a, sizeof a);
    listen(l, 1);
    int cs[3];
    for (int i = 0; i < 3; i++) {
      cs[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      int rc = connect(cs[i], (struct sockaddr *)&a, sizeof a);
      printf("connect %d: %s\n", i, rc == 0 ? "OK" : errname(errno));
    }
    for (int i = 0; i < 3; i++) {
      int s = accept(l, NULL, NULL);
      printf("accepted %d: %s\n", i, s >= 0 ? "OK" : errname(errno));
    }
    return 0;
  }
  if (strcmp(mode, "hold") == 0 && argc > 2) {
    int l = listener(atoi(argv[2]), 1);
    printf("listening\n");
    int s = accept(l, NULL, NULL);
    printf("accepted %s\n", s >= 0 ? "OK" : errname(errno));
    for (;;) pause();
  }
  if (strcmp(mode, "await") == 0 && argc > 2) {
    int c = dial(atoi(argv[2]));
    check("sent", send(c, "data", 4, 0));
    char buf[16];
    check("recv", recv(c, buf, sizeof buf, 0));
    return 0;
  }
  fprintf(stderr, "unknown mode\n");
  return 64;
}
