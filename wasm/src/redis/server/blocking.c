/*
 * Blocking list pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH) and the
 * non-blocking moves (LMOVE, RPOPLPUSH).
 *
 * A client that finds every list empty is parked in `blocking` of its
 * database under each key, and stops processing further requests. A push to
 * a key somebody waits on queues the key in server.ready; after the pushing
 * command, handle_ready_keys serves the waiting clients oldest first while
 * the list has elements (a served BLMOVE pushes to its destination, which may
 * serve others in turn). The event loop replies a null array to clients
 * whose timeout passed (handle_block_timeouts).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

void clist_add(clist *l, client *c) {
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 4;
    l->c = realloc(l->c, sizeof *l->c * (size_t)l->cap);
  }
  l->c[l->n++] = c;
}

int clist_remove(clist *l, client *c) {
  for (int i = 0; i < l->n; i++) {
    if (l->c[i] == c) {
      memmove(l->c + i, l->c + i + 1, sizeof *l->c * (size_t)(l->n - i - 1));
      l->n--;
      return 1;
    }
  }
  return 0;
}

void clist_free(void *p) {
  clist *l = p;
  if (!l) return;
  free(l->c);
  free(l);
}

void signal_key_as_ready(redisDb *db, const blob *key) {
  if (db->blocking->used == 0 || !dict_find(db->blocking, key->ptr, key->len)) return;
  if (server.nready == server.ready_cap) {
    server.ready_cap = server.ready_cap ? server.ready_cap * 2 : 8;
    server.ready = realloc(server.ready, sizeof *server.ready * (size_t)server.ready_cap);
  }
  server.ready[server.nready].db = db;
  server.ready[server.nready].key = blob_dup(key);
  server.nready++;
}

void unblock_client(client *c) {
  if (!c->blocked) return;
  for (int i = 0; i < c->bpop_nkeys; i++) {
    blob *k = c->bpop_keys[i];
    dentry *e = dict_find(c->bpop_db->blocking, k->ptr, k->len);
    if (e) {
      clist_remove(e->val, c);
      if (((clist *)e->val)->n == 0) dict_delete(c->bpop_db->blocking, k->ptr, k->len);
    }
    free(k);
  }
  free(c->bpop_keys);
  c->bpop_keys = NULL;
  c->bpop_nkeys = 0;
  free(c->bpop_target);
  c->bpop_target = NULL;
  c->blocked = 0;
  server.nblocked--;
}

/* The list at key for a pop, NULL if missing or empty; *wrong for another type. */
static rlist *list_at(redisDb *db, const blob *key, int *wrong) {
  robj *o = db_get(db, key);
  *wrong = o && o->type != OBJ_LIST;
  if (!o || *wrong) return NULL;
  return o->v.list->len ? o->v.list : NULL;
}

/*
 * Moves the head/tail of src to dst (LMOVE's core). dst's type was checked.
 * Returns the element pushed (owned by dst's list).
 */
static blob *move_element(redisDb *db, const blob *src, rlist *from, int from_head, const blob *dst, int to_head) {
  blob *v = rlist_pop(from, from_head);
  if (from->len == 0) db_delete(db, src); /* src may equal dst: then it is created again below */
  robj *o = db_get(db, dst);
  if (!o) {
    o = obj_list();
    db_add(db, dst, o);
  }
  rlist_push(o->v.list, v, to_head);
  signal_key_as_ready(db, dst);
  server.dirty++;
  return v;
}

/* Pops for a client that was waiting (or did not have to): replies [key, value] or the moved value. */
static void serve(client *c, redisDb *db, const blob *key, rlist *l, int from_head, const blob *target, int to_head) {
  if (target) {
    blob *v = move_element(db, key, l, from_head, target, to_head);
    add_reply_bulk_blob(c, v);
    touch_watched_key(db, key);
    touch_watched_key(db, target);
    return;
  }
  blob *v = rlist_pop(l, from_head);
  add_reply_array_len(c, 2);
  add_reply_bulk_blob(c, key);
  add_reply_bulk_blob(c, v);
  free(v);
  if (l->len == 0) db_delete(db, key);
  touch_watched_key(db, key);
  server.dirty++;
}

void handle_ready_keys(void) {
  while (server.nready > 0) {
    struct ready_key rk = server.ready[0];
    memmove(server.ready, server.ready + 1, sizeof *server.ready * (size_t)(server.nready - 1));
    server.nready--;
    for (;;) {
      dentry *e = dict_find(rk.db->blocking, rk.key->ptr, rk.key->len);
      if (!e) break;
      int wrong;
      rlist *l = list_at(rk.db, rk.key, &wrong);
      if (!l) break;
      clist *waiters = e->val;
      client *c = waiters->c[0];
      if (c->bpop_target) {
        robj *d = db_get(rk.db, c->bpop_target);
        if (d && d->type != OBJ_LIST) {
          add_reply_wrongtype(c);
          unblock_client(c);
          continue;
        }
      }
      blob *target = c->bpop_target ? blob_dup(c->bpop_target) : NULL;
      int from_head = c->bpop_from_head, to_head = c->bpop_to_head;
      unblock_client(c); /* may free the waiters list */
      serve(c, rk.db, rk.key, l, from_head, target, to_head);
      free(target);
    }
    free(rk.key);
  }
}

