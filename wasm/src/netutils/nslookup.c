/*
 * nslookup: asks a DNS server (the first nameserver of /etc/resolv.conf, or
 * the second argument) over UDP and prints the answers as busybox 1.35's
 * nslookup does: A and AAAA for a name, PTR for an address.
 *   nslookup [-type=A|AAAA|PTR|ANY] NAME [SERVER]
 */
#include <ctype.h>
#include <poll.h>
#include <stdint.h>
#include <strings.h>
#include "netutils.h"

enum { T_A = 1, T_PTR = 12, T_AAAA = 28, T_ANY = 255 };

static int encode_name(const char *name, uint8_t *out) {
  int n = 0;
  const char *p = name;
  while (*p) {
    const char *dot = strchr(p, '.');
    size_t len = dot ? (size_t)(dot - p) : strlen(p);
    if (len == 0 || len > 63) break;
    out[n++] = (uint8_t)len;
    memcpy(out + n, p, len);
    n += (int)len;
    p += len;
    if (*p == '.') p++;
  }
  out[n++] = 0;
  return n;
}

/* Reads a possibly compressed name at `at` into out; returns the offset after it, or -1. */
static int read_name(const uint8_t *msg, int len, int at, char *out, size_t size) {
  int next = -1, jumps = 0;
  size_t o = 0;
  for (;;) {
    if (at >= len) return -1;
    int l = msg[at];
    if (l == 0) {
      at++;
      break;
    }
    if ((l & 0xc0) == 0xc0) {
      if (at + 1 >= len || ++jumps > 32) return -1;
      if (next < 0) next = at + 2;
      at = ((l & 0x3f) << 8) | msg[at + 1];
      continue;
    }
    if (at + 1 + l > len) return -1;
    if (o && o + 1 < size) out[o++] = '.';
    for (int i = 0; i < l && o + 1 < size; i++) out[o++] = (char)msg[at + 1 + i];
    at += 1 + l;
  }
  out[o] = 0;
  return next >= 0 ? next : at;
}

static int query(int s, const struct sockaddr_in *server, const char *name, int type, uint8_t *reply, int *rlen) {
  uint8_t msg[512];
  static uint16_t id = 0x4242;
  id++;
  msg[0] = (uint8_t)(id >> 8);
  msg[1] = (uint8_t)id;
  msg[2] = 0x01; /* RD */
  msg[3] = 0;
  msg[4] = 0;
  msg[5] = 1;
  memset(msg + 6, 0, 6);
  int n = 12 + encode_name(name, msg + 12);
  msg[n++] = (uint8_t)(type >> 8);
  msg[n++] = (uint8_t)type;
  msg[n++] = 0;
  msg[n++] = 1;
  for (int attempt = 0; attempt < 2; attempt++) {
    sendto(s, msg, (size_t)n, 0, (const struct sockaddr *)server, sizeof *server);
    long long deadline = now_ms() + 2500;
    for (;;) {
      long long left = deadline - now_ms();
      if (left <= 0) break;
      struct pollfd p = {.fd = s, .events = POLLIN};
      if (poll(&p, 1, (int)left) <= 0) break;
      ssize_t r = recv(s, reply, 4096, 0);
      if (r >= 12 && reply[0] == msg[0] && reply[1] == msg[1]) {
        *rlen = (int)r;
        return 0;
      }
    }
  }
  return -1;
}

