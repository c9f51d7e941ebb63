/* ifconfig [-a] [IFACE]: busybox's ifconfig listing (read-only: interfaces are configured by the engine). */
#include "drydock.h"
#include "netutils.h"

struct counters {
  long long rx_bytes, rx_packets, tx_bytes, tx_packets;
};

static struct counters counters_of(const char *name) {
  struct counters c = {0};
  char *text = netinfo_text(DRYDOCK_NETINFO_DEV);
  if (!text) return c;
  char *save;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char ifname[32];
    long long v[16];
    if (sscanf(line, " %31[^:]: %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld", ifname, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 11 &&
        strcmp(ifname, name) == 0) {
      c.rx_bytes = v[0];
      c.rx_packets = v[1];
      c.tx_bytes = v[8];
      c.tx_packets = v[9];
    }
  }
  free(text);
  return c;
}

static void human(long long n, char *out, size_t size) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = (double)n;
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    u++;
  }
  snprintf(out, size, "%.1f %s", v, units[u]);
}

static void show(const struct iface *f) {
  int lo = strstr(f->flags, "LOOPBACK") != NULL;
  if (lo) printf("%-10sLink encap:Local Loopback  \n", f->name);
  else {
    char mac[32];
    snprintf(mac, sizeof mac, "%s", f->mac);
    for (char *p = mac; *p; p++)
      if (*p >= 'a' && *p <= 'f') *p = (char)(*p - 32);
    printf("%-10sLink encap:Ethernet  HWaddr %s  \n", f->name, mac);
  }
  for (int i = 0; i < f->naddr; i++) {
    char ip[64];
    int prefix = 32;
    sscanf(f->addr[i], "%63[^/]/%d", ip, &prefix);
    if (strchr(ip, ':')) {
      printf("          inet6 addr: %s Scope:%s\n", f->addr[i], lo ? "Host" : "Global");
      continue;
    }
    struct in_addr a;
    inet_pton(AF_INET, ip, &a);
    uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    struct in_addr m = {.s_addr = htonl(mask)}, b = {.s_addr = htonl(ntohl(a.s_addr) | ~mask)};
    char mtext[32], btext[32];
    snprintf(mtext, sizeof mtext, "%s", inet_ntoa(m));
    snprintf(btext, sizeof btext, "%s", inet_ntoa(b));
    if (lo) printf("          inet addr:%s  Mask:%s\n", ip, mtext);
    else printf("          inet addr:%s  Bcast:%s  Mask:%s\n", ip, btext, mtext);
  }
  printf("          %s  MTU:%d  Metric:1\n", lo ? "UP LOOPBACK RUNNING" : "UP BROADCAST RUNNING MULTICAST", f->mtu);
  struct counters c = counters_of(f->name);
  printf("          RX packets:%lld errors:0 dropped:0 overruns:0 frame:0\n", c.rx_packets);
  printf("          TX packets:%lld errors:0 dropped:0 overruns:0 carrier:0\n", c.tx_packets);
  printf("          collisions:0 txqueuelen:%d \n", lo ? 1000 : 0);
  char rx[32], tx[32];
  human(c.rx_bytes, rx, sizeof rx);
  human(c.tx_bytes, tx, sizeof tx);
  printf("          RX bytes:%lld (%s)  TX bytes:%lld (%s)\n\n", c.rx_bytes, rx, c.tx_bytes, tx);
}

static int by_name(const void *a, const void *b) { return strcmp(((const struct iface *)a)->name, ((const struct iface *)b)->name); }

int ifconfig_main(int argc, char **argv) {
  const char *dev = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-a") == 0) continue;
    if (dev) die("interfaces are configured by the engine (changing them is not supported)");
    dev = argv[i];
  }
  struct iface ifs[32];
  int n = read_interfaces(ifs, 32);
  qsort(ifs, (size_t)n, sizeof ifs[0], by_name);
  int shown = 0;
  for (int i = 0; i < n; i++) {
    if (dev && strcmp(dev, ifs[i].name) != 0) continue;
    show(&ifs[i]);
    shown++;
  }
  if (dev && !shown) die("%s: error fetching interface information: Device not found", dev);
  return 0;
}
