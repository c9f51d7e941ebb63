/* Set commands over a dict of member -> NULL. A set that becomes empty is deleted. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

static dict *lookup_set(client *c, const blob *key, int *wrong) {
  robj *o = db_get(c->db, key);
  *wrong = 0;
  if (!o) return NULL;
  if (o->type != OBJ_SET) {
    add_reply_wrongtype(c);
    *wrong = 1;
    return NULL;
  }
  return o->v.set;
}

void sadd_command(client *c) {
  int wrong;
  dict *s = lookup_set(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!s) {
    robj *o = obj_set();
    db_add(c->db, c->argv[1], o);
    s = o->v.set;
  }
  long long added = 0;
  for (int j = 2; j < c->argc; j++) {
    int created;
    dict_add_or_find(s, c->argv[j]->ptr, c->argv[j]->len, &created);
    added += created;
  }
  server.dirty += added;
  add_reply_ll(c, added);
}

void srem_command(client *c) {
  int wrong;
  dict *s = lookup_set(c, c->argv[1], &wrong);
  if (wrong) return;
  long long n = 0;
  if (s) {
    for (int j = 2; j < c->argc; j++) n += dict_delete(s, c->argv[j]->ptr, c->argv[j]->len);
    if (s->used == 0) db_delete(c->db, c->argv[1]);
  }
  server.dirty += n;
  add_reply_ll(c, n);
}

static void reply_members(client *c, dict *s) {
  if (!s) {
    add_reply_array_len(c, 0);
    return;
  }
  add_reply_array_len(c, (long long)s->used);
  for (size_t i = 0; i < s->size; i++)
    for (dentry *e = s->table[i]; e; e = e->next) add_reply_bulk_blob(c, e->key);
}

void smembers_command(client *c) {
  int wrong;
  dict *s = lookup_set(c, c->argv[1], &wrong);
  if (wrong) return;
  reply_members(c, s);
}

void sismember_command(client *c) {
  int wrong;
  dict *s = lookup_set(c, c->argv[1], &wrong);
  if (wrong) return;
  add_reply_ll(c, s && dict_find(s, c->argv[2]->ptr, c->argv[2]->len) ? 1 : 0);
}

void smismember_command(client *c) {
  int wrong;
  dict *s = lookup_set(c, c->argv[1], &wrong);
  if (wrong) return;
  add_reply_array_len(c, c->argc - 2);
  for (int j = 2; j < c->argc; j++) add_reply_ll(c, s && dict_find(s, c->argv[j]->ptr, c->argv[j]->len) ? 1 : 0);
}

void scard_command(client *c) {
  int wrong;
  dict *s = lookup_set(c, c->argv[1], &wrong);
  if (wrong) return;
  add_reply_ll(c, s ? (long long)s->used : 0);
}

static void random_members(client *c, int pop) {
  long long count = 1;
  int has_count = c->argc == 3;
  if (c->argc > 3) {
    add_reply_syntax_error(c);
    return;
  }
  if (has_count) {
    if (!get_ll_or_reply(c, c->argv[2], &count, NULL)) return;
    if (pop && count < 0) {
      add_reply_error(c, "value is out of range, must be positive");
      return;
    }
  }
  int wrong;
  dict *s = lookup_set(c, c->argv[1], &wrong);
  if (wrong) return;
  if (!s) {
    if (has_count) {
      if (pop) add_reply_null_array(c);
      else add_reply_array_len(c, 0);
    } else {
      add_reply_null(c);
    }
    return;
  }
  if (!has_count) {
    dentry *e = dict_random(s);
    add_reply_bulk_blob(c, e->key);
    if (pop) {
      blob *k = blob_dup(e->key);
      dict_delete(s, k->ptr, k->len);
      free(k);
      server.dirty++;
      if (s->used == 0) db_delete(c->db, c->argv[1]);
    }
    return;
  }
  if (count < 0) { /* SRANDMEMBER with a negative count: repeats allowed */
    add_reply_array_len(c, -count);
    for (long long i = 0; i < -count; i++) add_reply_bulk_blob(c, dict_random(s)->key);
    return;
  }
  if ((size_t)count >= s->used) {
    count = (long long)s->used;
    if (!pop) {
      reply_members(c, s);
      return;
    }
  }
  /* distinct members: pick without replacement through a temporary array */
  blob **all = malloc(s->used * sizeof *all);
  size_t n = 0;
  for (size_t i = 0; i < s->size; i++)
    for (dentry *e = s->table[i]; e; e = e->next) all[n++] = e->key;
  for (size_t i = 0; i < (size_t)count; i++) {
    size_t j = i + (size_t)rand() % (n - i);
    blob *t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  add_reply_array_len(c, count);
  for (long long i = 0; i < count; i++) add_reply_bulk_blob(c, all[i]);
  if (pop) {
    for (long long i = 0; i < count; i++) {
      blob *k = blob_dup(all[i]);
      dict_delete(s, k->ptr, k->len);
      free(k);
    }
    server.dirty += count;
  }
  free(all);
  if (pop && s->used == 0) db_delete(c->db, c->argv[1]);
}

void spop_command(client *c) { random_members(c, 1); }
void srandmember_command(client *c) { random_members(c, 0); }

/* op: 0 inter, 1 union, 2 diff */
static void set_algebra(client *c, int op) {
  int n = c->argc - 1;
  dict **sets = calloc((size_t)n, sizeof *sets);
  for (int j = 0; j < n; j++) {
    int wrong;
    sets[j] = lookup_set(c, c->argv[j + 1], &wrong);
    if (wrong) {
      free(sets);
      return;
    }
  }
  dict *result = dict_new(NULL);
  if (op == 1) {
    for (int j = 0; j < n; j++)
      if (sets[j])
        for (size_t i = 0; i < sets[j]->size; i++)
          for (dentry *e = sets[j]->table[i]; e; e = e->next) {
            int created;
            dict_add_or_find(result, e->key->ptr, e->key->len, &created);
          }
  } else if (sets[0]) {
    for (size_t i = 0; i < sets[0]->size; i++) {
      for (dentry *e = sets[0]->table[i]; e; e = e->next) {
        int keep = 1;
        for (int j = 1; j < n && keep; j++) {
          int in = sets[j] && dict_find(sets[j], e->key->ptr, e->key->len);
          keep = op == 0 ? in : !in;
        }
        if (keep) {
          int created;
          dict_add_or_find(result, e->key->ptr, e->key->len, &created);
        }
      }
    }
  }
  reply_members(c, result);
  dict_free(result);
  free(sets);
}

void sinter_command(client *c) { set_algebra(c, 0); }
void sunion_command(client *c) { set_algebra(c, 1); }
void sdiff_command(client *c) { set_algebra(c, 2); }

void sscan_command(client *c) {
  int wrong;
  dict *s = lookup_set(c, c->argv[1], &wrong);
  if (wrong) return;
  generic_scan(c, s, c->db, 3, 2);
}
