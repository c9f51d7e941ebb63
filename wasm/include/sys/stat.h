/*
 * Drydock overlay of <sys/stat.h>: declares what libdrydock adds over the
 * drydock kernel (chmod, umask, mkfifo, mknod; wasm/lib/drydock/README.md).
 * stat/lstat/fstat/fstatat themselves come from wasi-libc's declarations but
 * libdrydock's implementations, which fill st_mode permission bits, st_uid,
 * st_gid, st_rdev and st_blocks. File-type bits are Linux's (__mode_t.h).
 */
#ifndef DRYDOCK_SYS_STAT_H
#define DRYDOCK_SYS_STAT_H
#include_next <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif

int chmod(const char *, mode_t);
int fchmod(int, mode_t);
int fchmodat(int, const char *, mode_t, int);
int lchmod(const char *, mode_t);
mode_t umask(mode_t);
int mkfifo(const char *, mode_t);
int mkfifoat(int, const char *, mode_t);
int mknod(const char *, mode_t, dev_t);
int mknodat(int, const char *, mode_t, dev_t);

#ifdef __cplusplus
}
#endif
#endif
