/*
 * netutils: Drydock's network tools in one multicall binary, chosen by the
 * name it is run as (a link named wget, nc, ...) or by its first argument
 * (`netutils wget ...`). Outputs follow busybox's, which the alpine and
 * busybox images' users expect. See README.md.
 */
#include <libgen.h>
#include <stdarg.h>
#include <time.h>
#include "drydock.h"
#include "netutils.h"

const char *applet = "netutils";

static const struct {
  const char *name;
  int (*main)(int, char **);
} applets[] = {
    {"nc", nc_main},       {"netcat", nc_main},         {"wget", wget_main},       {"nslookup", nslookup_main},
    {"ping", ping_main},   {"ip", ip_main},             {"ifconfig", ifconfig_main}, {"netstat", netstat_main},
    {"route", route_main},
};

void warnx_(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", applet);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fflush(stdout);
  fprintf(stderr, "%s: ", applet);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

struct in_addr resolve4(const char *host) {
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, NULL, &hints, &res) != 0) die("bad address '%s'", host);
  struct in_addr a = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
  freeaddrinfo(res);
  return a;
}

char *netinfo_text(int what) {
  uint32_t need = 4096;
  for (int tries = 0; tries < 4; tries++) {
    char *buf = malloc(need);
    if (!buf) return NULL;
    uint32_t got = 0;
    int32_t err = __drydock_netinfo(what, buf, need, &got);
    if (err == 0) return buf;
    free(buf);
    if (err != ERANGE) {
      errno = err;
      return NULL;
    }
    need = got;
  }
  return NULL;
}

int read_interfaces(struct iface *out, int max) {
  char *text = netinfo_text(DRYDOCK_NETINFO_INTERFACES);
  if (!text) return 0;
  int n = 0;
  char *save;
  for (char *line = strtok_r(text, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
    struct iface *f = &out[n];
    memset(f, 0, sizeof *f);
    int used = 0;
    if (sscanf(line, "%d %31s %127s %d %31s%n", &f->index, f->name, f->flags, &f->mtu, f->mac, &used) < 5) continue;
    char *rest = line + used;
    char *save2;
    for (char *a = strtok_r(rest, " ", &save2); a && f->naddr < 8; a = strtok_r(NULL, " ", &save2)) {
      snprintf(f->addr[f->naddr++], sizeof f->addr[0], "%s", a);
    }
    n++;
  }
  free(text);
  return n;
}

long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long now_ms(void) { return now_us() / 1000; }

int main(int argc, char **argv) {
  char *name = basename(argv[0]);
  char *dot = strrchr(name, '.');
  if (dot && strcmp(dot, ".wasm") == 0) *dot = 0;
  if (strcmp(name, "netutils") == 0) {
    if (argc < 2) {
      fprintf(stderr, "usage: netutils APPLET [ARGS...]\napplets:");
      for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++) fprintf(stderr, " %s", applets[i].name);
      fprintf(stderr, "\n");
      return 1;
    }
    argv++;
    argc--;
    name = argv[0];
  }
  for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++) {
    if (strcmp(name, applets[i].name) == 0) {
      applet = applets[i].name;
      setvbuf(stdout, NULL, _IOLBF, 0);
      return applets[i].main(argc, argv);
    }
  }
  fprintf(stderr, "netutils: applet not found: %s\n", name);
  return 127;
}
