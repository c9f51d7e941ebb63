/*
 * ping: ICMP echo through a ping socket (SOCK_DGRAM + IPPROTO_ICMP), with
 * busybox ping's options and output:
 *   ping [-c COUNT] [-i SEC] [-W SEC] [-w SEC] [-s SIZE] [-q] HOST
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include "netutils.h"

static volatile sig_atomic_t interrupted = 0;
static void on_int(int sig) {
  (void)sig;
  interrupted = 1;
}

static uint16_t checksum(const uint8_t *b, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(b[i] << 8 | b[i + 1]);
  if (n & 1) sum += (uint32_t)b[n - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

int ping_main(int argc, char **argv) {
  long count = -1;
  double interval = 1.0;
  int wait_s = 10, deadline_s = -1, size = 56, quiet = 0;
  int opt;
  while ((opt = getopt(argc, argv, "c:i:W:w:s:qt:I:4")) != -1) {
    switch (opt) {
      case 'c': count = atol(optarg); break;
      case 'i': interval = atof(optarg); break;
      case 'W': wait_s = atoi(optarg); break;
      case 'w': deadline_s = atoi(optarg); break;
      case 's': size = atoi(optarg); break;
      case 'q': quiet = 1; break;
      case 't':
      case 'I':
      case '4': break;
      default:
        fprintf(stderr, "usage: ping [-c COUNT] [-i SEC] [-W SEC] [-w SEC] [-s SIZE] [-q] HOST\n");
        return 1;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "usage: ping [-c COUNT] [-i SEC] [-W SEC] [-w SEC] [-s SIZE] [-q] HOST\n");
    return 1;
  }
  if (size < 0 || size > 65500) die("invalid size");
  const char *host = argv[optind];
  struct sockaddr_in dst = {0};
  dst.sin_family = AF_INET;
  dst.sin_addr = resolve4(host);
  int s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
  if (s < 0) die("socket: %s", strerror(errno));
  struct sigaction sa = {0};
  sa.sa_handler = on_int;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  printf("PING %s (%s): %d data bytes\n", host, inet_ntoa(dst.sin_addr), size);
  size_t plen = 8 + (size_t)size;
  uint8_t *pkt = calloc(1, plen), *reply = malloc(plen + 64);
  long long *sent_at = NULL;
  long transmitted = 0, received = 0;
  double min = 0, max = 0, sum = 0;
  long long start = now_ms(), next_send = start, last_sent = 0;
  long long cap = 0;
  while (!interrupted) {
    long long now = now_ms();
    if (deadline_s >= 0 && now - start >= deadline_s * 1000LL) break;
    int all_sent = count >= 0 && transmitted >= count;
    if (all_sent && (received >= count || now - last_sent >= wait_s * 1000LL)) break;
    if (!all_sent && now >= next_send) {
      if (transmitted >= cap) {
        cap = cap ? cap * 2 : 64;
        sent_at = realloc(sent_at, (size_t)cap * sizeof *sent_at);
      }
      memset(pkt, 0, plen);
      pkt[0] = 8;
      uint16_t seq = (uint16_t)transmitted;
      pkt[6] = (uint8_t)(seq >> 8);
      pkt[7] = (uint8_t)seq;
      for (size_t i = 8; i < plen; i++) pkt[i] = (uint8_t)i;
      uint16_t c = checksum(pkt, plen);
      pkt[2] = (uint8_t)(c >> 8);
      pkt[3] = (uint8_t)c;
      sent_at[transmitted] = now_us();
      if (sendto(s, pkt, plen, 0, (struct sockaddr *)&dst, sizeof dst) < 0) die("sendto: %s", strerror(errno));
      transmitted++;
      last_sent = now;
      next_send = now + (long long)(interval * 1000);
      continue;
    }
    long long wake = all_sent ? last_sent + wait_s * 1000LL : next_send;
    if (deadline_s >= 0 && start + deadline_s * 1000LL < wake) wake = start + deadline_s * 1000LL;
    int timeout = (int)(wake - now_ms());
    if (timeout < 0) timeout = 0;
    struct pollfd p = {.fd = s, .events = POLLIN};
    int n = poll(&p, 1, timeout);
    if (n <= 0) continue;
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t r = recvfrom(s, reply, plen + 64, 0, (struct sockaddr *)&from, &fl);
    if (r < 8 || reply[0] != 0) continue;
    uint16_t seq = (uint16_t)((reply[6] << 8) | reply[7]);
    if (seq >= transmitted) continue;
    double ms = (double)(now_us() - sent_at[seq]) / 1000.0;
    if (received == 0 || ms < min) min = ms;
    if (ms > max) max = ms;
    sum += ms;
    received++;
    if (!quiet) printf("%zd bytes from %s: seq=%u ttl=64 time=%.3f ms\n", r, inet_ntoa(from.sin_addr), seq, ms);
  }
  printf("\n--- %s ping statistics ---\n", host);
  printf("%ld packets transmitted, %ld packets received, %ld%% packet loss\n", transmitted, received,
         transmitted ? (transmitted - received) * 100 / transmitted : 0);
  if (received) printf("round-trip min/avg/max = %.3f/%.3f/%.3f ms\n", min, sum / (double)received, max);
  return received ? 0 : 1;
}
