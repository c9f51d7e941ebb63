/* Shared by the netutils applets. */
#ifndef NETUTILS_H
#define NETUTILS_H
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

extern const char *applet;

/* "applet: message" on stderr. */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* warnx_ then exit(1). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Resolves an IPv4 host (name or address); on failure prints "APPLET: bad address 'HOST'" and exits 1. */
struct in_addr resolve4(const char *host);

/* The netinfo text (drydock.h DRYDOCK_NETINFO_*), malloc'd; NULL on failure. */
char *netinfo_text(int what);

/* One interface of the INTERFACES listing. */
struct iface {
  int index;
  char name[32];
  char flags[128];
  int mtu;
  char mac[32];
  int naddr;
  char addr[8][64]; /* "ip/prefix" */
};
/* Parses the interface listing into `out` (up to `max`); returns the count. */
int read_interfaces(struct iface *out, int max);

/* Milliseconds on the monotonic clock. */
long long now_ms(void);
/* Microseconds on the monotonic clock. */
long long now_us(void);

int nc_main(int argc, char **argv);
int wget_main(int argc, char **argv);
int nslookup_main(int argc, char **argv);
int ping_main(int argc, char **argv);
int ip_main(int argc, char **argv);
int ifconfig_main(int argc, char **argv);
int netstat_main(int argc, char **argv);
int route_main(int argc, char **argv);
#endif
