/*
 * netstat [-t] [-u] [-l|-a] [-n] [-p]: Internet sockets of the container, as
 * busybox's netstat prints them (addresses always numeric; -p shows "-").
 */
#include "drydock.h"
#include "netutils.h"

static const char *state_name(unsigned st) {
  static const char *names[] = {"",          "ESTABLISHED", "SYN_SENT", "SYN_RECV",   "FIN_WAIT1", "FIN_WAIT2",
                                "TIME_WAIT", "CLOSE",       "CLOSE_WAIT", "LAST_ACK", "LISTEN",    "CLOSING"};
  return st < sizeof names / sizeof names[0] ? names[st] : "UNKNOWN";
}

/* "0100007F:0050" (or a 32-digit IPv6 address) -> "127.0.0.1:80" / ":::80"; port 0 -> "*". */
static void format_address(const char *hex, int v6, char *out, size_t size) {
  char addr[64];
  unsigned port = 0;
  if (sscanf(hex, "%63[0-9A-Fa-f]:%x", addr, &port) != 2) {
    snprintf(out, size, "?");
    return;
  }
  char text[64];
  if (!v6) {
    struct in_addr a = {.s_addr = (uint32_t)strtoul(addr, NULL, 16)};
    snprintf(text, sizeof text, "%s", inet_ntoa(a));
  } else {
    uint8_t b[16];
    for (int w = 0; w < 4; w++) {
      char word[9];
      memcpy(word, addr + w * 8, 8);
      word[8] = 0;
      uint32_t v = (uint32_t)strtoul(word, NULL, 16);
      memcpy(b + w * 4, &v, 4);
    }
    inet_ntop(AF_INET6, b, text, sizeof text);
  }
  if (port) snprintf(out, size, "%s:%u", text, port);
  else snprintf(out, size, "%s:*", text);
}

static void list(int what, const char *proto, int v6, int listening, int all, int show_pid) {
  char *text = netinfo_text(what);
  if (!text) return;
  char *save;
  strtok_r(text, "\n", &save);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char local[80], remote[80];
    unsigned st, txq, rxq;
    if (sscanf(line, " %*d: %79s %79s %x %x:%x", local, remote, &st, &txq, &rxq) != 5) continue;
    int tcp = proto[0] == 't';
    int is_server = tcp ? st == 0x0a : st == 0x07;
    if (!all && (listening != is_server)) continue;
    char l[80], r[80];
    format_address(local, v6, l, sizeof l);
    format_address(remote, v6, r, sizeof r);
    printf("%-6s%6u %6u %-23s %-23s %-12s", proto, rxq, txq, l, r, tcp ? state_name(st) : (st == 0x01 ? "ESTABLISHED" : ""));
    if (show_pid) printf("-");
    printf("\n");
  }
  free(text);
}

int netstat_main(int argc, char **argv) {
  int tcp = 0, udp = 0, listening = 0, all = 0, show_pid = 0;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] != '-') continue;
    for (const char *p = argv[i] + 1; *p; p++) {
      switch (*p) {
        case 't': tcp = 1; break;
        case 'u': udp = 1; break;
        case 'l': listening = 1; break;
        case 'a': all = 1; break;
        case 'p': show_pid = 1; break;
        case 'n':
        case 'e':
        case 'W':
        case 'w':
        case 'x': break;
        case 'r': return route_main(1, argv);
        default: die("invalid option -- '%c'", *p);
      }
    }
  }
  int unix_too = !tcp && !udp;
  if (!tcp && !udp) tcp = udp = 1;
  printf("Active Internet connections (%s)\n", all ? "servers and established" : listening ? "only servers" : "w/o servers");
  printf("Proto Recv-Q Send-Q %-23s %-23s State       %s\n", "Local Address", "Foreign Address", show_pid ? "PID/Program name" : "");
  if (tcp) {
    list(DRYDOCK_NETINFO_TCP, "tcp", 0, listening, all, show_pid);
    list(DRYDOCK_NETINFO_TCP6, "tcp", 1, listening, all, show_pid);
  }
  if (udp) {
    list(DRYDOCK_NETINFO_UDP, "udp", 0, listening, all, show_pid);
    list(DRYDOCK_NETINFO_UDP6, "udp", 1, listening, all, show_pid);
  }
  if (unix_too) {
    printf("Active UNIX domain sockets (%s)\n", all ? "servers and established" : listening ? "only servers" : "w/o servers");
    printf("Proto RefCnt Flags       Type       State         I-Node Path\n");
  }
  return 0;
}
