/* route [-n]: the IPv4 routing table as busybox's route prints it. */
#include "drydock.h"
#include "netutils.h"

int route_main(int argc, char **argv) {
  int numeric = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-n") == 0 || strcmp(argv[i], "-rn") == 0 || strcmp(argv[i], "-nr") == 0) numeric = 1;
    else if (strcmp(argv[i], "-r") == 0) continue;
    else die("changing routes is not supported (routes are set by the engine)");
  }
  char *text = netinfo_text(DRYDOCK_NETINFO_ROUTE);
  if (!text) die("can't read routes: %s", strerror(errno));
  printf("Kernel IP routing table\n");
  printf("Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n");
  char *save;
  strtok_r(text, "\n", &save);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char dev[32];
    unsigned dest, gw, flags, mask;
    if (sscanf(line, "%31s %x %x %x %*d %*d %*d %x", dev, &dest, &gw, &flags, &mask) != 5) continue;
    char d[32], g[32], m[32], f[8];
    struct in_addr a;
    a.s_addr = dest;
    snprintf(d, sizeof d, "%s", numeric || dest ? inet_ntoa(a) : "default");
    a.s_addr = gw;
    snprintf(g, sizeof g, "%s", numeric || gw ? inet_ntoa(a) : "*");
    a.s_addr = mask;
    snprintf(m, sizeof m, "%s", inet_ntoa(a));
    snprintf(f, sizeof f, "%s%s", flags & 1 ? "U" : "", flags & 2 ? "G" : "");
    printf("%-15s %-15s %-15s %-5s %-6d %-6d%4d %s\n", d, g, m, f, 0, 0, 0, dev);
  }
  free(text);
  return 0;
}
