/*
 * Relative paths: wasi-libc turns a relative path into (preopen fd, path)
 * with __wasilibc_find_relpath_alloc, a weak symbol defined by libc.a's
 * chdir.o. libdrydock has its own chdir (cwd.c), so chdir.o is never linked,
 * and without this definition every relative path would silently resolve
 * from "/" instead of the working directory. This is chdir.o's logic: prefix
 * the cwd (__wasilibc_cwd, which cwd.c maintains), then find the preopen.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/libc-find-relpath.h>

extern char *__wasilibc_cwd;

/* `path` made absolute with the cwd; may return `path` itself or a static buffer. */
static const char *make_absolute(const char *path) {
  static char *buf;
  static size_t cap;
  if (path[0] == '/') return path;
  if (path[0] == 0 || strcmp(path, ".") == 0 || strcmp(path, "./") == 0) return __wasilibc_cwd;
  if (path[0] == '.' && path[1] == '/') path += 2;
  size_t cwd_len = strlen(__wasilibc_cwd);
  size_t path_len = strlen(path);
  int slash = cwd_len > 0 && __wasilibc_cwd[cwd_len - 1] == '/' ? 0 : 1;
  size_t need = cwd_len + (size_t)slash + path_len + 1;
  if (need > cap) {
    char *grown = realloc(buf, need);
    if (!grown) return 0;
    buf = grown;
    cap = need;
  }
  memcpy(buf, __wasilibc_cwd, cwd_len);
  if (slash) buf[cwd_len] = '/';
  memcpy(buf + cwd_len + (size_t)slash, path, path_len + 1);
  return buf;
}

int __wasilibc_find_relpath_alloc(const char *path, const char **abs_prefix, char **relative, size_t *relative_len,
                                  int can_realloc) {
  const char *abspath = make_absolute(path);
  if (!abspath) {
    errno = ENOMEM;
    return -1;
  }
  const char *rel;
  int fd = __wasilibc_find_abspath(abspath, abs_prefix, &rel);
  if (fd == -1) return -1;
  size_t len = strlen(rel);
  if (*relative_len < len + 1) {
    if (!can_realloc) {
      errno = ERANGE;
      return -1;
    }
    char *grown = realloc(*relative, len + 1);
    if (!grown) {
      errno = ENOMEM;
      return -1;
    }
    *relative = grown;
    *relative_len = len + 1;
  }
  memcpy(*relative, rel, len + 1);
  return fd;
}
