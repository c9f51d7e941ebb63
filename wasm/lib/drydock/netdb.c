/*
 * <netdb.h>: getaddrinfo & co. Names are resolved by the kernel
 * (__drydock_getaddrinfo: /etc/hosts, then the network namespace's DNS);
 * numeric hosts, services and the result lists are handled here, as musl does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define MAX_RESULTS 32

int h_errno;
int *__h_errno_location(void) { return &h_errno; }

static const struct service {
  const char *name;
  unsigned short port;
} services[] = {
    {"echo", 7},      {"discard", 9},    {"daytime", 13},     {"ftp-data", 20},  {"ftp", 21},
    {"ssh", 22},      {"telnet", 23},    {"smtp", 25},        {"time", 37},      {"domain", 53},
    {"tftp", 69},     {"gopher", 70},    {"finger", 79},      {"http", 80},      {"www", 80},
    {"pop3", 110},    {"sunrpc", 111},   {"nntp", 119},       {"ntp", 123},      {"imap", 143},
    {"snmp", 161},    {"ldap", 389},     {"https", 443},      {"syslog", 514},   {"submission", 587},
    {"imaps", 993},   {"pop3s", 995},    {"mysql", 3306},     {"postgresql", 5432},
    {"redis", 6379},  {"http-alt", 8080}, {"mongodb", 27017},
};

static int service_port(const char *name) {
  for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
    if (strcmp(services[i].name, name) == 0) return services[i].port;
  return -1;
}

static const char *service_name(int port) {
  for (size_t i = 0; i < sizeof services / sizeof services[0]; i++)
    if (services[i].port == port) return services[i].name;
  return NULL;
}

const char *gai_strerror(int code) {
  switch (code) {
    case EAI_BADFLAGS: return "Invalid flags";
    case EAI_NONAME: return "Name does not resolve";
    case EAI_AGAIN: return "Try again";
    case EAI_FAIL: return "Non-recoverable error";
    case EAI_FAMILY: return "Unrecognized address family or invalid length";
    case EAI_SOCKTYPE: return "Unrecognized socket type";
    case EAI_SERVICE: return "Unrecognized service";
    case EAI_MEMORY: return "Out of memory";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Overflow";
    default: return "Unknown error";
  }
}

/* Fills `out` with the addresses of `node` (NULL: wildcard or loopback). Returns the count or an EAI_* code. */
static int lookup_host(const char *node, int family, int flags, drydock_addrinfo *out, char *canon, size_t canon_len) {
  canon[0] = 0;
  if (!node) {
    int n = 0;
    if (family != AF_INET6) {
      out[n].family = AF_INET;
      memset(out[n].addr, 0, 16);
      if (!(flags & AI_PASSIVE)) memcpy(out[n].addr, "\x7f\0\0\x01", 4);
      n++;
    }
    if (family != AF_INET) {
      out[n].family = AF_INET6;
      memset(out[n].addr, 0, 16);
      if (!(flags & AI_PASSIVE)) out[n].addr[15] = 1;
      n++;
    }
    return n;
  }
  struct in_addr a4;
  if (inet_aton(node, &a4)) {
    if (family == AF_INET6) return EAI_NONAME;
    out[0].family = AF_INET;
    memset(out[0].addr, 0, 16);
    memcpy(out[0].addr, &a4, 4);
    snprintf(canon, canon_len, "%s", node);
    return 1;
  }
  char v6[64];
  snprintf(v6, sizeof v6, "%s", node);
  char *scope = strchr(v6, '%');
  if (scope) *scope = 0;
  struct in6_addr a6;
  if (inet_pton(AF_INET6, v6, &a6) == 1) {
    if (family == AF_INET) return EAI_NONAME;
    out[0].family = AF_INET6;
    memcpy(out[0].addr, &a6, 16);
    snprintf(canon, canon_len, "%s", node);
    return 1;
  }
  if (flags & AI_NUMERICHOST) return EAI_NONAME;
  uint32_t count = 0;
  int32_t err = __drydock_getaddrinfo(node, family, flags, out, MAX_RESULTS, &count, canon, canon_len);
  switch (err) {
    case 0: return count > 0 ? (int)count : EAI_NONAME;
    case ENOENT: return EAI_NONAME;
    case EAGAIN: return EAI_AGAIN;
    case EAFNOSUPPORT: return EAI_FAMILY;
    default:
      errno = err;
      return EAI_SYSTEM;
  }
}

struct entry {
  struct addrinfo ai;
  struct sockaddr_in6 sa; /* big enough for both families */
};

