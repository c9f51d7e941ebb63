/* String commands: GET, SET and its variants, MGET/MSET, APPEND, INCR & co. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* Looks key up for a string command: NULL and *wrong=0 when missing; replies WRONGTYPE (*wrong=1) for another type. */
static robj *lookup_string(client *c, const blob *key, int *wrong) {
  robj *o = db_get(c->db, key);
  *wrong = 0;
  if (o && o->type != OBJ_STRING) {
    add_reply_wrongtype(c);
    *wrong = 1;
    return NULL;
  }
  return o;
}

void get_command(client *c) {
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!o) {
    server.stat_keyspace_misses++;
    add_reply_null(c);
    return;
  }
  server.stat_keyspace_hits++;
  add_reply_bulk_blob(c, o->v.str);
}

enum { SET_NX = 1, SET_XX = 2, SET_GET = 4, SET_KEEPTTL = 8, SET_EX = 16, SET_PX = 32, SET_EXAT = 64, SET_PXAT = 128, SET_PERSIST = 256 };

/*
 * Parses SET's / GETEX's options from argv[first..]; returns 0 after replying an error.
 * `getex` allows PERSIST and not NX/XX/GET/KEEPTTL.
 */
static int parse_set_options(client *c, int first, int getex, int *flags, blob **expire) {
  *flags = 0;
  *expire = NULL;
  for (int j = first; j < c->argc; j++) {
    blob *a = c->argv[j];
    blob *next = j + 1 < c->argc ? c->argv[j + 1] : NULL;
    int f = *flags;
    int has_expire = f & (SET_EX | SET_PX | SET_EXAT | SET_PXAT | SET_KEEPTTL | SET_PERSIST);
    if (!getex && arg_is(a, "nx") && !(f & SET_XX)) *flags |= SET_NX;
    else if (!getex && arg_is(a, "xx") && !(f & SET_NX)) *flags |= SET_XX;
    else if (!getex && arg_is(a, "get")) *flags |= SET_GET;
    else if (!getex && arg_is(a, "keepttl") && !has_expire) *flags |= SET_KEEPTTL;
    else if (getex && arg_is(a, "persist") && !has_expire) *flags |= SET_PERSIST;
    else if (arg_is(a, "ex") && !has_expire && next) *flags |= SET_EX, *expire = next, j++;
    else if (arg_is(a, "px") && !has_expire && next) *flags |= SET_PX, *expire = next, j++;
    else if (arg_is(a, "exat") && !has_expire && next) *flags |= SET_EXAT, *expire = next, j++;
    else if (arg_is(a, "pxat") && !has_expire && next) *flags |= SET_PXAT, *expire = next, j++;
    else {
      add_reply_syntax_error(c);
      return 0;
    }
  }
  return 1;
}

/* The absolute expiry in ms for an EX/PX/EXAT/PXAT value, or 0 after replying an error. */
static int expire_ms(client *c, const blob *v, int flags, const char *cmdname, long long *out) {
  long long ms;
  if (!get_ll_or_reply(c, v, &ms, NULL)) return 0;
  int seconds = flags & (SET_EX | SET_EXAT);
  if (ms <= 0 || (seconds && ms > LLONG_MAX / 1000)) {
    add_reply_error_fmt(c, "invalid expire time in '%s' command", cmdname);
    return 0;
  }
  if (seconds) ms *= 1000;
  if (flags & (SET_EX | SET_PX)) {
    long long now = mstime();
    if (ms > LLONG_MAX - now) {
      add_reply_error_fmt(c, "invalid expire time in '%s' command", cmdname);
      return 0;
    }
    ms += now;
  }
  *out = ms;
  return 1;
}

/* SET's core, shared with SETNX, SETEX, PSETEX, GETSET. */
static void set_generic(client *c, int flags, blob *key, blob *val, blob *expire, const char *cmdname, int reply_int) {
  long long when = -1;
  if (expire && !expire_ms(c, expire, flags, cmdname, &when)) return;
  if (flags & SET_GET) {
    int wrong;
    robj *old = lookup_string(c, key, &wrong);
    if (wrong) return;
    if (old) add_reply_bulk_blob(c, old->v.str);
    else add_reply_null(c);
  }
  dentry *e = db_lookup(c->db, key->ptr, key->len);
  if (((flags & SET_NX) && e) || ((flags & SET_XX) && !e)) {
    if (reply_int) add_reply_ll(c, 0);
    else if (!(flags & SET_GET)) add_reply_null(c);
    return;
  }
  db_set(c->db, key, obj_string(blob_dup(val)), flags & SET_KEEPTTL);
  if (when >= 0) {
    dentry *ne = db_lookup(c->db, key->ptr, key->len);
    db_set_expire(c->db, ne, when);
    if (when <= mstime()) db_delete(c->db, key); /* already expired (EXAT in the past) */
  }
  server.dirty++;
  if (reply_int) add_reply_ll(c, 1);
  else if (!(flags & SET_GET)) add_reply_ok(c);
}

