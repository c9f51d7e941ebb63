/* Memory: checked malloc, string buffers, refcounted arenas for parse trees,
 * and the expansion stack (mark/reset). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

static void oom(void) {
  static const char msg[] = "sh: out of memory\n";
  write(2, msg, sizeof msg - 1);
  _exit(2);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) oom();
  return p;
}

void *xzalloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (!p) oom();
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) oom();
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

/* ------------------------------------------------------------------ sbuf */

void sb_grow(sbuf_t *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap * 2 : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  b->s = xrealloc(b->s, cap);
  b->cap = cap;
}

void sb_addc(sbuf_t *b, int c) {
  sb_grow(b, 1);
  b->s[b->len++] = (char)c;
  b->s[b->len] = 0;
}

void sb_addn(sbuf_t *b, const char *s, size_t n) {
  sb_grow(b, n);
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void sb_adds(sbuf_t *b, const char *s) { sb_addn(b, s, strlen(s)); }

void sb_printf(sbuf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  sb_grow(b, (size_t)n);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  b->len += (size_t)n;
}

void sb_free(sbuf_t *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

char *sb_take(sbuf_t *b) {
  char *s = b->s ? b->s : xstrdup("");
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

const char *sb_str(sbuf_t *b) { return b->s ? b->s : ""; }

/* ------------------------------------------------------------------ arenas */

typedef struct ablock {
  struct ablock *next;
  size_t used, size;
  char data[];
} ablock_t;

struct arena {
  ablock_t *blocks;
  int refs;
};

arena_t *arena_new(void) {
  arena_t *a = xzalloc(sizeof *a);
  a->refs = 1;
  return a;
}

void *arena_alloc(arena_t *a, size_t n) {
  n = (n + 7) & ~(size_t)7;
  ablock_t *b = a->blocks;
  if (!b || b->used + n > b->size) {
    size_t size = n > 4000 ? n : 4000;
    b = xmalloc(sizeof *b + size);
    b->size = size;
    b->used = 0;
    b->next = a->blocks;
    a->blocks = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *arena_strdup(arena_t *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

void arena_ref(arena_t *a) { a->refs++; }

void arena_unref(arena_t *a) {
  if (!a || --a->refs > 0) return;
  ablock_t *b = a->blocks;
  while (b) {
    ablock_t *next = b->next;
    free(b);
    b = next;
  }
  free(a);
}

/* ------------------------------------------------------------------ expansion stack */

typedef struct sblock {
  struct sblock *prev;
  size_t used, size;
  char data[];
} sblock_t;

static sblock_t *stack_top;

void *stalloc(size_t n) {
  n = (n + 7) & ~(size_t)7;
  sblock_t *b = stack_top;
  if (!b || b->used + n > b->size) {
    size_t size = n > 8000 ? n : 8000;
    b = xmalloc(sizeof *b + size);
    b->size = size;
    b->used = 0;
    b->prev = stack_top;
    stack_top = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  return p;
}

char *ststrndup(const char *s, size_t n) {
  char *p = stalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *ststrdup(const char *s) { return ststrndup(s, strlen(s)); }

void stmark(stmark_t *m) {
  m->block = stack_top;
  m->used = stack_top ? stack_top->used : 0;
}

void streset(const stmark_t *m) {
  while (stack_top && stack_top != m->block) {
    sblock_t *prev = stack_top->prev;
    free(stack_top);
    stack_top = prev;
  }
  if (stack_top) stack_top->used = m->used;
}
