/* Hash commands over a dict of field -> blob. A hash that becomes empty is deleted. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static dict *lookup_hash(client *c, const blob *key, int *wrong) {
  robj *o = db_get(c->db, key);
  *wrong = 0;
  if (!o) return NULL;
  if (o->type != OBJ_HASH) {
    add_reply_wrongtype(c);
    *wrong = 1;
    return NULL;
  }
  return o->v.hash;
}

static dict *hash_for_write(client *c, const blob *key, int *wrong) {
  dict *h = lookup_hash(c, key, wrong);
  if (h || *wrong) return h;
  robj *o = obj_hash();
  db_add(c->db, key, o);
  return o->v.hash;
}

/* Sets field to a copy of value; 1 if the field is new. */
static int hash_set(dict *h, const blob *field, const blob *value) {
  int created;
  dentry *e = dict_add_or_find(h, field->ptr, field->len, &created);
  free(e->val);
  e->val = blob_dup(value);
  return created;
}

void hset_command(client *c) {
  if (c->argc % 2 == 1) {
    add_reply_arity(c, arg_is(c->argv[0], "hmset") ? "hmset" : "hset");
    return;
  }
  int wrong;
  dict *h = hash_for_write(c, c->argv[1], &wrong);
  if (wrong) return;
  long long created = 0;
  for (int j = 2; j < c->argc; j += 2) created += hash_set(h, c->argv[j], c->argv[j + 1]);
  server.dirty += (c->argc - 2) / 2;
  if (arg_is(c->argv[0], "hmset")) add_reply_ok(c);
  else add_reply_ll(c, created);
}

void hmset_command(client *c) { hset_command(c); }

void hsetnx_command(client *c) {
  int wrong;
  dict *h = hash_for_write(c, c->argv[1], &wrong);
  if (wrong) return;
  if (dict_find(h, c->argv[2]->ptr, c->argv[2]->len)) {
    add_reply_ll(c, 0);
    return;
  }
  hash_set(h, c->argv[2], c->argv[3]);
  server.dirty++;
  add_reply_ll(c, 1);
}

void hget_command(client *c) {
  int wrong;
  dict *h = lookup_hash(c, c->argv[1], &wrong);
  if (wrong) return;
  dentry *e = h ? dict_find(h, c->argv[2]->ptr, c->argv[2]->len) : NULL;
  if (e) add_reply_bulk_blob(c, e->val);
  else add_reply_null(c);
}

void hmget_command(client *c) {
  int wrong;
  dict *h = lookup_hash(c, c->argv[1], &wrong);
  if (wrong) return;
  add_reply_array_len(c, c->argc - 2);
  for (int j = 2; j < c->argc; j++) {
    dentry *e = h ? dict_find(h, c->argv[j]->ptr, c->argv[j]->len) : NULL;
    if (e) add_reply_bulk_blob(c, e->val);
    else add_reply_null(c);
  }
}

/* what: 1 fields, 2 values, 3 both */
static void hash_getall(client *c, int what) {
  int wrong;
  dict *h = lookup_hash(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!h) {
    add_reply_array_len(c, 0);
    return;
  }
  add_reply_array_len(c, (long long)h->used * (what == 3 ? 2 : 1));
  for (size_t i = 0; i < h->size; i++) {
    for (dentry *e = h->table[i]; e; e = e->next) {
      if (what & 1) add_reply_bulk_blob(c, e->key);
      if (what & 2) add_reply_bulk_blob(c, e->val);
    }
  }
}

void hgetall_command(client *c) { hash_getall(c, 3); }
void hkeys_command(client *c) { hash_getall(c, 1); }
void hvals_command(client *c) { hash_getall(c, 2); }

void hdel_command(client *c) {
  int wrong;
  dict *h = lookup_hash(c, c->argv[1], &wrong);
  if (wrong) return;
  long long n = 0;
  if (h) {
    for (int j = 2; j < c->argc; j++) n += dict_delete(h, c->argv[j]->ptr, c->argv[j]->len);
    if (h->used == 0) db_delete(c->db, c->argv[1]);
  }
  server.dirty += n;
  add_reply_ll(c, n);
}

void hlen_command(client *c) {
  int wrong;
  dict *h = lookup_hash(c, c->argv[1], &wrong);
  if (wrong) return;
  add_reply_ll(c, h ? (long long)h->used : 0);
}

void hexists_command(client *c) {
  int wrong;
  dict *h = lookup_hash(c, c->argv[1], &wrong);
  if (wrong) return;
  add_reply_ll(c, h && dict_find(h, c->argv[2]->ptr, c->argv[2]->len) ? 1 : 0);
}

void hstrlen_command(client *c) {
  int wrong;
  dict *h = lookup_hash(c, c->argv[1], &wrong);
  if (wrong) return;
  dentry *e = h ? dict_find(h, c->argv[2]->ptr, c->argv[2]->len) : NULL;
  add_reply_ll(c, e ? (long long)((blob *)e->val)->len : 0);
}

void hincrby_command(client *c) {
  long long incr, value = 0;
  if (!get_ll_or_reply(c, c->argv[3], &incr, NULL)) return;
  int wrong;
  dict *h = hash_for_write(c, c->argv[1], &wrong);
  if (wrong) return;
  dentry *e = dict_find(h, c->argv[2]->ptr, c->argv[2]->len);
  if (e) {
    blob *v = e->val;
    if (!string2ll(v->ptr, v->len, &value)) {
      add_reply_error(c, "hash value is not an integer");
      return;
    }
  }
  if ((incr < 0 && value < 0 && incr < (LLONG_MIN - value)) || (incr > 0 && value > 0 && incr > (LLONG_MAX - value))) {
    add_reply_error(c, "increment or decrement would overflow");
    if (h->used == 0) db_delete(c->db, c->argv[1]);
    return;
  }
  value += incr;
  blob *nv = blob_from_ll(value);
  hash_set(h, c->argv[2], nv);
  free(nv);
  server.dirty++;
  add_reply_ll(c, value);
}

void hincrbyfloat_command(client *c) {
  double incr, value = 0;
  if (!string2d(c->argv[3]->ptr, c->argv[3]->len, &incr)) {
    add_reply_error(c, "value is not a valid float");
    return;
  }
  int wrong;
  dict *h = hash_for_write(c, c->argv[1], &wrong);
  if (wrong) return;
  dentry *e = dict_find(h, c->argv[2]->ptr, c->argv[2]->len);
  if (e) {
    blob *v = e->val;
    if (!string2d(v->ptr, v->len, &value)) {
      add_reply_error(c, "hash value is not a float");
      return;
    }
  }
  value += incr;
  if (isnan(value) || isinf(value)) {
    add_reply_error(c, "increment would produce NaN or Infinity");
    if (h->used == 0) db_delete(c->db, c->argv[1]);
    return;
  }
  blob *nv = human_double(value);
  hash_set(h, c->argv[2], nv);
  server.dirty++;
  add_reply_bulk_blob(c, nv);
  free(nv);
}

void hscan_command(client *c) {
  int wrong;
  dict *h = lookup_hash(c, c->argv[1], &wrong);
  if (wrong) return;
  generic_scan(c, h, c->db, 3, 1);
}
