/* Shared by the net-*.c test programs. */
#ifndef NET_COMMON_H
#define NET_COMMON_H
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static inline const char *errname(int e) {
  switch (e) {
    case 0: return "OK";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EAGAIN: return "EAGAIN";
    case EALREADY: return "EALREADY";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case EINPROGRESS: return "EINPROGRESS";
    case EINTR: return "EINTR";
    case EINVAL: return "EINVAL";
    case EISCONN: return "EISCONN";
    case EMSGSIZE: return "EMSGSIZE";
    case ENETUNREACH: return "ENETUNREACH";
    case ENOTCONN: return "ENOTCONN";
    case ENOTSOCK: return "ENOTSOCK";
    case EPIPE: return "EPIPE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case EPERM: return "EPERM";
    default: return "E?";
  }
}

/* Resolves host:port (any name getaddrinfo knows) into *out; exits with a message on failure. */
static inline socklen_t resolve_or_die(const char *host, const char *port, int socktype, struct sockaddr_storage *out) {
  struct addrinfo hints = {0}, *res;
  hints.ai_family = AF_INET;
  hints.ai_socktype = socktype;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) {
    printf("resolve %s: %s\n", host, gai_strerror(rc));
    fflush(stdout);
    exit(3);
  }
  socklen_t len = res->ai_addrlen;
  memcpy(out, res->ai_addr, len);
  freeaddrinfo(res);
  return len;
}

static inline int write_all(int fd, const char *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = send(fd, buf + done, len - done, MSG_NOSIGNAL);
    if (n < 0) return -1;
    done += (size_t)n;
  }
  return 0;
}
#endif
