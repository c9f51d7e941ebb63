/*
 * ip: `ip [-4|-6] addr|link|route [show [dev] IFACE]`, printed as
 * busybox's ip does. Reads the kernel's interface list and routes
 * (drydock.h netinfo).
 */
#include "drydock.h"
#include "netutils.h"

static int family = 0; /* 0 both, 4, 6 */

static void broadcast_of(const char *cidr, char *out, size_t size) {
  char ip[64];
  int prefix = 32;
  sscanf(cidr, "%63[^/]/%d", ip, &prefix);
  struct in_addr a;
  inet_pton(AF_INET, ip, &a);
  uint32_t h = ntohl(a.s_addr);
  uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
  struct in_addr b = {.s_addr = htonl(h | ~mask)};
  snprintf(out, size, "%s", inet_ntoa(b));
}

static void show_link(const struct iface *f) {
  int lo = strstr(f->flags, "LOOPBACK") != NULL;
  printf("%d: %s: <%s> mtu %d qdisc noqueue %s\n", f->index, f->name, f->flags, f->mtu, lo ? "qlen 1000" : "");
  printf("    link/%s %s brd %s\n", lo ? "loopback" : "ether", f->mac, lo ? "00:00:00:00:00:00" : "ff:ff:ff:ff:ff:ff");
}

static void show_addr(const struct iface *f) {
  int lo = strstr(f->flags, "LOOPBACK") != NULL;
  int any = 0;
  for (int i = 0; i < f->naddr; i++) {
    int v6 = strchr(f->addr[i], ':') != NULL;
    if ((family == 4 && v6) || (family == 6 && !v6)) continue;
    any = 1;
  }
  if (!any && family != 0) return;
  show_link(f);
  for (int i = 0; i < f->naddr; i++) {
    int v6 = strchr(f->addr[i], ':') != NULL;
    if ((family == 4 && v6) || (family == 6 && !v6)) continue;
    if (v6) {
      printf("    inet6 %s scope %s \n", f->addr[i], lo ? "host" : "global");
    } else {
      char brd[32];
      broadcast_of(f->addr[i], brd, sizeof brd);
      if (lo) printf("    inet %s scope host %s\n", f->addr[i], f->name);
      else printf("    inet %s brd %s scope global %s\n", f->addr[i], brd, f->name);
    }
    printf("       valid_lft forever preferred_lft forever\n");
  }
}

static int show_routes(void) {
  char *text = netinfo_text(DRYDOCK_NETINFO_ROUTE);
  if (!text) die("can't read routes: %s", strerror(errno));
  struct iface ifs[32];
  int nif = read_interfaces(ifs, 32);
  char *save;
  strtok_r(text, "\n", &save); /* header */
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char dev[32];
    unsigned dest, gw, flags, mask;
    if (sscanf(line, "%31s %x %x %x %*d %*d %*d %x", dev, &dest, &gw, &flags, &mask) != 5) continue;
    struct in_addr d = {.s_addr = dest}, g = {.s_addr = gw};
    if (dest == 0 && mask == 0) {
      printf("default via %s dev %s \n", inet_ntoa(g), dev);
      continue;
    }
    int prefix = __builtin_popcount(mask);
    char src[64] = "";
    for (int i = 0; i < nif; i++) {
      if (strcmp(ifs[i].name, dev) != 0) continue;
      for (int j = 0; j < ifs[i].naddr; j++)
        if (!strchr(ifs[i].addr[j], ':')) {
          sscanf(ifs[i].addr[j], "%63[^/]", src);
          break;
        }
    }
    printf("%s/%d dev %s scope link  src %s \n", inet_ntoa(d), prefix, dev, src);
  }
  free(text);
  return 0;
}

int ip_main(int argc, char **argv) {
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-4") == 0) family = 4;
    else if (strcmp(argv[i], "-6") == 0) family = 6;
  }
  const char *object = i < argc ? argv[i++] : "addr";
  if (i < argc && (strcmp(argv[i], "show") == 0 || strcmp(argv[i], "list") == 0 || strcmp(argv[i], "ls") == 0)) i++;
  if (i < argc && strcmp(argv[i], "dev") == 0) i++;
  const char *dev = i < argc ? argv[i] : NULL;
  if (strncmp(object, "route", strlen(object)) == 0 || strcmp(object, "r") == 0) return show_routes();
  int addr = strcmp(object, "a") == 0 || strncmp(object, "address", strlen(object)) == 0;
  int link = strcmp(object, "l") == 0 || strncmp(object, "link", strlen(object)) == 0;
  if (!addr && !link) die("unknown object \"%s\" (try addr, link, route)", object);
  struct iface ifs[32];
  int n = read_interfaces(ifs, 32);
  int shown = 0;
  for (int k = 0; k < n; k++) {
    if (dev && strcmp(dev, ifs[k].name) != 0) continue;
    shown++;
    if (addr) show_addr(&ifs[k]);
    else show_link(&ifs[k]);
  }
  if (dev && !shown) die("can't find device '%s'", dev);
  return 0;
}
