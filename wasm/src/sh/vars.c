/*
 * Variables (a hash table), `local` frames, positional parameters and the
 * function table. Dynamic variables (LINENO, RANDOM) are computed on lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "drydock.h"
#include "sh.h"

#define NBUCKETS 128
static var_t *buckets[NBUCKETS];
int g_lineno;
static unsigned long random_state;
char g_opt[OPT_COUNT];
params_t g_params;
char *g_arg0;
func_t *g_funcs;
int g_funcnest;

static unsigned hash(const char *s, size_t n) {
  unsigned h = 5381;
  for (size_t i = 0; i < n; i++) h = h * 33 + (unsigned char)s[i];
  return h % NBUCKETS;
}

static var_t *lookup_n(const char *name, size_t n) {
  for (var_t *v = buckets[hash(name, n)]; v; v = v->next)
    if (strncmp(v->name, name, n) == 0 && v->name[n] == 0) return v;
  return NULL;
}

var_t *var_lookup(const char *name) { return lookup_n(name, strlen(name)); }

const char *var_get_n(const char *name, size_t n) {
  static char buf[24];
  if (n == 6 && memcmp(name, "LINENO", 6) == 0) {
    snprintf(buf, sizeof buf, "%d", g_lineno);
    return buf;
  }
  if (n == 6 && memcmp(name, "RANDOM", 6) == 0) {
    var_t *v = lookup_n(name, n);
    if (!v || !(v->flags & V_UNSET)) {
      random_state = random_state * 1103515245 + 12345;
      snprintf(buf, sizeof buf, "%lu", (random_state >> 16) & 0x7fff);
      return buf;
    }
  }
  var_t *v = lookup_n(name, n);
  return v && !(v->flags & V_UNSET) ? v->value : NULL;
}

const char *var_get(const char *name) { return var_get_n(name, strlen(name)); }

static var_t *create(const char *name, size_t n) {
  var_t *v = xzalloc(sizeof *v);
  v->name = xstrndup(name, n);
  v->flags = V_UNSET;
  unsigned h = hash(name, n);
  v->next = buckets[h];
  buckets[h] = v;
  return v;
}

void getopts_reset(void);

static int set_n(const char *name, size_t n, const char *value, int flags) {
  var_t *v = lookup_n(name, n);
  if (v && (v->flags & V_READONLY) && value) {
    sh_error("%s: is read only", v->name);
    raise_error();
    return -1;
  }
  if (!v) v = create(name, n);
  if (value) {
    char *copy = xstrdup(value);
    free(v->value);
    v->value = copy;
    v->flags &= ~V_UNSET;
    if (g_opt[OPT_a]) v->flags |= V_EXPORT;
  }
  v->flags |= flags;
  if (n == 6 && memcmp(name, "OPTIND", 6) == 0) getopts_reset();
  if (n == 6 && memcmp(name, "RANDOM", 6) == 0 && value) random_state = strtoul(value, NULL, 10);
  return 0;
}

int var_set(const char *name, const char *value, int flags) { return set_n(name, strlen(name), value, flags); }

int var_set_assignment(const char *assign, int flags) {
  const char *eq = strchr(assign, '=');
  if (!eq) return set_n(assign, strlen(assign), NULL, flags);
  return set_n(assign, (size_t)(eq - assign), eq + 1, flags);
}

int var_set_int(const char *name, arith_t val) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)val);
  return var_set(name, buf, 0);
}

int var_unset(const char *name) {
  var_t *v = var_lookup(name);
  if (!v) return 0;
  if (v->flags & V_READONLY) {
    sh_error("%s: is read only", name);
    raise_error();
    return -1;
  }
  free(v->value);
  v->value = NULL;
  v->flags = V_UNSET;
  if (strcmp(name, "OPTIND") == 0) getopts_reset();
  return 0;
}

char **vars_environ(void) {
  int count = 0;
  for (int i = 0; i < NBUCKETS; i++)
    for (var_t *v = buckets[i]; v; v = v->next)
      if ((v->flags & V_EXPORT) && !(v->flags & V_UNSET)) count++;
  char **env = stalloc(sizeof(char *) * (size_t)(count + 1));
  int k = 0;
  for (int i = 0; i < NBUCKETS; i++)
    for (var_t *v = buckets[i]; v; v = v->next)
      if ((v->flags & V_EXPORT) && !(v->flags & V_UNSET)) {
        size_t nl = strlen(v->name), vl = strlen(v->value);
        char *s = stalloc(nl + vl + 2);
        memcpy(s, v->name, nl);
        s[nl] = '=';
        memcpy(s + nl + 1, v->value, vl + 1);
        env[k++] = s;
      }
  env[k] = NULL;
  return env;
}

static int cmp_var(const void *a, const void *b) {
  return strcmp((*(var_t *const *)a)->name, (*(var_t *const *)b)->name);
}

void vars_each_sorted(void (*fn)(var_t *v, void *ctx), void *ctx) {
  int count = 0;
  for (int i = 0; i < NBUCKETS; i++)
    for (var_t *v = buckets[i]; v; v = v->next) count++;
  var_t **all = xmalloc(sizeof(var_t *) * (size_t)(count + 1));
  int k = 0;
  for (int i = 0; i < NBUCKETS; i++)
    for (var_t *v = buckets[i]; v; v = v->next) all[k++] = v;
  qsort(all, (size_t)count, sizeof *all, cmp_var);
  for (int i = 0; i < count; i++) fn(all[i], ctx);
  free(all);
}

void vars_init(char **envp) {
  random_state = (unsigned long)getpid() * 2654435761u;
  for (char **e = envp; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || !is_name_n(*e, (size_t)(eq - *e))) continue;
    set_n(*e, (size_t)(eq - *e), eq + 1, V_EXPORT);
  }
  if (!var_get("PATH")) var_set("PATH", "/sbin:/usr/sbin:/bin:/usr/bin", V_EXPORT);
  else var_set("PATH", NULL, V_EXPORT);
  var_set("IFS", " \t\n", 0);
  var_set("PS1", geteuid() == 0 ? "\\w \\$ " : "\\w \\$ ", 0);
  var_set("PS2", "> ", 0);
  var_set("PS4", "+ ", 0);
  var_set("OPTIND", "1", 0);
  char buf[32];
  snprintf(buf, sizeof buf, "%d", (int)getppid());
  var_set("PPID", buf, 0);
  struct drydock_utsname u;
  if (__drydock_uname(&u) == 0) var_set("HOSTNAME", u.nodename, 0);
  const char *lvl = var_get("SHLVL");
  snprintf(buf, sizeof buf, "%d", (lvl ? atoi(lvl) : 0) + 1);
  var_set("SHLVL", buf, V_EXPORT);
}

/* ------------------------------------------------------------------ local */

