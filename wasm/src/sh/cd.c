/* cd and pwd with ash's logical directory tracking (PWD, OLDPWD, CDPATH, -L/-P). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "drydock.h"
#include "sh.h"

static char *physical_cwd(void) {
  char buf[PATH_MAX];
  if (!getcwd(buf, sizeof buf)) return NULL;
  return xstrdup(buf);
}

static int same_dir(const char *a, const char *b) {
  struct drydock_stat sa, sb;
  if (__drydock_fstatat(DRYDOCK_AT_FDCWD, a, 0, &sa) != 0) return 0;
  if (__drydock_fstatat(DRYDOCK_AT_FDCWD, b, 0, &sb) != 0) return 0;
  return sa.dev == sb.dev && sa.ino == sb.ino;
}

void pwd_init(void) {
  const char *pwd = var_get("PWD");
  char *phys = physical_cwd();
  if (pwd && pwd[0] == '/' && phys && same_dir(pwd, ".")) {
    var_set("PWD", pwd, V_EXPORT);
  } else if (phys) {
    var_set("PWD", phys, V_EXPORT);
  }
  free(phys);
}

const char *pwd_logical(void) {
  const char *p = var_get("PWD");
  return p ? p : "/";
}

/* Lexically resolves "." and ".." in an absolute path. */
static char *normalize(const char *path) {
  size_t n = strlen(path);
  char *out = stalloc(n + 2);
  size_t o = 0;
  const char *p = path;
  while (*p) {
    while (*p == '/') p++;
    if (!*p) break;
    const char *end = strchr(p, '/');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == 1 && p[0] == '.') {
    } else if (len == 2 && p[0] == '.' && p[1] == '.') {
      while (o > 0 && out[o - 1] != '/') o--;
      if (o > 0) o--;
    } else {
      out[o++] = '/';
      memcpy(out + o, p, len);
      o += len;
    }
    p += len;
  }
  if (o == 0) out[o++] = '/';
  out[o] = 0;
  return out;
}

static int try_cd(const char *dir, int physical) {
  const char *target;
  if (physical) {
    target = dir;
  } else {
    if (dir[0] == '/') {
      target = normalize(dir);
    } else {
      const char *pwd = pwd_logical();
      char *joined = stalloc(strlen(pwd) + strlen(dir) + 2);
      strcpy(joined, pwd);
      strcat(joined, "/");
      strcat(joined, dir);
      target = normalize(joined);
    }
  }
  if (chdir(target) < 0) {
    if (!physical && chdir(dir) == 0) {
      target = NULL;
    } else {
      return -1;
    }
  }
  const char *old = var_get("PWD");
  var_set("OLDPWD", old ? old : "", V_EXPORT);
  if (physical || !target) {
    char *phys = physical_cwd();
    var_set("PWD", phys ? phys : dir, V_EXPORT);
    free(phys);
  } else {
    var_set("PWD", target, V_EXPORT);
  }
  return 0;
}

int bi_cd(int argc, char **argv) {
  int physical = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    const char *p = argv[i] + 1;
    int ok = 1;
    for (; *p; p++) {
      if (*p == 'P') physical = 1;
      else if (*p == 'L') physical = 0;
      else ok = 0;
    }
    if (!ok) break;
  }
  const char *dir = i < argc ? argv[i] : NULL;
  int print = 0;
  if (!dir) {
    dir = var_get("HOME");
    if (!dir || !*dir) return 0;
  } else if (strcmp(dir, "-") == 0) {
    dir = var_get("OLDPWD");
    if (!dir) dir = pwd_logical();
    print = 1;
  }
  char *d = ststrdup(dir);
  if (d[0] != '/' && !(d[0] == '.' && (d[1] == '/' || d[1] == 0 || (d[1] == '.' && (d[2] == '/' || d[2] == 0))))) {
    const char *cdpath = var_get("CDPATH");
    if (cdpath && *cdpath) {
      for (const char *p = cdpath;;) {
        const char *end = strchr(p, ':');
        if (!end) end = p + strlen(p);
        size_t dl = (size_t)(end - p);
        char *cand = stalloc(dl + strlen(d) + 2);
        memcpy(cand, p, dl);
        cand[dl] = 0;
        if (dl) strcat(cand, "/");
        strcat(cand, d);
        if (try_cd(cand, physical) == 0) {
          if (dl) {
            bputs(pwd_logical());
            bputc('\n');
          }
          return 0;
        }
        if (!*end) break;
        p = end + 1;
      }
    }
  }
  if (try_cd(d, physical) < 0) {
    sh_error("can't cd to %s: %s", dir, strerror(errno));
    raise_error();
    return 2;
  }
  if (print) {
    bputs(pwd_logical());
    bputc('\n');
  }
  return 0;
}

int bi_pwd(int argc, char **argv) {
  int physical = argc > 1 && strcmp(argv[1], "-P") == 0;
  if (physical) {
    char *p = physical_cwd();
    bputs(p ? p : ".");
    free(p);
  } else {
    bputs(pwd_logical());
  }
  bputc('\n');
  return 0;
}
