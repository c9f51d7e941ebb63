/*
 * The keyspace: one dict per database whose entries carry the TTL. Expiry
 * is lazy (every lookup deletes an expired key first) and periodic
 * (db_active_expire walks the tables a slice at a time from serverCron).
 */
#include <stdlib.h>
#include <time.h>

#include "server.h"

long long ustime(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

long long mstime(void) { return ustime() / 1000; }

static int expired(dentry *e, long long now) { return e->expire >= 0 && e->expire <= now; }

static void delete_entry(redisDb *db, dentry *e) {
  if (e->expire >= 0) db->volatile_keys--;
  /* the key's own bytes are only read before the entry (and key) is freed */
  dict_delete(db->keys, e->key->ptr, e->key->len);
}

dentry *db_lookup(redisDb *db, const char *key, size_t len) {
  dentry *e = dict_find(db->keys, key, len);
  if (e && expired(e, mstime())) {
    delete_entry(db, e);
    server.stat_expired_keys++;
    return NULL;
  }
  return e;
}

robj *db_get(redisDb *db, const blob *key) {
  dentry *e = db_lookup(db, key->ptr, key->len);
  return e ? e->val : NULL;
}

dentry *db_add(redisDb *db, const blob *key, robj *o) {
  int created;
  dentry *e = dict_add_or_find(db->keys, key->ptr, key->len, &created);
  e->val = o;
  return e;
}

void db_set(redisDb *db, const blob *key, robj *o, int keep_ttl) {
  dentry *e = db_lookup(db, key->ptr, key->len);
  if (!e) {
    db_add(db, key, o);
    return;
  }
  obj_free(e->val);
  e->val = o;
  if (!keep_ttl) db_remove_expire(db, e);
}

int db_delete(redisDb *db, const blob *key) {
  dentry *e = db_lookup(db, key->ptr, key->len);
  if (!e) return 0;
  delete_entry(db, e);
  return 1;
}

void db_set_expire(redisDb *db, dentry *e, long long when_ms) {
  if (e->expire < 0) db->volatile_keys++;
  e->expire = when_ms;
}

void db_remove_expire(redisDb *db, dentry *e) {
  if (e->expire >= 0) db->volatile_keys--;
  e->expire = -1;
}

void db_flush(redisDb *db) {
  dict_clear(db->keys);
  db->volatile_keys = 0;
  db->expire_cursor = 0;
}

struct expire_ctx {
  redisDb *db;
  long long now;
  long checked;
};

static void expire_one(void *p, dentry *e) {
  struct expire_ctx *ctx = p;
  ctx->checked++;
  if (expired(e, ctx->now)) {
    delete_entry(ctx->db, e);
    server.stat_expired_keys++;
  }
}

void db_active_expire(long long budget_us) {
  long long start = ustime();
  for (int i = 0; i < server.databases; i++) {
    redisDb *db = &server.dbs[i];
    if (db->volatile_keys == 0) continue;
    struct expire_ctx ctx = {db, mstime(), 0};
    /* up to a full pass over the table, in slices, until the time budget is spent */
    size_t buckets = db->keys->size;
    for (size_t n = 0; n < buckets && db->volatile_keys > 0; n++) {
      db->expire_cursor = dict_scan(db->keys, db->expire_cursor, expire_one, &ctx);
      if ((n & 63) == 63 && ustime() - start > budget_us) return;
    }
  }
}