typedef struct saved_local {
  struct saved_local *next;
  char *name;
  char *value; /* NULL: was unset */
  int flags;
  int existed;
} saved_local_t;

typedef struct frame {
  struct frame *prev;
  saved_local_t *saved;
} frame_t;

static frame_t *frames;

void locals_push(void) {
  frame_t *f = xzalloc(sizeof *f);
  f->prev = frames;
  frames = f;
}

void locals_pop(void) {
  frame_t *f = frames;
  if (!f) return;
  frames = f->prev;
  saved_local_t *s = f->saved;
  while (s) {
    saved_local_t *next = s->next;
    var_t *v = var_lookup(s->name);
    if (v) {
      free(v->value);
      v->value = s->value;
      v->flags = s->existed ? s->flags : V_UNSET;
    } else {
      free(s->value);
    }
    free(s->name);
    free(s);
    s = next;
  }
  free(f);
}

int local_declare(const char *assign) {
  if (!frames) {
    sh_error("not in a function");
    raise_error();
    return -1;
  }
  const char *eq = strchr(assign, '=');
  size_t n = eq ? (size_t)(eq - assign) : strlen(assign);
  if (n == 1 && assign[0] == '-') {
    /* `local -`: options are not saved (ash saves them; rarely used) */
    return 0;
  }
  char *name = xstrndup(assign, n);
  for (saved_local_t *s = frames->saved; s; s = s->next)
    if (strcmp(s->name, name) == 0) {
      free(name);
      return eq ? var_set_assignment(assign, 0) : 0;
    }
  var_t *v = var_lookup(name);
  saved_local_t *s = xzalloc(sizeof *s);
  s->name = name;
  if (v) {
    s->existed = 1;
    s->flags = v->flags;
    s->value = v->value ? xstrdup(v->value) : NULL;
  }
  s->next = frames->saved;
  frames->saved = s;
  if (eq) return var_set_assignment(assign, 0);
  /* `local x` starts out unset (as busybox) */
  if (v && !(v->flags & V_READONLY)) {
    free(v->value);
    v->value = NULL;
    v->flags = V_UNSET;
  }
  return 0;
}

/* ------------------------------------------------------------------ positional parameters */

void params_free(params_t *p) {
  for (int i = 0; i < p->n; i++) free(p->v[i]);
  free(p->v);
  p->v = NULL;
  p->n = 0;
}

void params_set(int n, char **v) {
  params_t np;
  np.n = n;
  np.v = xmalloc(sizeof(char *) * (size_t)(n + 1));
  for (int i = 0; i < n; i++) np.v[i] = xstrdup(v[i]);
  np.v[n] = NULL;
  params_free(&g_params);
  g_params = np;
}

/* ------------------------------------------------------------------ functions */

func_t *func_lookup(const char *name) {
  for (func_t *f = g_funcs; f; f = f->next)
    if (strcmp(f->name, name) == 0) return f;
  return NULL;
}

void func_define(const char *name, node_t *body, arena_t *arena) {
  func_t *f = func_lookup(name);
  arena_ref(arena);
  if (f) {
    arena_unref(f->arena);
  } else {
    f = xzalloc(sizeof *f);
    f->name = xstrdup(name);
    f->next = g_funcs;
    g_funcs = f;
  }
  f->body = body;
  f->arena = arena;
}

int func_unset(const char *name) {
  for (func_t **pp = &g_funcs; *pp; pp = &(*pp)->next) {
    func_t *f = *pp;
    if (strcmp(f->name, name) == 0) {
      *pp = f->next;
      arena_unref(f->arena);
      free(f->name);
      free(f);
      return 1;
    }
  }
  return 0;
}
