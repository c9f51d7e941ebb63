/* Shared by libdrydock's sources: errno plumbing. */
#ifndef DRYDOCK_INTERNAL_H
#define DRYDOCK_INTERNAL_H
#include <errno.h>
#include "drydock.h"

/* Returns -1 with errno set when err != 0, else 0. */
static inline int drydock_result(int32_t err) {
  if (err != 0) {
    errno = err;
    return -1;
  }
  return 0;
}

/* Whether `gid` is the caller's effective gid or one of its supplementary groups (proc.c). */
int __drydock_in_group(unsigned gid);
#endif