int getaddrinfo(const char *restrict node, const char *restrict service, const struct addrinfo *restrict hints,
                struct addrinfo **restrict res) {
  int flags = hints ? hints->ai_flags : 0;
  int family = hints ? hints->ai_family : AF_UNSPEC;
  int socktype = hints ? hints->ai_socktype : 0;
  int protocol = hints ? hints->ai_protocol : 0;
  if (!node && !service) return EAI_NONAME;
  if (flags & ~(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV))
    return EAI_BADFLAGS;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
  if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM && socktype != SOCK_RAW) return EAI_SOCKTYPE;

  int port = 0;
  if (service && *service) {
    char *end;
    unsigned long n = strtoul(service, &end, 10);
    if (*end == 0) {
      if (n > 65535) return EAI_SERVICE;
      port = (int)n;
    } else {
      if (flags & AI_NUMERICSERV) return EAI_NONAME;
      port = service_port(service);
      if (port < 0) return EAI_SERVICE;
    }
    if (socktype == SOCK_RAW) return EAI_SERVICE;
  }

  /* The (socktype, protocol) pairs to return for each address, as musl does. */
  int types[2][2];
  int ntypes = 0;
  if (socktype == SOCK_STREAM || (socktype == 0 && (protocol == 0 || protocol == IPPROTO_TCP))) {
    if (protocol != 0 && protocol != IPPROTO_TCP && socktype == SOCK_STREAM) return EAI_SOCKTYPE;
    types[ntypes][0] = SOCK_STREAM;
    types[ntypes++][1] = IPPROTO_TCP;
  }
  if (socktype == SOCK_DGRAM || (socktype == 0 && (protocol == 0 || protocol == IPPROTO_UDP))) {
    if (protocol != 0 && protocol != IPPROTO_UDP && socktype == SOCK_DGRAM) return EAI_SOCKTYPE;
    types[ntypes][0] = SOCK_DGRAM;
    types[ntypes++][1] = IPPROTO_UDP;
  }
  if (socktype == SOCK_RAW) {
    types[ntypes][0] = SOCK_RAW;
    types[ntypes++][1] = protocol;
  }
  if (ntypes == 0) return EAI_SOCKTYPE;

  drydock_addrinfo found[MAX_RESULTS];
  char canon[256];
  int n = lookup_host(node, family, flags, found, canon, sizeof canon);
  if (n < 0) return n;

  struct addrinfo *head = NULL, **tail = &head;
  for (int i = 0; i < n; i++) {
    for (int t = 0; t < ntypes; t++) {
      struct entry *e = calloc(1, sizeof *e);
      if (!e) {
        freeaddrinfo(head);
        return EAI_MEMORY;
      }
      e->ai.ai_family = found[i].family;
      e->ai.ai_socktype = types[t][0];
      e->ai.ai_protocol = types[t][1];
      e->ai.ai_addr = (struct sockaddr *)&e->sa;
      if (found[i].family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&e->sa;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, found[i].addr, 4);
        e->ai.ai_addrlen = sizeof(struct sockaddr_in);
      } else {
        e->sa.sin6_family = AF_INET6;
        e->sa.sin6_port = htons(port);
        memcpy(&e->sa.sin6_addr, found[i].addr, 16);
        e->ai.ai_addrlen = sizeof(struct sockaddr_in6);
      }
      if (head == NULL && (flags & AI_CANONNAME)) {
        e->ai.ai_canonname = strdup(canon[0] ? canon : (node ? node : ""));
      }
      *tail = &e->ai;
      tail = &e->ai.ai_next;
    }
  }
  *res = head;
  return 0;
}

void freeaddrinfo(struct addrinfo *ai) {
  while (ai) {
    struct addrinfo *next = ai->ai_next;
    free(ai->ai_canonname);
    free(ai);
    ai = next;
  }
}

int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host, socklen_t hostlen,
                char *restrict serv, socklen_t servlen, int flags) {
  int port;
  const void *addr;
  int family = sa->sa_family;
  if (family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
    port = ntohs(sin->sin_port);
    addr = &sin->sin_addr;
  } else if (family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
    port = ntohs(sin6->sin6_port);
    addr = &sin6->sin6_addr;
  } else {
    return EAI_FAMILY;
  }
  if (host && hostlen) {
    int done = 0;
    if (!(flags & NI_NUMERICHOST)) {
      int32_t err = __drydock_getnameinfo(sa, salen, host, hostlen);
      if (err == 0) done = 1;
      else if (err == ERANGE) return EAI_OVERFLOW;
      else if (flags & NI_NAMEREQD) return EAI_NONAME;
    }
    if (!done && !inet_ntop(family, addr, host, hostlen)) return EAI_OVERFLOW;
  }
  if (serv && servlen) {
    const char *name = (flags & NI_NUMERICSERV) ? NULL : service_name(port);
    int n = name ? snprintf(serv, servlen, "%s", name) : snprintf(serv, servlen, "%d", port);
    if (n < 0 || (socklen_t)n >= servlen) return EAI_OVERFLOW;
  }
  return 0;
}

