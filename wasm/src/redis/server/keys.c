/* Keyspace commands: DEL, EXISTS, EXPIRE & TTL families, KEYS, SCAN, TYPE, RENAME, RANDOMKEY. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"

void del_command(client *c) {
  long long n = 0;
  for (int j = 1; j < c->argc; j++) n += db_delete(c->db, c->argv[j]);
  server.dirty += n;
  add_reply_ll(c, n);
}

void exists_command(client *c) {
  long long n = 0;
  for (int j = 1; j < c->argc; j++) n += db_lookup(c->db, c->argv[j]->ptr, c->argv[j]->len) != NULL;
  add_reply_ll(c, n);
}

enum { EXP_NX = 1, EXP_XX = 2, EXP_GT = 4, EXP_LT = 8 };

static void expire_generic(client *c, long long basetime, int seconds) {
  int flags = 0;
  for (int j = 3; j < c->argc; j++) {
    blob *a = c->argv[j];
    if (arg_is(a, "nx")) flags |= EXP_NX;
    else if (arg_is(a, "xx")) flags |= EXP_XX;
    else if (arg_is(a, "gt")) flags |= EXP_GT;
    else if (arg_is(a, "lt")) flags |= EXP_LT;
    else {
      add_reply_error_fmt(c, "Unsupported option %s", a->ptr);
      return;
    }
  }
  if ((flags & EXP_NX) && (flags & (EXP_XX | EXP_GT | EXP_LT))) {
    add_reply_error(c, "NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if ((flags & EXP_GT) && (flags & EXP_LT)) {
    add_reply_error(c, "GT and LT options at the same time are not compatible");
    return;
  }
  long long when;
  if (!get_ll_or_reply(c, c->argv[2], &when, NULL)) return;
  const char *name = c->argv[0]->ptr;
  char lower[16];
  size_t i = 0;
  for (; name[i] && i < sizeof lower - 1; i++) lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
  lower[i] = 0;
  if (seconds) {
    if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
      add_reply_error_fmt(c, "invalid expire time in '%s' command", lower);
      return;
    }
    when *= 1000;
  }
  if (when > LLONG_MAX - basetime) {
    add_reply_error_fmt(c, "invalid expire time in '%s' command", lower);
    return;
  }
  when += basetime;
  dentry *e = db_lookup(c->db, c->argv[1]->ptr, c->argv[1]->len);
  if (!e) {
    add_reply_ll(c, 0);
    return;
  }
  long long current = e->expire;
  if (((flags & EXP_NX) && current != -1) || ((flags & EXP_XX) && current == -1) ||
      ((flags & EXP_GT) && (when <= current || current == -1)) || ((flags & EXP_LT) && current != -1 && when >= current)) {
    add_reply_ll(c, 0);
    return;
  }
  if (when <= mstime()) db_delete(c->db, c->argv[1]);
  else db_set_expire(c->db, e, when);
  server.dirty++;
  add_reply_ll(c, 1);
}

void expire_command(client *c) { expire_generic(c, mstime(), 1); }
void pexpire_command(client *c) { expire_generic(c, mstime(), 0); }
void expireat_command(client *c) { expire_generic(c, 0, 1); }
void pexpireat_command(client *c) { expire_generic(c, 0, 0); }

static void ttl_generic(client *c, int ms, int absolute) {
  dentry *e = db_lookup(c->db, c->argv[1]->ptr, c->argv[1]->len);
  if (!e) {
    add_reply_ll(c, -2);
    return;
  }
  if (e->expire < 0) {
    add_reply_ll(c, -1);
    return;
  }
  if (absolute) {
    add_reply_ll(c, ms ? e->expire : e->expire / 1000);
    return;
  }
  long long ttl = e->expire - mstime();
  if (ttl < 0) ttl = 0;
  add_reply_ll(c, ms ? ttl : (ttl + 500) / 1000);
}

void ttl_command(client *c) { ttl_generic(c, 0, 0); }
void pttl_command(client *c) { ttl_generic(c, 1, 0); }
void expiretime_command(client *c) { ttl_generic(c, 0, 1); }
void pexpiretime_command(client *c) { ttl_generic(c, 1, 1); }

void persist_command(client *c) {
  dentry *e = db_lookup(c->db, c->argv[1]->ptr, c->argv[1]->len);
  if (!e || e->expire < 0) {
    add_reply_ll(c, 0);
    return;
  }
  db_remove_expire(c->db, e);
  server.dirty++;
  add_reply_ll(c, 1);
}

void keys_command(client *c) {
  blob *pattern = c->argv[1];
  int all = pattern->len == 1 && pattern->ptr[0] == '*';
  long long now = mstime(), n = 0;
  size_t at = add_reply_deferred_len(c);
  dict *d = c->db->keys;
  for (size_t i = 0; i < d->size; i++) {
    for (dentry *e = d->table[i]; e; e = e->next) {
      if (e->expire >= 0 && e->expire <= now) continue;
      if (all || string_match(pattern->ptr, pattern->len, e->key->ptr, e->key->len, 0)) {
        add_reply_bulk_blob(c, e->key);
        n++;
      }
    }
  }
  set_deferred_array_len(c, at, n);
}

/* ------------------------------------------------------------------ SCAN, HSCAN, SSCAN */

struct scan_ctx {
  blob **items; /* keys or members; for hashes, field then value */
  size_t n, cap;
  int pairs;
};

