/* The BSD socket API over drydock.h's socket calls (replaces wasi-libc's send.o, recv.o, accept.o, getsockopt.o). */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "internal.h"

int socket(int domain, int type, int protocol) {
  int32_t fd;
  if (drydock_result(__drydock_socket(domain, type, protocol, &fd)) < 0) return -1;
  return fd;
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
  /* AF_UNIX is not supported yet. */
  (void)type;
  (void)protocol;
  (void)fds;
  errno = domain == AF_UNIX ? EAFNOSUPPORT : EOPNOTSUPP;
  return -1;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) { return drydock_result(__drydock_bind(fd, addr, len)); }

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  return drydock_result(__drydock_connect(fd, addr, len));
}

int listen(int fd, int backlog) { return drydock_result(__drydock_listen(fd, backlog)); }

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int flags) {
  int32_t out;
  if (drydock_result(__drydock_accept4(fd, addr, addr ? (uint32_t *)len : NULL, flags, &out)) < 0) return -1;
  return out;
}

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) { return accept4(fd, addr, len, 0); }

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t alen) {
  uint32_t sent;
  if (drydock_result(__drydock_sendto(fd, buf, len, flags, addr, addr ? alen : 0, &sent)) < 0) return -1;
  return sent;
}

ssize_t send(int fd, const void *buf, size_t len, int flags) { return sendto(fd, buf, len, flags, NULL, 0); }

ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags, struct sockaddr *restrict addr,
                 socklen_t *restrict alen) {
  uint32_t got;
  if (drydock_result(__drydock_recvfrom(fd, buf, len, flags, addr, addr ? (uint32_t *)alen : NULL, &got)) < 0) return -1;
  return got;
}

ssize_t recv(int fd, void *buf, size_t len, int flags) { return recvfrom(fd, buf, len, flags, NULL, NULL); }

static size_t iov_total(const struct msghdr *msg) {
  size_t total = 0;
  for (int i = 0; i < msg->msg_iovlen; i++) total += msg->msg_iov[i].iov_len;
  return total;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  if (msg->msg_iovlen == 1)
    return sendto(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len, flags, msg->msg_name, msg->msg_namelen);
  size_t total = iov_total(msg);
  char *buf = malloc(total ? total : 1);
  if (!buf) return -1;
  size_t at = 0;
  for (int i = 0; i < msg->msg_iovlen; i++) {
    memcpy(buf + at, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
    at += msg->msg_iov[i].iov_len;
  }
  ssize_t n = sendto(fd, buf, total, flags, msg->msg_name, msg->msg_namelen);
  free(buf);
  return n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  size_t total = iov_total(msg);
  int single = msg->msg_iovlen == 1;
  char *buf = single ? msg->msg_iov[0].iov_base : malloc(total ? total : 1);
  if (!buf) return -1;
  socklen_t namelen = msg->msg_namelen;
  /* Ask for the full length so truncation can be reported in msg_flags. */
  ssize_t full = recvfrom(fd, buf, total, flags | MSG_TRUNC, msg->msg_name, msg->msg_name ? &namelen : NULL);
  if (full >= 0) {
    size_t n = (size_t)full < total ? (size_t)full : total;
    if (!single) {
      size_t at = 0;
      for (int i = 0; i < msg->msg_iovlen && at < n; i++) {
        size_t take = msg->msg_iov[i].iov_len < n - at ? msg->msg_iov[i].iov_len : n - at;
        memcpy(msg->msg_iov[i].iov_base, buf + at, take);
        at += take;
      }
    }
    msg->msg_namelen = msg->msg_name ? namelen : 0;
    msg->msg_controllen = 0;
    msg->msg_flags = (size_t)full > total ? MSG_TRUNC : 0;
    if (!(flags & MSG_TRUNC)) full = (ssize_t)n;
  }
  if (!single) free(buf);
  return full;
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) {
  return drydock_result(__drydock_getsockname(fd, addr, (uint32_t *)len));
}

int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict len) {
  return drydock_result(__drydock_getpeername(fd, addr, (uint32_t *)len));
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len) {
  return drydock_result(__drydock_setsockopt(fd, level, name, value, len));
}

int getsockopt(int fd, int level, int name, void *restrict value, socklen_t *restrict len) {
  return drydock_result(__drydock_getsockopt(fd, level, name, value, (uint32_t *)len));
}

int sockatmark(int fd) {
  (void)fd;
  return 0;
}
