/*
 * The group database: /etc/group ("name:passwd:gid:member,member,..."), read
 * afresh by each lookup. The non-reentrant calls share one static entry.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *db;
static char *line;
static size_t line_cap;
static char **members;
static size_t members_cap;
static struct group entry;

static int parse_group(char *s, struct group *gr) {
  size_t len = strlen(s);
  if (len && s[len - 1] == '\n') s[len - 1] = 0;
  char *f[4];
  for (int i = 0; i < 4; i++) {
    f[i] = s;
    char *colon = strchr(s, ':');
    if (i == 3) {
      if (colon) return -1;
      break;
    }
    if (!colon) return -1;
    *colon = 0;
    s = colon + 1;
  }
  char *end;
  unsigned long gid = strtoul(f[2], &end, 10);
  if (!*f[2] || *end) return -1;
  size_t n = 0;
  for (char *p = f[3]; *p;) {
    if (n + 2 > members_cap) {
      size_t cap = members_cap ? members_cap * 2 : 8;
      char **grown = realloc(members, cap * sizeof *members);
      if (!grown) return -1;
      members = grown;
      members_cap = cap;
    }
    members[n++] = p;
    char *comma = strchr(p, ',');
    if (!comma) break;
    *comma = 0;
    p = comma + 1;
  }
  if (!members) {
    members = malloc(sizeof *members);
    if (!members) return -1;
    members_cap = 1;
  }
  members[n] = 0;
  *gr = (struct group){f[0], f[1], (gid_t)gid, members};
  return 0;
}

struct group *fgetgrent(FILE *f) {
  while (getline(&line, &line_cap, f) >= 0) {
    if (parse_group(line, &entry) == 0) return &entry;
  }
  return 0;
}

void setgrent(void) {
  if (db) rewind(db);
}

void endgrent(void) {
  if (db) fclose(db);
  db = 0;
}

struct group *getgrent(void) {
  if (!db) db = fopen("/etc/group", "r");
  if (!db) return 0;
  return fgetgrent(db);
}

static struct group *lookup(const char *name, gid_t gid) {
  FILE *f = fopen("/etc/group", "r");
  if (!f) return 0;
  struct group *gr;
  while ((gr = fgetgrent(f))) {
    if (name ? strcmp(gr->gr_name, name) == 0 : gr->gr_gid == gid) break;
  }
  fclose(f);
  return gr;
}

struct group *getgrnam(const char *name) { return lookup(name, 0); }
struct group *getgrgid(gid_t gid) { return lookup(0, gid); }

static int copy_out(struct group *found, struct group *gr, char *buf, size_t size, struct group **result) {
  *result = 0;
  if (!found) return errno == ENOENT ? 0 : errno;
  size_t nmem = 0;
  while (found->gr_mem[nmem]) nmem++;
  size_t used = (nmem + 1) * sizeof(char *);
  used = (used + 7) & ~(size_t)7;
  if (used > size) return ERANGE;
  char **mem = (char **)(void *)buf;
  char *strs[2] = {found->gr_name, found->gr_passwd};
  char *dst[2];
  for (int i = 0; i < 2; i++) {
    size_t n = strlen(strs[i]) + 1;
    if (used + n > size) return ERANGE;
    dst[i] = memcpy(buf + used, strs[i], n);
    used += n;
  }
  for (size_t i = 0; i < nmem; i++) {
    size_t n = strlen(found->gr_mem[i]) + 1;
    if (used + n > size) return ERANGE;
    mem[i] = memcpy(buf + used, found->gr_mem[i], n);
    used += n;
  }
  mem[nmem] = 0;
  *gr = (struct group){dst[0], dst[1], found->gr_gid, mem};
  *result = gr;
  return 0;
}

int getgrnam_r(const char *name, struct group *gr, char *buf, size_t size, struct group **result) {
  errno = ENOENT;
  return copy_out(getgrnam(name), gr, buf, size, result);
}

int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **result) {
  errno = ENOENT;
  return copy_out(getgrgid(gid), gr, buf, size, result);
}

/* The groups `user` belongs to: `group` first, then every group listing the user as a member. */
int getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups) {
  int n = 0;
  int room = *ngroups;
  if (n < room) groups[n] = group;
  n++;
  FILE *f = fopen("/etc/group", "r");
  if (f) {
    struct group *gr;
    while ((gr = fgetgrent(f))) {
      if (gr->gr_gid == group) continue;
      for (char **m = gr->gr_mem; *m; m++) {
        if (strcmp(*m, user) == 0) {
          if (n < room) groups[n] = gr->gr_gid;
          n++;
          break;
        }
      }
    }
    fclose(f);
  }
  *ngroups = n;
  return n > room ? -1 : n;
}

/* Sets the caller's supplementary groups to those of `user` plus `group` (uid 0 only, as setgroups). */
int initgroups(const char *user, gid_t group) {
  int n = 32;
  gid_t *groups = 0;
  for (;;) {
    gid_t *grown = realloc(groups, sizeof(gid_t) * (size_t)n);
    if (!grown) {
      free(groups);
      errno = ENOMEM;
      return -1;
    }
    groups = grown;
    int room = n;
    if (getgrouplist(user, group, groups, &n) >= 0) break;
    if (n <= room) n = room * 2;
  }
  int result = setgroups((size_t)n, groups);
  free(groups);
  return result;
}
