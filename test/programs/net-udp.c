/*
 * UDP and ICMP tests, driven by argv[1]:
 *   server PORT N        echo N datagrams back to their senders, print "listening PORT" first
 *   client HOST PORT MSG...  send each MSG, print each reply (1 s timeout each)
 *   from HOST PORT MSG...    as client, printing each reply's sender: "reply from A.B.C.D:PORT: MSG"
 *   connected HOST PORT MSG... as client through a connected socket (connect, send, recv): a port
 *                        nobody holds answers ECONNREFUSED; a connect that fails prints its error
 *   trunc                two datagrams over loopback: a short read truncates (MSG_TRUNC gives
 *                        the full size), boundaries are kept; ECONNREFUSED on a connected socket
 *   ping HOST N          N ICMP echo requests through a ping socket, print replies or "no reply"
 */
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/time.h>
#include "net-common.h"

static int udp_server(int port, int n) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
    printf("bind: %s\n", errname(errno));
    return 1;
  }
  printf("listening %d\n", port);
  for (int i = 0; i < n; i++) {
    char buf[2048];
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t r = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    if (r < 0) {
      printf("recvfrom: %s\n", errname(errno));
      return 1;
    }
    sendto(s, buf, (size_t)r, 0, (struct sockaddr *)&from, len);
  }
  return 0;
}

enum client_mode { PLAIN, SHOW_SENDER, CONNECTED };

static int udp_client(const char *host, const char *port, int argc, char **msgs, enum client_mode mode) {
  struct sockaddr_storage sa;
  socklen_t len = resolve_or_die(host, port, SOCK_DGRAM, &sa);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct timeval tv = {.tv_sec = 1};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (mode == CONNECTED && connect(s, (struct sockaddr *)&sa, len) < 0) {
    printf("connect: %s\n", errname(errno));
    return 0;
  }
  for (int i = 0; i < argc; i++) {
    ssize_t sent = mode == CONNECTED ? send(s, msgs[i], strlen(msgs[i]), 0) : sendto(s, msgs[i], strlen(msgs[i]), 0, (struct sockaddr *)&sa, len);
    if (sent < 0) {
      printf("send: %s\n", errname(errno));
      continue;
    }
    char buf[2048];
    struct sockaddr_in from = {0};
    socklen_t fl = sizeof from;
    ssize_t r = recvfrom(s, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &fl);
    if (r < 0) printf("no reply: %s\n", errname(errno));
    else {
      buf[r] = 0;
      if (mode == SHOW_SENDER) printf("reply from %s:%d: %s\n", inet_ntoa(from.sin_addr), ntohs(from.sin_port), buf);
      else printf("reply: %s\n", buf);
    }
  }
  return 0;
}

static int trunc_test(void) {
  int r = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(9999);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(r, (struct sockaddr *)&a, sizeof a);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  sendto(s, "0123456789", 10, 0, (struct sockaddr *)&a, sizeof a);
  sendto(s, "abc", 3, 0, (struct sockaddr *)&a, sizeof a);
  char buf[32];
  ssize_t n = recv(r, buf, 4, MSG_PEEK | MSG_TRUNC);
  printf("peek trunc: %zd\n", n);
  n = recv(r, buf, 4, 0);
  printf("short read: %zd %.4s\n", n, buf);
  n = recv(r, buf, sizeof buf, 0);
  printf("next datagram: %zd %.3s\n", n, buf);
  struct sockaddr_in nobody = a;
  nobody.sin_port = htons(9998);
  connect(s, (struct sockaddr *)&nobody, sizeof nobody);
  send(s, "x", 1, 0);
  struct pollfd p = {.fd = s, .events = POLLIN};
  poll(&p, 1, 1000);
  n = recv(s, buf, sizeof buf, 0);
  printf("connected to a closed port: %s\n", n < 0 ? errname(errno) : "data");
  return 0;
}

static uint16_t checksum(const uint8_t *b, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(b[i] << 8 | b[i + 1]);
  if (n & 1) sum += (uint32_t)b[n - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

static int ping(const char *host, int count) {
  struct sockaddr_storage sa;
  socklen_t len = resolve_or_die(host, "0", SOCK_DGRAM, &sa);
  int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
  if (s < 0) {
    printf("socket: %s\n", errname(errno));
    return 1;
  }
  for (int seq = 1; seq <= count; seq++) {
    uint8_t pkt[64] = {8, 0, 0, 0, 0x12, 0x34, (uint8_t)(seq >> 8), (uint8_t)seq};
    for (int i = 8; i < 64; i++) pkt[i] = (uint8_t)i;
    uint16_t c = checksum(pkt, sizeof pkt);
    pkt[2] = (uint8_t)(c >> 8);
    pkt[3] = (uint8_t)c;
    if (sendto(s, pkt, sizeof pkt, 0, (struct sockaddr *)&sa, len) < 0) {
      printf("sendto: %s\n", errname(errno));
      return 1;
    }
    struct pollfd p = {.fd = s, .events = POLLIN};
    if (poll(&p, 1, 1000) <= 0) {
      printf("seq %d: no reply\n", seq);
      continue;
    }
    uint8_t reply[128];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(s, reply, sizeof reply, 0, (struct sockaddr *)&from, &fl);
    int ok = n == 64 && reply[0] == 0 && checksum(reply, (size_t)n) == 0 && ((reply[6] << 8) | reply[7]) == seq;
    printf("seq %d: %zd bytes from %s %s\n", seq, n, inet_ntoa(from.sin_addr), ok ? "ok" : "bad");
  }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 4 && strcmp(argv[1], "server") == 0) return udp_server(atoi(argv[2]), atoi(argv[3]));
  if (argc >= 5 && strcmp(argv[1], "client") == 0) return udp_client(argv[2], argv[3], argc - 4, argv + 4, PLAIN);
  if (argc >= 5 && strcmp(argv[1], "from") == 0) return udp_client(argv[2], argv[3], argc - 4, argv + 4, SHOW_SENDER);
  if (argc >= 5 && strcmp(argv[1], "connected") == 0) return udp_client(argv[2], argv[3], argc - 4, argv + 4, CONNECTED);
  if (argc >= 2 && strcmp(argv[1], "trunc") == 0) return trunc_test();
  if (argc >= 4 && strcmp(argv[1], "ping") == 0) return ping(argv[2], atoi(argv[3]));
  fprintf(stderr, "usage: net-udp server|client|from|connected|trunc|ping ...\n");
  return 64;
}
