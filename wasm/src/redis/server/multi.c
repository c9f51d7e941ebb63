/*
 * MULTI/EXEC/DISCARD and WATCH. A client in MULTI queues commands (argv
 * moved out of the client) and EXEC runs them back to back, their replies
 * in one array. WATCH registers the client under each key in its
 * database's `watched` dict; call_command touches the keys of every write
 * command that changed something (server.dirty moved), FLUSHALL/FLUSHDB
 * touch everything, and a touched client's EXEC answers a null array.
 */
#include <stdlib.h>
#include <string.h>

#include "server.h"

struct watchers {
  client **c;
  int n, cap;
};

void free_watchers(void *p) {
  struct watchers *w = p;
  if (!w) return;
  free(w->c);
  free(w);
}

static void mark_all(struct watchers *w) {
  for (int i = 0; i < w->n; i++) w->c[i]->watch_dirty = 1;
}

void touch_watched_key(redisDb *db, const blob *key) {
  if (db->watched->used == 0) return;
  dentry *e = dict_find(db->watched, key->ptr, key->len);
  if (e) mark_all(e->val);
}

void touch_all_watched(redisDb *db) {
  for (int i = 0; i < server.databases; i++) {
    redisDb *d = &server.dbs[i];
    if (db && d != db) continue;
    for (size_t b = 0; b < d->watched->size; b++)
      for (dentry *e = d->watched->table[b]; e; e = e->next) mark_all(e->val);
  }
}

void unwatch_all(client *c) {
  for (int i = 0; i < c->nwatched; i++) {
    redisDb *db = &server.dbs[c->watched[i].db];
    blob *key = c->watched[i].key;
    dentry *e = dict_find(db->watched, key->ptr, key->len);
    if (e) {
      struct watchers *w = e->val;
      for (int j = 0; j < w->n; j++) {
        if (w->c[j] == c) {
          w->c[j] = w->c[--w->n];
          break;
        }
      }
      if (w->n == 0) dict_delete(db->watched, key->ptr, key->len);
    }
    free(key);
  }
  free(c->watched);
  c->watched = NULL;
  c->nwatched = 0;
  c->watch_dirty = 0;
}

void discard_transaction(client *c) {
  for (int i = 0; i < c->mstate_count; i++) {
    for (int j = 0; j < c->mstate[i].argc; j++) free(c->mstate[i].argv[j]);
    free(c->mstate[i].argv);
  }
  free(c->mstate);
  c->mstate = NULL;
  c->mstate_count = c->mstate_cap = 0;
  c->in_multi = 0;
  c->multi_dirty = 0;
}

void flag_transaction(client *c) {
  if (c->in_multi) c->multi_dirty = 1;
}

void queue_multi_command(client *c, const command *cmd) {
  if (c->mstate_count == c->mstate_cap) {
    c->mstate_cap = c->mstate_cap ? c->mstate_cap * 2 : 8;
    c->mstate = realloc(c->mstate, sizeof *c->mstate * (size_t)c->mstate_cap);
  }
  struct queued_cmd *q = &c->mstate[c->mstate_count++];
  q->cmd = cmd;
  q->argc = c->argc;
  q->argv = malloc(sizeof *q->argv * (size_t)c->argc);
  memcpy(q->argv, c->argv, sizeof *q->argv * (size_t)c->argc);
  c->argc = 0; /* the blobs now belong to the queue */
  add_reply_status(c, "QUEUED");
}

void multi_command(client *c) {
  if (c->in_multi) {
    add_reply_error(c, "MULTI calls can not be nested");
    return;
  }
  c->in_multi = 1;
  add_reply_ok(c);
}

void discard_command(client *c) {
  if (!c->in_multi) {
    add_reply_error(c, "DISCARD without MULTI");
    return;
  }
  discard_transaction(c);
  unwatch_all(c);
  add_reply_ok(c);
}

void exec_command(client *c) {
  if (!c->in_multi) {
    add_reply_error(c, "EXEC without MULTI");
    return;
  }
  if (c->multi_dirty) {
    add_reply_error(c, "-EXECABORT Transaction discarded because of previous errors.");
    discard_transaction(c);
    unwatch_all(c);
    return;
  }
  if (c->watch_dirty) {
    add_reply_null_array(c);
    discard_transaction(c);
    unwatch_all(c);
    return;
  }
  unwatch_all(c);
  int count = c->mstate_count;
  struct queued_cmd *queue = c->mstate;
  c->mstate = NULL;
  c->mstate_count = c->mstate_cap = 0;
  c->in_multi = 0;
  /* run each queued command with its own argv in the client */
  blob **saved_argv = c->argv;
  int saved_argc = c->argc, saved_cap = c->argv_cap;
  add_reply_array_len(c, count);
  c->in_exec = 1;
  for (int i = 0; i < count; i++) {
    c->argv = queue[i].argv;
    c->argc = queue[i].argc;
    c->argv_cap = queue[i].argc;
    long long dirty = server.dirty;
    queue[i].cmd->proc(c);
    if (server.dirty != dirty && (queue[i].cmd->flags & CMD_WRITE) && queue[i].cmd->first_key) {
      int last = queue[i].cmd->last_key < 0 ? c->argc + queue[i].cmd->last_key : queue[i].cmd->last_key;
      for (int k = queue[i].cmd->first_key; k <= last && k < c->argc; k += queue[i].cmd->key_step) touch_watched_key(c->db, c->argv[k]);
    }
    for (int j = 0; j < queue[i].argc; j++) free(queue[i].argv[j]);
    free(queue[i].argv);
  }
  free(queue);
  c->in_exec = 0;
  c->argv = saved_argv;
  c->argc = saved_argc;
  c->argv_cap = saved_cap;
}

void watch_command(client *c) {
  if (c->in_multi) {
    add_reply_error(c, "WATCH inside MULTI is not allowed");
    return;
  }
  for (int j = 1; j < c->argc; j++) {
    blob *key = c->argv[j];
    int already = 0;
    for (int i = 0; i < c->nwatched && !already; i++)
      already = c->watched[i].db == c->db->id && c->watched[i].key->len == key->len && memcmp(c->watched[i].key->ptr, key->ptr, key->len) == 0;
    if (already) continue;
    int created;
    dentry *e = dict_add_or_find(c->db->watched, key->ptr, key->len, &created);
    if (created) e->val = calloc(1, sizeof(struct watchers));
    struct watchers *w = e->val;
    if (w->n == w->cap) {
      w->cap = w->cap ? w->cap * 2 : 4;
      w->c = realloc(w->c, sizeof *w->c * (size_t)w->cap);
    }
    w->c[w->n++] = c;
    c->watched = realloc(c->watched, sizeof *c->watched * (size_t)(c->nwatched + 1));
    c->watched[c->nwatched].db = c->db->id;
    c->watched[c->nwatched].key = blob_dup(key);
    c->nwatched++;
  }
  add_reply_ok(c);
}

void unwatch_command(client *c) {
  unwatch_all(c);
  add_reply_ok(c);
}