void set_command(client *c) {
  int flags;
  blob *expire;
  if (!parse_set_options(c, 3, 0, &flags, &expire)) return;
  set_generic(c, flags, c->argv[1], c->argv[2], expire, "set", 0);
}

void setnx_command(client *c) { set_generic(c, SET_NX, c->argv[1], c->argv[2], NULL, "setnx", 1); }
void setex_command(client *c) { set_generic(c, SET_EX, c->argv[1], c->argv[3], c->argv[2], "setex", 0); }
void psetex_command(client *c) { set_generic(c, SET_PX, c->argv[1], c->argv[3], c->argv[2], "psetex", 0); }
void getset_command(client *c) { set_generic(c, SET_GET, c->argv[1], c->argv[2], NULL, "getset", 0); }

void getdel_command(client *c) {
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!o) {
    add_reply_null(c);
    return;
  }
  add_reply_bulk_blob(c, o->v.str);
  db_delete(c->db, c->argv[1]);
  server.dirty++;
}

void getex_command(client *c) {
  int flags;
  blob *expire;
  if (!parse_set_options(c, 2, 1, &flags, &expire)) return;
  long long when = -1;
  if (expire && !expire_ms(c, expire, flags, "getex", &when)) return;
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!o) {
    add_reply_null(c);
    return;
  }
  add_reply_bulk_blob(c, o->v.str);
  dentry *e = db_lookup(c->db, c->argv[1]->ptr, c->argv[1]->len);
  if (when >= 0) {
    if (when <= mstime()) db_delete(c->db, c->argv[1]);
    else db_set_expire(c->db, e, when);
  } else if (flags & SET_PERSIST) {
    db_remove_expire(c->db, e);
  }
}

void mget_command(client *c) {
  add_reply_array_len(c, c->argc - 1);
  for (int j = 1; j < c->argc; j++) {
    robj *o = db_get(c->db, c->argv[j]);
    if (o && o->type == OBJ_STRING) add_reply_bulk_blob(c, o->v.str);
    else add_reply_null(c);
  }
}

static void mset_generic(client *c, int nx) {
  if (c->argc % 2 == 0) {
    add_reply_arity(c, nx ? "msetnx" : "mset");
    return;
  }
  if (nx) {
    for (int j = 1; j < c->argc; j += 2) {
      if (db_lookup(c->db, c->argv[j]->ptr, c->argv[j]->len)) {
        add_reply_ll(c, 0);
        return;
      }
    }
  }
  for (int j = 1; j < c->argc; j += 2) db_set(c->db, c->argv[j], obj_string(blob_dup(c->argv[j + 1])), 0);
  server.dirty += (c->argc - 1) / 2;
  if (nx) add_reply_ll(c, 1);
  else add_reply_ok(c);
}

void mset_command(client *c) { mset_generic(c, 0); }
void msetnx_command(client *c) { mset_generic(c, 1); }

void append_command(client *c) {
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  blob *v = c->argv[2];
  if (!o) {
    db_add(c->db, c->argv[1], obj_string(blob_dup(v)));
    add_reply_ll(c, (long long)v->len);
  } else {
    if (o->v.str->len + v->len > (size_t)PROTO_BULK_MAX) {
      add_reply_error(c, "string exceeds maximum allowed size (proto-max-bulk-len)");
      return;
    }
    o->v.str = blob_cat(o->v.str, v->ptr, v->len);
    add_reply_ll(c, (long long)o->v.str->len);
  }
  server.dirty++;
}

void strlen_command(client *c) {
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  add_reply_ll(c, o ? (long long)o->v.str->len : 0);
}

