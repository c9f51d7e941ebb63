/*
 * A chained hash table with power-of-two sizes that doubles when full (all
 * at once; no incremental rehashing) and never shrinks except when cleared.
 * Keys are binary-safe blobs hashed with a seeded 64-bit FNV-1a variant.
 */
#include <stdlib.h>
#include <string.h>

#include "server.h"

static uint64_t seed0 = 0xcbf29ce484222325ULL, seed1 = 0x9e3779b97f4a7c15ULL;

void dict_seed(const uint8_t seed[16]) {
  memcpy(&seed0, seed, 8);
  memcpy(&seed1, seed + 8, 8);
  seed0 |= 1;
}

static uint64_t hash_bytes(const char *p, size_t n) {
  uint64_t h = seed0;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 0x100000001b3ULL;
  }
  h ^= seed1;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

dict *dict_new(void (*free_val)(void *)) {
  dict *d = calloc(1, sizeof *d);
  d->free_val = free_val;
  return d;
}

static void free_entry(dict *d, dentry *e) {
  if (d->free_val && e->val) d->free_val(e->val);
  free(e->key);
  free(e);
}

void dict_clear(dict *d) {
  for (size_t i = 0; i < d->size; i++) {
    dentry *e = d->table[i];
    while (e) {
      dentry *next = e->next;
      free_entry(d, e);
      e = next;
    }
  }
  free(d->table);
  d->table = NULL;
  d->size = d->used = 0;
}

void dict_free(dict *d) {
  if (!d) return;
  dict_clear(d);
  free(d);
}

dentry *dict_find(dict *d, const char *key, size_t len) {
  if (d->size == 0) return NULL;
  uint64_t h = hash_bytes(key, len);
  for (dentry *e = d->table[h & (d->size - 1)]; e; e = e->next) {
    if (e->hash == h && e->key->len == len && memcmp(e->key->ptr, key, len) == 0) return e;
  }
  return NULL;
}

static void grow(dict *d) {
  size_t size = d->size ? d->size * 2 : 4;
  dentry **table = calloc(size, sizeof *table);
  for (size_t i = 0; i < d->size; i++) {
    dentry *e = d->table[i];
    while (e) {
      dentry *next = e->next;
      size_t at = e->hash & (size - 1);
      e->next = table[at];
      table[at] = e;
      e = next;
    }
  }
  free(d->table);
  d->table = table;
  d->size = size;
}

dentry *dict_add_or_find(dict *d, const char *key, size_t len, int *created) {
  dentry *found = dict_find(d, key, len);
  if (found) {
    *created = 0;
    return found;
  }
  if (d->used >= d->size) grow(d);
  dentry *e = calloc(1, sizeof *e);
  e->hash = hash_bytes(key, len);
  e->key = blob_new(key, len);
  e->expire = -1;
  size_t at = e->hash & (d->size - 1);
  e->next = d->table[at];
  d->table[at] = e;
  d->used++;
  *created = 1;
  return e;
}

int dict_unlink(dict *d, const char *key, size_t len, void **val) {
  if (d->size == 0) return 0;
  uint64_t h = hash_bytes(key, len);
  dentry **link = &d->table[h & (d->size - 1)];
  for (dentry *e = *link; e; link = &e->next, e = e->next) {
    if (e->hash == h && e->key->len == len && memcmp(e->key->ptr, key, len) == 0) {
      *link = e->next;
      if (val) *val = e->val;
      else if (d->free_val && e->val) d->free_val(e->val);
      free(e->key);
      free(e);
      d->used--;
      return 1;
    }
  }
  return 0;
}

int dict_delete(dict *d, const char *key, size_t len) { return dict_unlink(d, key, len, NULL); }

dentry *dict_random(dict *d) {
  if (d->used == 0) return NULL;
  dentry *e;
  do {
    e = d->table[(size_t)rand() & (d->size - 1)];
  } while (!e);
  size_t n = 0;
  for (dentry *x = e; x; x = x->next) n++;
  size_t pick = (size_t)rand() % n;
  while (pick--) e = e->next;
  return e;
}

static unsigned long rev(unsigned long v) {
  unsigned long s = 8 * sizeof(v), mask = ~0UL;
  while ((s >>= 1) > 0) {
    mask ^= (mask << s);
    v = ((v >> s) & mask) | ((v << s) & ~mask);
  }
  return v;
}

unsigned long dict_scan(dict *d, unsigned long v, void (*fn)(void *ctx, dentry *e), void *ctx) {
  if (d->size == 0) return 0;
  unsigned long m = d->size - 1;
  for (dentry *e = d->table[v & m]; e;) {
    dentry *next = e->next; /* fn may delete e (expired keys) */
    fn(ctx, e);
    e = next;
  }
  v |= ~m;
  v = rev(v);
  v++;
  v = rev(v);
  return v;
}
