/* List commands over rlist (a ring buffer of blobs). A list that becomes empty is deleted. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* The list at key, NULL if missing; replies WRONGTYPE and sets *wrong for another type. */
static rlist *lookup_list(client *c, const blob *key, int *wrong) {
  robj *o = db_get(c->db, key);
  *wrong = 0;
  if (!o) return NULL;
  if (o->type != OBJ_LIST) {
    add_reply_wrongtype(c);
    *wrong = 1;
    return NULL;
  }
  return o->v.list;
}

static void delete_if_empty(client *c, const blob *key, rlist *l) {
  if (l->len == 0) db_delete(c->db, key);
}

static void push_generic(client *c, int head, int only_existing) {
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!l) {
    if (only_existing) {
      add_reply_ll(c, 0);
      return;
    }
    robj *o = obj_list();
    db_add(c->db, c->argv[1], o);
    l = o->v.list;
  }
  for (int j = 2; j < c->argc; j++) rlist_push(l, blob_dup(c->argv[j]), head);
  server.dirty += c->argc - 2;
  signal_key_as_ready(c->db, c->argv[1]);
  add_reply_ll(c, (long long)l->len);
}

void lpush_command(client *c) { push_generic(c, 1, 0); }
void rpush_command(client *c) { push_generic(c, 0, 0); }
void lpushx_command(client *c) { push_generic(c, 1, 1); }
void rpushx_command(client *c) { push_generic(c, 0, 1); }

static void pop_generic(client *c, int head) {
  long long count = 0;
  int has_count = c->argc == 3;
  if (c->argc > 3) {
    add_reply_arity(c, head ? "lpop" : "rpop");
    return;
  }
  if (has_count) {
    if (!get_ll_or_reply(c, c->argv[2], &count, NULL)) return;
    if (count < 0) {
      add_reply_error(c, "value is out of range, must be positive");
      return;
    }
  }
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!l) {
    if (has_count) add_reply_null_array(c);
    else add_reply_null(c);
    return;
  }
  if (!has_count) {
    blob *b = rlist_pop(l, head);
    add_reply_bulk_blob(c, b);
    free(b);
  } else {
    if ((size_t)count > l->len) count = (long long)l->len;
    add_reply_array_len(c, count);
    for (long long i = 0; i < count; i++) {
      blob *b = rlist_pop(l, head);
      add_reply_bulk_blob(c, b);
      free(b);
    }
  }
  server.dirty++;
  delete_if_empty(c, c->argv[1], l);
}

void lpop_command(client *c) { pop_generic(c, 1); }
void rpop_command(client *c) { pop_generic(c, 0); }

void llen_command(client *c) {
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  add_reply_ll(c, l ? (long long)l->len : 0);
}

void lrange_command(client *c) {
  long long start, end;
  if (!get_ll_or_reply(c, c->argv[2], &start, NULL) || !get_ll_or_reply(c, c->argv[3], &end, NULL)) return;
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  long long len = l ? (long long)l->len : 0;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    add_reply_array_len(c, 0);
    return;
  }
  if (end >= len) end = len - 1;
  add_reply_array_len(c, end - start + 1);
  for (long long i = start; i <= end; i++) add_reply_bulk_blob(c, rlist_at(l, (size_t)i));
}

void lindex_command(client *c) {
  /* as Redis: the key first (a missing key is nil whatever the index), then the index */
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!l) {
    add_reply_null(c);
    return;
  }
  long long index;
  if (!get_ll_or_reply(c, c->argv[2], &index, NULL)) return;
  if (index < 0) index += (long long)l->len;
  if (index < 0 || index >= (long long)l->len) add_reply_null(c);
  else add_reply_bulk_blob(c, rlist_at(l, (size_t)index));
}

void lset_command(client *c) {
  long long index;
  if (!get_ll_or_reply(c, c->argv[2], &index, NULL)) return;
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!l) {
    add_reply_error(c, "no such key");
    return;
  }
  if (index < 0) index += (long long)l->len;
  if (index < 0 || index >= (long long)l->len) {
    add_reply_error(c, "index out of range");
    return;
  }
  rlist_set(l, (size_t)index, blob_dup(c->argv[3]));
  server.dirty++;
  add_reply_ok(c);
}

static int blob_eq(const blob *a, const blob *b) { return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0; }

void lrem_command(client *c) {
  long long count;
  if (!get_ll_or_reply(c, c->argv[2], &count, NULL)) return;
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!l) {
    add_reply_ll(c, 0);
    return;
  }
  blob *v = c->argv[3];
  long long removed = 0;
  if (count >= 0) {
    for (size_t i = 0; i < l->len && (count == 0 || removed < count);) {
      if (blob_eq(rlist_at(l, i), v)) {
        rlist_remove_at(l, i);
        removed++;
      } else {
        i++;
      }
    }
  } else {
    for (size_t i = l->len; i > 0 && removed < -count; i--) {
      if (blob_eq(rlist_at(l, i - 1), v)) {
        rlist_remove_at(l, i - 1);
        removed++;
      }
    }
  }
  if (removed) server.dirty++;
  delete_if_empty(c, c->argv[1], l);
  add_reply_ll(c, removed);
}

void ltrim_command(client *c) {
  long long start, end;
  if (!get_ll_or_reply(c, c->argv[2], &start, NULL) || !get_ll_or_reply(c, c->argv[3], &end, NULL)) return;
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!l) {
    add_reply_ok(c);
    return;
  }
  long long len = (long long)l->len, ltrim, rtrim;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    ltrim = len;
    rtrim = 0;
  } else {
    if (end >= len) end = len - 1;
    ltrim = start;
    rtrim = len - end - 1;
  }
  for (long long i = 0; i < ltrim; i++) free(rlist_pop(l, 1));
  for (long long i = 0; i < rtrim; i++) free(rlist_pop(l, 0));
  server.dirty++;
  delete_if_empty(c, c->argv[1], l);
  add_reply_ok(c);
}

void linsert_command(client *c) {
  int after;
  if (arg_is(c->argv[2], "after")) after = 1;
  else if (arg_is(c->argv[2], "before")) after = 0;
  else {
    add_reply_syntax_error(c);
    return;
  }
  int wrong;
  rlist *l = lookup_list(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!l) {
    add_reply_ll(c, 0);
    return;
  }
  for (size_t i = 0; i < l->len; i++) {
    if (blob_eq(rlist_at(l, i), c->argv[3])) {
      rlist_insert_at(l, i + (size_t)after, blob_dup(c->argv[4]));
      server.dirty++;
      add_reply_ll(c, (long long)l->len);
      return;
    }
  }
  add_reply_ll(c, -1);
}