/* Prints one answer section; returns 0 for an answer (possibly empty), 1 for an error rcode. */
static int print_answer(const char *name, const uint8_t *r, int len) {
  int rcode = r[3] & 0x0f;
  int aa = (r[2] & 0x04) != 0;
  if (rcode != 0) {
    static const char *names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    printf("** server can't find %s: %s\n\n", name, rcode < 6 ? names[rcode] : "error");
    return 1;
  }
  int qd = (r[4] << 8) | r[5], an = (r[6] << 8) | r[7];
  int at = 12;
  char buf[256];
  for (int i = 0; i < qd; i++) {
    at = read_name(r, len, at, buf, sizeof buf);
    if (at < 0) return 1;
    at += 4;
  }
  if (!aa) printf("Non-authoritative answer:\n");
  for (int i = 0; i < an && at < len; i++) {
    char owner[256];
    at = read_name(r, len, at, owner, sizeof owner);
    if (at < 0 || at + 10 > len) break;
    int type = (r[at] << 8) | r[at + 1];
    int rdlen = (r[at + 8] << 8) | r[at + 9];
    at += 10;
    if (at + rdlen > len) break;
    if (type == T_A && rdlen == 4) {
      printf("Name:\t%s\nAddress: %d.%d.%d.%d\n", owner, r[at], r[at + 1], r[at + 2], r[at + 3]);
    } else if (type == T_AAAA && rdlen == 16) {
      char text[64];
      inet_ntop(AF_INET6, r + at, text, sizeof text);
      printf("Name:\t%s\nAddress: %s\n", owner, text);
    } else if (type == T_PTR || type == 5 /* CNAME */) {
      char target[256];
      read_name(r, len, at, target, sizeof target);
      printf(type == T_PTR ? "%s\tname = %s\n" : "%s\tcanonical name = %s\n", owner, target);
    }
    at += rdlen;
  }
  printf("\n");
  return 0;
}

int nslookup_main(int argc, char **argv) {
  int types[2] = {T_A, T_AAAA}, ntypes = 2;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *t = strchr(argv[i], '=');
    if (!t) continue;
    t++;
    ntypes = 1;
    if (strcasecmp(t, "a") == 0) types[0] = T_A;
    else if (strcasecmp(t, "aaaa") == 0) types[0] = T_AAAA;
    else if (strcasecmp(t, "ptr") == 0) types[0] = T_PTR;
    else if (strcasecmp(t, "any") == 0) types[0] = T_ANY;
    else die("invalid query type \"%s\"", t);
  }
  if (i >= argc) {
    fprintf(stderr, "usage: nslookup [-type=QUERY_TYPE] HOST [DNS_SERVER]\n");
    return 1;
  }
  const char *name = argv[i];
  char server_ip[64] = "";
  if (i + 1 < argc) {
    snprintf(server_ip, sizeof server_ip, "%s", inet_ntoa(resolve4(argv[i + 1])));
  } else {
    FILE *f = fopen("/etc/resolv.conf", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
      char ns[64];
      if (sscanf(line, " nameserver %63s", ns) == 1) {
        snprintf(server_ip, sizeof server_ip, "%s", ns);
        break;
      }
    }
    if (f) fclose(f);
    if (!server_ip[0]) snprintf(server_ip, sizeof server_ip, "127.0.0.1");
  }
  struct sockaddr_in server = {0};
  server.sin_family = AF_INET;
  server.sin_port = htons(53);
  if (inet_pton(AF_INET, server_ip, &server.sin_addr) != 1) die("bad address '%s'", server_ip);
  printf("Server:\t\t%s\nAddress:\t%s:53\n\n", server_ip, server_ip);

  char qname[300];
  struct in_addr ip;
  if (inet_pton(AF_INET, name, &ip) == 1) {
    uint8_t *b = (uint8_t *)&ip;
    snprintf(qname, sizeof qname, "%d.%d.%d.%d.in-addr.arpa", b[3], b[2], b[1], b[0]);
    types[0] = T_PTR;
    ntypes = 1;
  } else {
    snprintf(qname, sizeof qname, "%s", name);
  }
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  int failed = 0;
  static uint8_t reply[4096];
  for (int t = 0; t < ntypes; t++) {
    int len;
    if (query(s, &server, qname, types[t], reply, &len) < 0) {
      printf(";; connection timed out; no servers could be reached\n\n");
      return 1;
    }
    failed |= print_answer(qname, reply, len);
  }
  return failed;
}
