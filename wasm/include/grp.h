/* Drydock: <grp.h>, which wasi-libc lacks. libdrydock reads /etc/group (wasm/lib/drydock/group.c). */
#ifndef DRYDOCK_GRP_H
#define DRYDOCK_GRP_H
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct group {
  char *gr_name;
  char *gr_passwd;
  gid_t gr_gid;
  char **gr_mem;
};

void setgrent(void);
void endgrent(void);
struct group *getgrent(void);
struct group *getgrgid(gid_t);
struct group *getgrnam(const char *);
int getgrgid_r(gid_t, struct group *, char *, size_t, struct group **);
int getgrnam_r(const char *, struct group *, char *, size_t, struct group **);
struct group *fgetgrent(FILE *);
int getgrouplist(const char *, gid_t, gid_t *, int *);
/* Supplementary groups (glibc and musl declare these here too): uid 0 only. */
int setgroups(size_t, const gid_t *);
int initgroups(const char *, gid_t);

#ifdef __cplusplus
}
#endif
#endif