/* ---------------------------------------------------------------- the old interfaces */

static struct hostent host_entry;
static char host_name[256];
static char *host_aliases[1];
static char host_addrs[MAX_RESULTS][16];
static char *host_addr_list[MAX_RESULTS + 1];

struct hostent *gethostbyname2(const char *name, int af) {
  drydock_addrinfo found[MAX_RESULTS];
  char canon[256];
  int n = lookup_host(name, af, 0, found, canon, sizeof canon);
  if (n < 0) {
    h_errno = n == EAI_AGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
    return NULL;
  }
  int size = af == AF_INET6 ? 16 : 4;
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (found[i].family != af) continue;
    memcpy(host_addrs[k], found[i].addr, size);
    host_addr_list[k] = host_addrs[k];
    k++;
  }
  if (k == 0) {
    h_errno = NO_DATA;
    return NULL;
  }
  host_addr_list[k] = NULL;
  snprintf(host_name, sizeof host_name, "%s", canon[0] ? canon : name);
  host_aliases[0] = NULL;
  host_entry.h_name = host_name;
  host_entry.h_aliases = host_aliases;
  host_entry.h_addrtype = af;
  host_entry.h_length = size;
  host_entry.h_addr_list = host_addr_list;
  return &host_entry;
}

struct hostent *gethostbyname(const char *name) { return gethostbyname2(name, AF_INET); }

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type) {
  struct sockaddr_in6 sa;
  memset(&sa, 0, sizeof sa);
  socklen_t salen;
  if (type == AF_INET && len == 4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)&sa;
    sin->sin_family = AF_INET;
    memcpy(&sin->sin_addr, addr, 4);
    salen = sizeof(struct sockaddr_in);
  } else if (type == AF_INET6 && len == 16) {
    sa.sin6_family = AF_INET6;
    memcpy(&sa.sin6_addr, addr, 16);
    salen = sizeof sa;
  } else {
    h_errno = NO_RECOVERY;
    return NULL;
  }
  if (getnameinfo((struct sockaddr *)&sa, salen, host_name, sizeof host_name, NULL, 0, NI_NAMEREQD) != 0) {
    h_errno = HOST_NOT_FOUND;
    return NULL;
  }
  memcpy(host_addrs[0], addr, len);
  host_addr_list[0] = host_addrs[0];
  host_addr_list[1] = NULL;
  host_aliases[0] = NULL;
  host_entry.h_name = host_name;
  host_entry.h_aliases = host_aliases;
  host_entry.h_addrtype = type;
  host_entry.h_length = (int)len;
  host_entry.h_addr_list = host_addr_list;
  return &host_entry;
}

const char *hstrerror(int code) {
  switch (code) {
    case HOST_NOT_FOUND: return "Host not found";
    case TRY_AGAIN: return "Try again";
    case NO_RECOVERY: return "Non-recoverable error";
    case NO_DATA: return "Address not available";
    default: return "Unknown error";
  }
}

void herror(const char *prefix) {
  if (prefix && *prefix) fprintf(stderr, "%s: %s\n", prefix, hstrerror(h_errno));
  else fprintf(stderr, "%s\n", hstrerror(h_errno));
}

static struct servent serv_entry;
static char *serv_aliases[1];
static char serv_proto[8];

struct servent *getservbyname(const char *name, const char *proto) {
  int port = service_port(name);
  if (port < 0) return NULL;
  serv_entry.s_name = (char *)name;
  serv_aliases[0] = NULL;
  serv_entry.s_aliases = serv_aliases;
  serv_entry.s_port = htons(port);
  snprintf(serv_proto, sizeof serv_proto, "%s", proto ? proto : "tcp");
  serv_entry.s_proto = serv_proto;
  return &serv_entry;
}

struct servent *getservbyport(int port, const char *proto) {
  const char *name = service_name(ntohs(port));
  if (!name) return NULL;
  return getservbyname(name, proto);
}

static const struct protoent_def {
  const char *name;
  int number;
} protocols[] = {{"ip", 0}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"ipv6", 41}, {"ipv6-icmp", 58}};
static struct protoent proto_entry;
static char *proto_aliases[1];

static struct protoent *protoent_at(size_t i) {
  proto_entry.p_name = (char *)protocols[i].name;
  proto_aliases[0] = NULL;
  proto_entry.p_aliases = proto_aliases;
  proto_entry.p_proto = protocols[i].number;
  return &proto_entry;
}

struct protoent *getprotobyname(const char *name) {
  for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++)
    if (strcmp(protocols[i].name, name) == 0) return protoent_at(i);
  return NULL;
}

struct protoent *getprotobynumber(int number) {
  for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++)
    if (protocols[i].number == number) return protoent_at(i);
  return NULL;
}
