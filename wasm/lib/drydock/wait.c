#include <sys/wait.h>
#include "internal.h"

pid_t waitpid(pid_t pid, int *status, int options) {
  int32_t st = 0, out = 0;
  if (drydock_result(__drydock_waitpid(pid, &st, options, &out)) < 0) return -1;
  if (status && out > 0) *status = st;
  return out;
}

pid_t wait(int *status) { return waitpid(-1, status, 0); }
