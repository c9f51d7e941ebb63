/*
 * realpath(): the canonical absolute path, with every symlink, "." and ".."
 * resolved component by component with lstat and readlink (so it sees the
 * process's mount namespace exactly as the kernel does). Every component must
 * exist. At most 40 symlinks are followed (ELOOP), as on Linux.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *realpath(const char *restrict path, char *restrict resolved) {
  if (!path) {
    errno = EINVAL;
    return 0;
  }
  if (!*path) {
    errno = ENOENT;
    return 0;
  }
  /* `rest` holds what is still to resolve; `out` what is resolved (always absolute). */
  char rest[PATH_MAX * 2], out[PATH_MAX], link[PATH_MAX];
  size_t restlen = strlen(path);
  if (restlen >= sizeof rest / 2) {
    errno = ENAMETOOLONG;
    return 0;
  }
  memcpy(rest, path, restlen + 1);
  size_t outlen = 0;
  if (path[0] != '/') {
    if (!getcwd(out, sizeof out)) return 0;
    outlen = strlen(out);
    if (outlen == 1) outlen = 0; /* "/" */
  }
  int links = 0;
  char *p = rest;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == 1 && p[0] == '.') {
      p += n;
      continue;
    }
    if (n == 2 && p[0] == '.' && p[1] == '.') {
      while (outlen > 0 && out[outlen - 1] != '/') outlen--;
      if (outlen > 0) outlen--;
      p += n;
      continue;
    }
    if (outlen + 1 + n >= sizeof out) {
      errno = ENAMETOOLONG;
      return 0;
    }
    size_t before = outlen;
    out[outlen++] = '/';
    memcpy(out + outlen, p, n);
    outlen += n;
    out[outlen] = 0;
    p += n;
    struct stat st;
    if (lstat(out, &st) < 0) return 0;
    if (S_ISLNK(st.st_mode)) {
      if (++links > 40) {
        errno = ELOOP;
        return 0;
      }
      ssize_t k = readlink(out, link, sizeof link - 1);
      if (k < 0) return 0;
      link[k] = 0;
      size_t left = strlen(p);
      if ((size_t)k + 1 + left >= sizeof rest) {
        errno = ENAMETOOLONG;
        return 0;
      }
      /* rest = link + p (p points into rest: move it first). */
      memmove(rest + k, p, left + 1);
      memcpy(rest, link, (size_t)k);
      p = rest;
      outlen = link[0] == '/' ? 0 : before;
    } else if (*p && !S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      return 0;
    }
  }
  if (outlen == 0) out[outlen++] = '/';
  out[outlen] = 0;
  if (!resolved) return strdup(out);
  memcpy(resolved, out, outlen + 1);
  return resolved;
}
