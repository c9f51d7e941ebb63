/*
 * The user database: /etc/passwd, read afresh by each lookup (no nsswitch,
 * no caching). Lines are "name:passwd:uid:gid:gecos:dir:shell"; malformed
 * lines are skipped, as musl does. The non-reentrant calls share one static
 * entry, overwritten by the next call.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *db;
static char *line;
static size_t line_cap;
static struct passwd entry;

/* Splits `s` at ':' into `n` fields; returns 0 when it has exactly n fields. */
static int split_fields(char *s, char **fields, int n) {
  for (int i = 0; i < n; i++) {
    fields[i] = s;
    char *colon = strchr(s, ':');
    if (i == n - 1) return colon ? -1 : 0;
    if (!colon) return -1;
    *colon = 0;
    s = colon + 1;
  }
  return 0;
}

static int parse_id(const char *s, unsigned *out) {
  if (!*s) return -1;
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (*end || v > 0xffffffffUL) return -1;
  *out = (unsigned)v;
  return 0;
}

/* Parses one line (modified in place) into `pw`; 0 on success. */
static int parse_passwd(char *s, struct passwd *pw) {
  size_t len = strlen(s);
  if (len && s[len - 1] == '\n') s[len - 1] = 0;
  char *f[7];
  unsigned uid, gid;
  if (split_fields(s, f, 7) < 0 || parse_id(f[2], &uid) < 0 || parse_id(f[3], &gid) < 0) return -1;
  *pw = (struct passwd){f[0], f[1], uid, gid, f[4], f[5], f[6]};
  return 0;
}

struct passwd *fgetpwent(FILE *f) {
  while (getline(&line, &line_cap, f) >= 0) {
    if (parse_passwd(line, &entry) == 0) return &entry;
  }
  return 0;
}

void setpwent(void) {
  if (db) rewind(db);
}

void endpwent(void) {
  if (db) fclose(db);
  db = 0;
}

struct passwd *getpwent(void) {
  if (!db) db = fopen("/etc/passwd", "r");
  if (!db) return 0;
  return fgetpwent(db);
}

/* Looks up by name (name != NULL) or by uid. */
static struct passwd *lookup(const char *name, uid_t uid) {
  FILE *f = fopen("/etc/passwd", "r");
  if (!f) return 0;
  struct passwd *pw;
  while ((pw = fgetpwent(f))) {
    if (name ? strcmp(pw->pw_name, name) == 0 : pw->pw_uid == uid) break;
  }
  fclose(f);
  return pw;
}

struct passwd *getpwnam(const char *name) { return lookup(name, 0); }
struct passwd *getpwuid(uid_t uid) { return lookup(0, uid); }

/* Copies the static entry into the caller's buffer. */
static int copy_out(struct passwd *found, struct passwd *pw, char *buf, size_t size, struct passwd **result) {
  *result = 0;
  if (!found) return errno == ENOENT ? 0 : errno;
  char *strs[5] = {found->pw_name, found->pw_passwd, found->pw_gecos, found->pw_dir, found->pw_shell};
  char *dst[5];
  size_t used = 0;
  for (int i = 0; i < 5; i++) {
    size_t n = strlen(strs[i]) + 1;
    if (used + n > size) return ERANGE;
    dst[i] = memcpy(buf + used, strs[i], n);
    used += n;
  }
  *pw = (struct passwd){dst[0], dst[1], found->pw_uid, found->pw_gid, dst[2], dst[3], dst[4]};
  *result = pw;
  return 0;
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size, struct passwd **result) {
  errno = ENOENT;
  return copy_out(getpwnam(name), pw, buf, size, result);
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result) {
  errno = ENOENT;
  return copy_out(getpwuid(uid), pw, buf, size, result);
}
