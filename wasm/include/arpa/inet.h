/* Drydock overlay of <arpa/inet.h>: adds the calls wasi-libc leaves out (libdrydock's inet.c). */
#ifndef DRYDOCK_ARPA_INET_H
#define DRYDOCK_ARPA_INET_H
#include_next <arpa/inet.h>

#ifdef __cplusplus
extern "C" {
#endif

in_addr_t inet_addr(const char *);
in_addr_t inet_network(const char *);
char *inet_ntoa(struct in_addr);
struct in_addr inet_makeaddr(in_addr_t, in_addr_t);
in_addr_t inet_lnaof(struct in_addr);
in_addr_t inet_netof(struct in_addr);

#ifdef __cplusplus
}
#endif
#endif
