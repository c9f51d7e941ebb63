/* Values: blobs (binary-safe strings), lists (ring buffers), and the robj wrapper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static void *xmalloc(size_t n) {
  void *p = malloc(n);
  if (!p) {
    fprintf(stderr, "out of memory allocating %zu bytes\n", n);
    abort();
  }
  return p;
}

blob *blob_new(const char *p, size_t n) {
  blob *b = xmalloc(sizeof *b + n + 1);
  b->len = n;
  if (n) memcpy(b->ptr, p, n);
  b->ptr[n] = 0;
  return b;
}

blob *blob_from_ll(long long v) {
  char tmp[32];
  int n = snprintf(tmp, sizeof tmp, "%lld", v);
  return blob_new(tmp, (size_t)n);
}

blob *blob_dup(const blob *b) { return blob_new(b->ptr, b->len); }

blob *blob_cat(blob *b, const char *p, size_t n) {
  blob *r = realloc(b, sizeof *b + b->len + n + 1);
  if (!r) abort();
  memcpy(r->ptr + r->len, p, n);
  r->len += n;
  r->ptr[r->len] = 0;
  return r;
}

robj *obj_string(blob *b) {
  robj *o = xmalloc(sizeof *o);
  o->type = OBJ_STRING;
  o->v.str = b;
  return o;
}

robj *obj_list(void) {
  robj *o = xmalloc(sizeof *o);
  o->type = OBJ_LIST;
  o->v.list = rlist_new();
  return o;
}

robj *obj_hash(void) {
  robj *o = xmalloc(sizeof *o);
  o->type = OBJ_HASH;
  o->v.hash = dict_new(free);
  return o;
}

robj *obj_set(void) {
  robj *o = xmalloc(sizeof *o);
  o->type = OBJ_SET;
  o->v.set = dict_new(NULL);
  return o;
}

void obj_free(void *p) {
  robj *o = p;
  if (!o) return;
  switch (o->type) {
    case OBJ_STRING: free(o->v.str); break;
    case OBJ_LIST: rlist_free(o->v.list); break;
    case OBJ_HASH: dict_free(o->v.hash); break;
    case OBJ_SET: dict_free(o->v.set); break;
  }
  free(o);
}

const char *obj_type_name(const robj *o) {
  switch (o->type) {
    case OBJ_STRING: return "string";
    case OBJ_LIST: return "list";
    case OBJ_HASH: return "hash";
    case OBJ_SET: return "set";
  }
  return "unknown";
}

rlist *rlist_new(void) {
  rlist *l = calloc(1, sizeof *l);
  return l;
}

void rlist_free(rlist *l) {
  for (size_t i = 0; i < l->len; i++) free(rlist_at(l, i));
  free(l->items);
  free(l);
}

static void rlist_grow(rlist *l) {
  if (l->len < l->cap) return;
  size_t cap = l->cap ? l->cap * 2 : 8;
  blob **items = xmalloc(cap * sizeof *items);
  for (size_t i = 0; i < l->len; i++) items[i] = l->items[(l->head + i) % l->cap];
  free(l->items);
  l->items = items;
  l->cap = cap;
  l->head = 0;
}

blob *rlist_at(rlist *l, size_t i) { return l->items[(l->head + i) % l->cap]; }

void rlist_set(rlist *l, size_t i, blob *b) {
  size_t at = (l->head + i) % l->cap;
  free(l->items[at]);
  l->items[at] = b;
}

void rlist_push(rlist *l, blob *b, int head) {
  rlist_grow(l);
  if (head) {
    l->head = (l->head + l->cap - 1) % l->cap;
    l->items[l->head] = b;
  } else {
    l->items[(l->head + l->len) % l->cap] = b;
  }
  l->len++;
}

blob *rlist_pop(rlist *l, int head) {
  if (l->len == 0) return NULL;
  blob *b;
  if (head) {
    b = l->items[l->head];
    l->head = (l->head + 1) % l->cap;
  } else {
    b = l->items[(l->head + l->len - 1) % l->cap];
  }
  l->len--;
  return b;
}

/* Removes (and frees) element i, shifting the tail left. */
void rlist_remove_at(rlist *l, size_t i) {
  free(rlist_at(l, i));
  for (size_t j = i; j + 1 < l->len; j++) l->items[(l->head + j) % l->cap] = l->items[(l->head + j + 1) % l->cap];
  l->len--;
}

/* Inserts b before element i (i == len appends). */
void rlist_insert_at(rlist *l, size_t i, blob *b) {
  rlist_grow(l);
  for (size_t j = l->len; j > i; j--) l->items[(l->head + j) % l->cap] = l->items[(l->head + j - 1) % l->cap];
  l->items[(l->head + i) % l->cap] = b;
  l->len++;
}
