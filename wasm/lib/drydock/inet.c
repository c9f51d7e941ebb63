/* The <arpa/inet.h> calls wasi-libc leaves out (inet_aton, inet_pton, inet_ntop come from libc.a). */
#include <arpa/inet.h>
#include <stdio.h>

in_addr_t inet_addr(const char *text) {
  struct in_addr a;
  if (!inet_aton(text, &a)) return INADDR_NONE;
  return a.s_addr;
}

in_addr_t inet_network(const char *text) { return ntohl(inet_addr(text)); }

char *inet_ntoa(struct in_addr in) {
  static char buf[16];
  unsigned char *a = (unsigned char *)&in;
  snprintf(buf, sizeof buf, "%d.%d.%d.%d", a[0], a[1], a[2], a[3]);
  return buf;
}

struct in_addr inet_makeaddr(in_addr_t net, in_addr_t host) {
  if (net < 256) host |= net << 24;
  else if (net < 65536) host |= net << 16;
  else host |= net << 8;
  return (struct in_addr){.s_addr = htonl(host)};
}

in_addr_t inet_lnaof(struct in_addr in) {
  uint32_t h = ntohl(in.s_addr);
  if (h >> 24 < 128) return h & 0xffffff;
  if (h >> 24 < 192) return h & 0xffff;
  return h & 0xff;
}

in_addr_t inet_netof(struct in_addr in) {
  uint32_t h = ntohl(in.s_addr);
  if (h >> 24 < 128) return h >> 24;
  if (h >> 24 < 192) return h >> 16;
  return h >> 8;
}