long long handle_block_timeouts(void) {
  if (server.nblocked == 0) return -1;
  long long now = mstime(), next = -1;
  for (int i = 0; i < server.nclients; i++) {
    client *c = server.clients[i];
    if (!c->blocked || c->bpop_deadline_ms == 0) continue;
    if (c->bpop_deadline_ms <= now) {
      unblock_client(c);
      add_reply_null_array(c);
    } else if (next < 0 || c->bpop_deadline_ms - now < next) {
      next = c->bpop_deadline_ms - now;
    }
  }
  return next;
}

/* Redis's timeout argument: seconds as a float, >= 0. 0 after replying an error. */
static int parse_timeout(client *c, const blob *b, long long *deadline) {
  double secs;
  if (!string2d(b->ptr, b->len, &secs) || isinf(secs)) {
    add_reply_error(c, "timeout is not a float or out of range");
    return 0;
  }
  if (secs < 0) {
    add_reply_error(c, "timeout is negative");
    return 0;
  }
  long long ms = (long long)(secs * 1000.0 + 0.5);
  *deadline = ms > 0 ? mstime() + ms : 0;
  return 1;
}

static void block(client *c, blob **keys, int nkeys, long long deadline, int from_head, const blob *target, int to_head) {
  c->blocked = 1;
  server.nblocked++;
  c->bpop_db = c->db;
  c->bpop_deadline_ms = deadline;
  c->bpop_from_head = from_head;
  c->bpop_to_head = to_head;
  c->bpop_target = target ? blob_dup(target) : NULL;
  c->bpop_keys = malloc(sizeof *c->bpop_keys * (size_t)nkeys);
  c->bpop_nkeys = 0;
  for (int i = 0; i < nkeys; i++) {
    int dup = 0;
    for (int j = 0; j < c->bpop_nkeys && !dup; j++)
      dup = c->bpop_keys[j]->len == keys[i]->len && memcmp(c->bpop_keys[j]->ptr, keys[i]->ptr, keys[i]->len) == 0;
    if (dup) continue;
    c->bpop_keys[c->bpop_nkeys++] = blob_dup(keys[i]);
    int created;
    dentry *e = dict_add_or_find(c->db->blocking, keys[i]->ptr, keys[i]->len, &created);
    if (created) e->val = calloc(1, sizeof(clist));
    clist_add(e->val, c);
  }
}

static void bpop_generic(client *c, int head) {
  long long deadline;
  if (!parse_timeout(c, c->argv[c->argc - 1], &deadline)) return;
  for (int j = 1; j < c->argc - 1; j++) {
    int wrong;
    rlist *l = list_at(c->db, c->argv[j], &wrong);
    if (wrong) {
      add_reply_wrongtype(c);
      return;
    }
    if (l) {
      serve(c, c->db, c->argv[j], l, head, NULL, 0);
      return;
    }
  }
  if (c->in_exec) { /* a transaction cannot wait */
    add_reply_null_array(c);
    return;
  }
  block(c, c->argv + 1, c->argc - 2, deadline, head, NULL, 0);
}

void blpop_command(client *c) { bpop_generic(c, 1); }
void brpop_command(client *c) { bpop_generic(c, 0); }

static int parse_side(client *c, const blob *b, int *head) {
  if (arg_is(b, "left")) *head = 1;
  else if (arg_is(b, "right")) *head = 0;
  else {
    add_reply_syntax_error(c);
    return 0;
  }
  return 1;
}

/* LMOVE/BLMOVE core: timeout_arg < 0 for the non-blocking forms. */
static void move_generic(client *c, const blob *src, const blob *dst, int from_head, int to_head, int timeout_arg) {
  long long deadline = 0;
  if (timeout_arg >= 0 && !parse_timeout(c, c->argv[timeout_arg], &deadline)) return;
  int wrong;
  rlist *l = list_at(c->db, src, &wrong);
  if (wrong) {
    add_reply_wrongtype(c);
    return;
  }
  robj *d = db_get(c->db, dst);
  if (l && d && d->type != OBJ_LIST) {
    add_reply_wrongtype(c);
    return;
  }
  if (l) {
    blob *v = move_element(c->db, src, l, from_head, dst, to_head);
    add_reply_bulk_blob(c, v);
    return;
  }
  if (timeout_arg < 0 || c->in_exec) {
    add_reply_null(c);
    return;
  }
  blob *keys[1] = {(blob *)src};
  block(c, keys, 1, deadline, from_head, dst, to_head);
}

void lmove_command(client *c) {
  int from, to;
  if (!parse_side(c, c->argv[3], &from) || !parse_side(c, c->argv[4], &to)) return;
  move_generic(c, c->argv[1], c->argv[2], from, to, -1);
}

void rpoplpush_command(client *c) { move_generic(c, c->argv[1], c->argv[2], 0, 1, -1); }

void blmove_command(client *c) {
  int from, to;
  if (!parse_side(c, c->argv[3], &from) || !parse_side(c, c->argv[4], &to)) return;
  move_generic(c, c->argv[1], c->argv[2], from, to, 5);
}

void brpoplpush_command(client *c) { move_generic(c, c->argv[1], c->argv[2], 0, 1, 3); }