static void incr_generic(client *c, long long incr) {
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  long long value = 0;
  if (o && !string2ll(o->v.str->ptr, o->v.str->len, &value)) {
    add_reply_not_integer(c);
    return;
  }
  if ((incr < 0 && value < 0 && incr < (LLONG_MIN - value)) || (incr > 0 && value > 0 && incr > (LLONG_MAX - value))) {
    add_reply_error(c, "increment or decrement would overflow");
    return;
  }
  value += incr;
  if (o) {
    free(o->v.str);
    o->v.str = blob_from_ll(value); /* in place: the TTL stays */
  } else {
    db_add(c->db, c->argv[1], obj_string(blob_from_ll(value)));
  }
  server.dirty++;
  add_reply_ll(c, value);
}

void incr_command(client *c) { incr_generic(c, 1); }
void decr_command(client *c) { incr_generic(c, -1); }

void incrby_command(client *c) {
  long long incr;
  if (!get_ll_or_reply(c, c->argv[2], &incr, NULL)) return;
  incr_generic(c, incr);
}

void decrby_command(client *c) {
  long long incr;
  if (!get_ll_or_reply(c, c->argv[2], &incr, NULL)) return;
  if (incr == LLONG_MIN) {
    add_reply_error(c, "decrement would overflow");
    return;
  }
  incr_generic(c, -incr);
}

/* Redis prints INCRBYFLOAT results in fixed notation with no trailing zeros ("10.5", "3", "5000"). */
blob *human_double(double v) {
  char tmp[400];
  snprintf(tmp, sizeof tmp, "%.15g", v);
  if (strchr(tmp, 'e')) {
    snprintf(tmp, sizeof tmp, "%.17f", v);
    char *dot = strchr(tmp, '.');
    if (dot) {
      char *end = tmp + strlen(tmp) - 1;
      while (end > dot && *end == '0') *end-- = 0;
      if (end == dot) *end = 0;
    }
  }
  if (strcmp(tmp, "-0") == 0) strcpy(tmp, "0");
  return blob_new(tmp, strlen(tmp));
}

void incrbyfloat_command(client *c) {
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  double value = 0, incr;
  if (o && !string2d(o->v.str->ptr, o->v.str->len, &value)) {
    add_reply_error(c, "value is not a valid float");
    return;
  }
  if (!string2d(c->argv[2]->ptr, c->argv[2]->len, &incr)) {
    add_reply_error(c, "value is not a valid float");
    return;
  }
  value += incr;
  if (isnan(value) || isinf(value)) {
    add_reply_error(c, "increment would produce NaN or Infinity");
    return;
  }
  blob *b = human_double(value);
  if (o) {
    free(o->v.str);
    o->v.str = b;
  } else {
    db_add(c->db, c->argv[1], obj_string(b));
  }
  server.dirty++;
  add_reply_bulk_blob(c, b);
}

void getrange_command(client *c) {
  long long start, end;
  if (!get_ll_or_reply(c, c->argv[2], &start, NULL) || !get_ll_or_reply(c, c->argv[3], &end, NULL)) return;
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!o) {
    add_reply_bulk(c, "", 0);
    return;
  }
  long long len = (long long)o->v.str->len;
  if (start < 0 && end < 0 && start > end) {
    add_reply_bulk(c, "", 0);
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    add_reply_bulk(c, "", 0);
    return;
  }
  add_reply_bulk(c, o->v.str->ptr + start, (size_t)(end - start + 1));
}

void setrange_command(client *c) {
  long long offset;
  if (!get_ll_or_reply(c, c->argv[2], &offset, NULL)) return;
  if (offset < 0) {
    add_reply_error(c, "offset is out of range");
    return;
  }
  blob *v = c->argv[3];
  int wrong;
  robj *o = lookup_string(c, c->argv[1], &wrong);
  if (wrong) return;
  if (offset + (long long)v->len > PROTO_BULK_MAX) {
    add_reply_error(c, "string exceeds maximum allowed size (proto-max-bulk-len)");
    return;
  }
  if (!o) {
    if (v->len == 0) {
      add_reply_ll(c, 0);
      return;
    }
    o = obj_string(blob_new("", 0));
    db_add(c->db, c->argv[1], o);
  }
  if (v->len > 0) {
    size_t need = (size_t)offset + v->len;
    if (need > o->v.str->len) {
      size_t old = o->v.str->len;
      char *zeros = calloc(1, need - old);
      o->v.str = blob_cat(o->v.str, zeros, need - old);
      free(zeros);
    }
    memcpy(o->v.str->ptr + offset, v->ptr, v->len);
    server.dirty++;
  }
  add_reply_ll(c, (long long)o->v.str->len);
}
