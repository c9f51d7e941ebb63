/*
 * Throughput and connection-rate benchmark programs (bench/net.bench.ts):
 *   sink PORT N          accept N connections one after another, read each to EOF;
 *                        print "listening" first and "received BYTES" at the end
 *   source HOST PORT BYTES   connect and send BYTES in 64 KiB writes, then close
 *   connects HOST PORT N     N times: connect, close (the sink counts them)
 */
#include <stdint.h>
#include "net-common.h"

static char buf[65536];

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 4 && strcmp(argv[1], "sink") == 0) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(atoi(argv[2]));
    if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 128) < 0) {
      printf("listen: %s\n", errname(errno));
      return 1;
    }
    printf("listening\n");
    long long total = 0;
    int n = atoi(argv[3]);
    for (int i = 0; i < n; i++) {
      int c = accept(s, NULL, NULL);
      ssize_t r;
      while ((r = recv(c, buf, sizeof buf, 0)) > 0) total += r;
      close(c);
    }
    printf("received %lld\n", total);
    return 0;
  }
  if (argc >= 5 && strcmp(argv[1], "source") == 0) {
    struct sockaddr_storage sa;
    socklen_t len = resolve_or_die(argv[2], argv[3], SOCK_STREAM, &sa);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&sa, len) < 0) {
      printf("connect: %s\n", errname(errno));
      return 1;
    }
    long long left = atoll(argv[4]);
    memset(buf, 'x', sizeof buf);
    while (left > 0) {
      ssize_t w = send(s, buf, left < (long long)sizeof buf ? (size_t)left : sizeof buf, 0);
      if (w < 0) {
        printf("send: %s\n", errname(errno));
        return 1;
      }
      left -= w;
    }
    close(s);
    return 0;
  }
  if (argc >= 5 && strcmp(argv[1], "connects") == 0) {
    struct sockaddr_storage sa;
    socklen_t len = resolve_or_die(argv[2], argv[3], SOCK_STREAM, &sa);
    int n = atoi(argv[4]);
    for (int i = 0; i < n; i++) {
      int s = socket(AF_INET, SOCK_STREAM, 0);
      if (connect(s, (struct sockaddr *)&sa, len) < 0) {
        printf("connect %d: %s\n", i, errname(errno));
        return 1;
      }
      close(s);
    }
    return 0;
  }
  fprintf(stderr, "usage: net-bench sink|source|connects ...\n");
  return 64;
}