static void scan_collect(void *p, dentry *e) {
  struct scan_ctx *ctx = p;
  if (ctx->n + 2 > ctx->cap) {
    ctx->cap = ctx->cap ? ctx->cap * 2 : 32;
    ctx->items = realloc(ctx->items, ctx->cap * sizeof *ctx->items);
  }
  ctx->items[ctx->n++] = blob_dup(e->key);
  if (ctx->pairs) ctx->items[ctx->n++] = blob_dup((blob *)e->val);
}

/* kind: 0 keys (SCAN), 1 hash (HSCAN), 2 set (SSCAN). d may be NULL (a missing key). */
void generic_scan(client *c, dict *d, redisDb *db, int first, int kind) {
  blob *cursor_arg = c->argv[first - 1];
  char *end;
  unsigned long long cursor = strtoull(cursor_arg->ptr, &end, 10);
  if (cursor_arg->len == 0 || *end || cursor_arg->ptr[0] == '-' || cursor_arg->ptr[0] == ' ' || cursor_arg->ptr[0] == '+') {
    add_reply_error(c, "invalid cursor");
    return;
  }
  long long count = 10;
  blob *pattern = NULL, *type = NULL;
  for (int j = first; j < c->argc; j++) {
    int left = c->argc - j - 1;
    if (arg_is(c->argv[j], "count") && left >= 1) {
      if (!get_ll_or_reply(c, c->argv[j + 1], &count, NULL)) return;
      if (count < 1) {
        add_reply_syntax_error(c);
        return;
      }
      j++;
    } else if (arg_is(c->argv[j], "match") && left >= 1) {
      pattern = c->argv[++j];
    } else if (kind == 0 && arg_is(c->argv[j], "type") && left >= 1) {
      type = c->argv[++j];
    } else {
      add_reply_syntax_error(c);
      return;
    }
  }
  struct scan_ctx ctx = {NULL, 0, 0, kind == 1};
  unsigned long cur = (unsigned long)cursor;
  if (d && d->size) {
    long long maxiter = count * 10;
    do {
      cur = dict_scan(d, cur, scan_collect, &ctx);
    } while (cur && maxiter-- && (long long)ctx.n < count * (kind == 1 ? 2 : 1));
  } else {
    cur = 0;
  }
  long long now = mstime();
  add_reply_array_len(c, 2);
  char num[32];
  int len = snprintf(num, sizeof num, "%lu", cur);
  add_reply_bulk(c, num, (size_t)len);
  size_t at = add_reply_deferred_len(c);
  long long n = 0;
  int step = kind == 1 ? 2 : 1;
  for (size_t i = 0; i < ctx.n; i += (size_t)step) {
    blob *k = ctx.items[i];
    int keep = !pattern || string_match(pattern->ptr, pattern->len, k->ptr, k->len, 0);
    if (keep && kind == 0) {
      dentry *e = dict_find(db->keys, k->ptr, k->len);
      if (!e || (e->expire >= 0 && e->expire <= now)) keep = 0;
      else if (type && strcasecmp(obj_type_name(e->val), type->ptr) != 0) keep = 0;
    }
    if (keep) {
      for (int s = 0; s < step; s++) add_reply_bulk_blob(c, ctx.items[i + (size_t)s]);
      n += step;
    }
  }
  for (size_t i = 0; i < ctx.n; i++) free(ctx.items[i]);
  free(ctx.items);
  set_deferred_array_len(c, at, n);
}

void scan_command(client *c) { generic_scan(c, c->db->keys, c->db, 2, 0); }

void type_command(client *c) {
  robj *o = db_get(c->db, c->argv[1]);
  add_reply_status(c, o ? obj_type_name(o) : "none");
}

static void rename_generic(client *c, int nx) {
  blob *src = c->argv[1], *dst = c->argv[2];
  dentry *e = db_lookup(c->db, src->ptr, src->len);
  if (!e) {
    add_reply_error(c, "no such key");
    return;
  }
  int same = src->len == dst->len && memcmp(src->ptr, dst->ptr, src->len) == 0;
  if (same) {
    if (nx) add_reply_ll(c, 0);
    else add_reply_ok(c);
    return;
  }
  if (nx && db_lookup(c->db, dst->ptr, dst->len)) {
    add_reply_ll(c, 0);
    return;
  }
  long long expire = e->expire;
  void *val;
  if (expire >= 0) c->db->volatile_keys--;
  dict_unlink(c->db->keys, src->ptr, src->len, &val);
  db_delete(c->db, dst);
  dentry *ne = db_add(c->db, dst, val);
  if (expire >= 0) db_set_expire(c->db, ne, expire);
  if (((robj *)val)->type == OBJ_LIST) signal_key_as_ready(c->db, dst);
  server.dirty++;
  if (nx) add_reply_ll(c, 1);
  else add_reply_ok(c);
}

void rename_command(client *c) { rename_generic(c, 0); }
void renamenx_command(client *c) { rename_generic(c, 1); }

void randomkey_command(client *c) {
  for (int tries = 0; tries < 100; tries++) {
    dentry *e = dict_random(c->db->keys);
    if (!e) break;
    if (e->expire >= 0 && e->expire <= mstime()) {
      blob *k = blob_dup(e->key);
      db_lookup(c->db, k->ptr, k->len); /* deletes it */
      free(k);
      continue;
    }
    add_reply_bulk_blob(c, e->key);
    return;
  }
  add_reply_null(c);
}
