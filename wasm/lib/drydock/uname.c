/*
 * uname, gethostname and sethostname. The nodename is the UTS namespace's
 * hostname (a container's --hostname). Replaces libc.a's uname.o (its only
 * symbol is uname), which reports fixed strings.
 */
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "internal.h"

_Static_assert(sizeof(struct utsname) == sizeof(struct drydock_utsname), "struct utsname is Linux's");

int uname(struct utsname *out) { return drydock_result(__drydock_uname((struct drydock_utsname *)out)); }

int gethostname(char *name, size_t len) {
  struct utsname u;
  if (uname(&u) < 0) return -1;
  size_t n = strlen(u.nodename);
  if (n + 1 > len) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(name, u.nodename, n + 1);
  return 0;
}

int sethostname(const char *name, size_t len) {
  char buf[65];
  if (len > 64) {
    errno = EINVAL;
    return -1;
  }
  memcpy(buf, name, len);
  buf[len] = 0;
  return drydock_result(__drydock_sethostname(buf, (uint32_t)len));
}
