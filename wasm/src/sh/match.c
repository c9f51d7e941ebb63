/*
 * Shell patterns (* ? [...] with backslash escapes) and pathname expansion
 * over readdir, results sorted as ash sorts them (byte order in the C locale).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

/* Matches a bracket expression at p (after '['); returns the pointer after ']'
 * or NULL if the bracket is not terminated (then '[' is literal). */
static const char *bracket(const char *p, int c, int *matched) {
  int negate = 0, ok = 0;
  if (*p == '!' || *p == '^') {
    negate = 1;
    p++;
  }
  const char *start = p;
  while (*p && (*p != ']' || p == start)) {
    if (p[0] == '[' && p[1] == ':') {
      const char *end = strstr(p + 2, ":]");
      if (end) {
        size_t n = (size_t)(end - (p + 2));
        const char *cls = p + 2;
#define CLS(name, fn) \
  if (n == sizeof name - 1 && strncmp(cls, name, n) == 0 && fn(c)) ok = 1;
        CLS("alpha", isalpha) CLS("digit", isdigit) CLS("alnum", isalnum) CLS("upper", isupper) CLS("lower", islower)
        CLS("space", isspace) CLS("punct", ispunct) CLS("print", isprint) CLS("graph", isgraph) CLS("cntrl", iscntrl)
        CLS("xdigit", isxdigit) CLS("blank", isblank)
#undef CLS
        p = end + 2;
        continue;
      }
    }
    int lo = (unsigned char)*p;
    if (lo == '\\' && p[1]) lo = (unsigned char)*++p;
    p++;
    if (p[0] == '-' && p[1] && p[1] != ']') {
      int hi = (unsigned char)p[1];
      p += 2;
      if (hi == '\\' && *p) hi = (unsigned char)*p++;
      if (lo <= c && c <= hi) ok = 1;
    } else if (lo == c) {
      ok = 1;
    }
  }
  if (*p != ']') return NULL;
  *matched = ok != negate;
  return p + 1;
}

int pmatch(const char *pat, const char *s) {
  const char *star_p = NULL, *star_s = NULL;
  for (;;) {
    int pc = (unsigned char)*pat;
    if (pc == '*') {
      while (*pat == '*') pat++;
      if (!*pat) return 1;
      star_p = pat;
      star_s = s;
      continue;
    }
    if (!*s) {
      if (!pc) return 1;
      goto backtrack;
    }
    if (pc == '?') {
      pat++;
      s++;
      continue;
    }
    if (pc == '[') {
      int m;
      const char *after = bracket(pat + 1, (unsigned char)*s, &m);
      if (after) {
        if (!m) goto backtrack;
        pat = after;
        s++;
        continue;
      }
      /* unterminated: a literal '[' */
    }
    if (pc == '\\' && pat[1]) pc = (unsigned char)*++pat;
    if (pc && pc == (unsigned char)*s) {
      pat++;
      s++;
      continue;
    }
  backtrack:
    if (!star_p || !*star_s) return 0;
    pat = star_p;
    s = ++star_s;
  }
}

int pattern_has_magic(const char *p) {
  for (; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      continue;
    }
    if (*p == '*' || *p == '?') return 1;
    if (*p == '[') {
      int m;
      if (bracket(p + 1, 'a', &m)) return 1;
    }
  }
  return 0;
}

/* Removes backslash escapes. */
static char *unescape(const char *p, size_t n) {
  char *out = stalloc(n + 1), *o = out;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\' && i + 1 < n) i++;
    *o++ = p[i];
  }
  *o = 0;
  return out;
}

typedef struct {
  char **v;
  int n, cap;
} list_t;

static void add(list_t *l, char *s) {
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 16;
    char **v = stalloc(sizeof(char *) * (size_t)cap);
    if (l->n) memcpy(v, l->v, sizeof(char *) * (size_t)l->n);
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = s;
}

/* dir: the directory path so far ("" for relative), rest: pattern components left. */
static void glob_walk(const char *dir, const char *rest, list_t *out) {
  const char *slash = strchr(rest, '/');
  size_t clen = slash ? (size_t)(slash - rest) : strlen(rest);
  char *comp = ststrndup(rest, clen);
  const char *next = slash ? slash + 1 : NULL;
  while (next && *next == '/') next++;
  if (!pattern_has_magic(comp)) {
    char *lit = unescape(comp, clen);
    size_t dl = strlen(dir);
    char *path = stalloc(dl + strlen(lit) + 2);
    strcpy(path, dir);
    strcat(path, lit);
    if (!next) {
      if (slash) strcat(path, "/");
      /* the caller checks existence of the final literal via the parent's listing */
      add(out, path);
      return;
    }
    strcat(path, "/");
    glob_walk(path, next, out);
    return;
  }
  DIR *d = opendir(*dir ? dir : ".");
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *name = e->d_name;
    if (name[0] == '.' && comp[0] != '.' && !(comp[0] == '\\' && comp[1] == '.')) continue;
    if ((strcmp(name, ".") == 0 || strcmp(name, "..") == 0) && comp[0] != '.') continue;
    if (!pmatch(comp, name)) continue;
    size_t dl = strlen(dir);
    char *path = stalloc(dl + strlen(name) + 2);
    strcpy(path, dir);
    strcat(path, name);
    if (!next) {
      if (slash) {
        DIR *sub = opendir(path);
        if (!sub) continue;
        closedir(sub);
        strcat(path, "/");
      }
      add(out, path);
    } else {
      strcat(path, "/");
      glob_walk(path, next, out);
    }
  }
  closedir(d);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Checks that a path produced from literal components exists. */
#include <sys/stat.h>
static int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

int glob_expand(const char *pat, char ***outv, int *n, int *cap) {
  list_t l = {0};
  if (pat[0] == '/') {
    const char *p = pat;
    while (*p == '/') p++;
    glob_walk("/", p, &l);
  } else {
    glob_walk("", pat, &l);
  }
  int kept = 0;
  for (int i = 0; i < l.n; i++)
    if (exists(l.v[i])) l.v[kept++] = l.v[i];
  l.n = kept;
  qsort(l.v, (size_t)l.n, sizeof(char *), cmp_str);
  for (int i = 0; i < l.n; i++) {
    if (*n == *cap) {
      int c = *cap ? *cap * 2 : 16;
      char **v = stalloc(sizeof(char *) * (size_t)c);
      if (*n) memcpy(v, *outv, sizeof(char *) * (size_t)*n);
      *outv = v;
      *cap = c;
    }
    (*outv)[(*n)++] = l.v[i];
  }
  return l.n;
}
