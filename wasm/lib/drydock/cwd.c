/*
 * The root preopen and the working directory.
 *
 * Root: the kernel keeps the process root at DRYDOCK_ROOT_FD (see drydock.h);
 * it is registered with wasi-libc as the preopen "/" before main runs.
 *
 * Working directory: wasi-libc keeps the cwd in __wasilibc_cwd and resolves
 * relative paths itself. libdrydock keeps the kernel told (so children and
 * drydock calls with AT_FDCWD agree) and starts each process in the directory
 * the kernel gave it (Docker's WorkingDir, or the spawner's cwd).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/libc.h>
#include "internal.h"

extern char *__wasilibc_cwd;
static int cwd_mallocd;

static void set_libc_cwd(void) {
  char buf[PATH_MAX];
  if (__drydock_getcwd(buf, sizeof buf) != 0) return;
  char *copy = strdup(buf);
  if (!copy) return;
  if (cwd_mallocd) free(__wasilibc_cwd);
  __wasilibc_cwd = copy;
  cwd_mallocd = 1;
}

__attribute__((constructor)) static void drydock_init(void) {
  __wasilibc_register_preopened_fd(DRYDOCK_ROOT_FD, "/");
  set_libc_cwd();
}

int chdir(const char *path) {
  if (drydock_result(__drydock_chdir(path)) < 0) return -1;
  set_libc_cwd();
  return 0;
}
