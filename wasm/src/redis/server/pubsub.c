/*
 * Publish/subscribe (RESP2): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE,
 * PUNSUBSCRIBE, PUBLISH, PUBSUB CHANNELS/NUMSUB/NUMPAT. server.pubsub_channels
 * maps a channel to its subscribers; pattern subscriptions are kept per
 * client and matched with Redis's glob rules at PUBLISH. A client with a
 * subscription may only (un)subscribe, PING, QUIT or RESET (call_command).
 */
#include <stdlib.h>
#include <string.h>

#include "server.h"

int client_subscriptions(client *c) { return (c->channels ? (int)c->channels->used : 0) + c->npatterns; }

static void reply_subscription(client *c, const char *kind, const blob *name) {
  add_reply_array_len(c, 3);
  add_reply_bulk_cstr(c, kind);
  if (name) add_reply_bulk_blob(c, name);
  else add_reply_null(c);
  add_reply_ll(c, client_subscriptions(c));
}

void subscribe_command(client *c) {
  if (!c->channels) c->channels = dict_new(NULL);
  for (int j = 1; j < c->argc; j++) {
    blob *ch = c->argv[j];
    int created;
    dict_add_or_find(c->channels, ch->ptr, ch->len, &created);
    if (created) {
      dentry *e = dict_add_or_find(server.pubsub_channels, ch->ptr, ch->len, &created);
      if (created) e->val = calloc(1, sizeof(clist));
      clist_add(e->val, c);
    }
    reply_subscription(c, "subscribe", ch);
  }
}

/* Removes one channel subscription; 1 if the client had it. */
static int unsubscribe_one(client *c, const blob *ch) {
  if (!c->channels || !dict_delete(c->channels, ch->ptr, ch->len)) return 0;
  dentry *e = dict_find(server.pubsub_channels, ch->ptr, ch->len);
  if (e) {
    clist_remove(e->val, c);
    if (((clist *)e->val)->n == 0) dict_delete(server.pubsub_channels, ch->ptr, ch->len);
  }
  return 1;
}

void unsubscribe_command(client *c) {
  if (c->argc > 1) {
    for (int j = 1; j < c->argc; j++) {
      unsubscribe_one(c, c->argv[j]);
      reply_subscription(c, "unsubscribe", c->argv[j]);
    }
    return;
  }
  if (!c->channels || c->channels->used == 0) {
    reply_subscription(c, "unsubscribe", NULL);
    return;
  }
  while (c->channels->used > 0) {
    dentry *e = dict_random(c->channels);
    blob *ch = blob_dup(e->key);
    unsubscribe_one(c, ch);
    reply_subscription(c, "unsubscribe", ch);
    free(ch);
  }
}

static int find_pattern(client *c, const blob *p) {
  for (int i = 0; i < c->npatterns; i++)
    if (c->patterns[i]->len == p->len && memcmp(c->patterns[i]->ptr, p->ptr, p->len) == 0) return i;
  return -1;
}

void psubscribe_command(client *c) {
  for (int j = 1; j < c->argc; j++) {
    if (find_pattern(c, c->argv[j]) < 0) {
      c->patterns = realloc(c->patterns, sizeof *c->patterns * (size_t)(c->npatterns + 1));
      c->patterns[c->npatterns++] = blob_dup(c->argv[j]);
      server.npatterns++;
    }
    reply_subscription(c, "psubscribe", c->argv[j]);
  }
}

static void punsubscribe_at(client *c, int i) {
  free(c->patterns[i]);
  memmove(c->patterns + i, c->patterns + i + 1, sizeof *c->patterns * (size_t)(c->npatterns - i - 1));
  c->npatterns--;
  server.npatterns--;
}

void punsubscribe_command(client *c) {
  if (c->argc > 1) {
    for (int j = 1; j < c->argc; j++) {
      int i = find_pattern(c, c->argv[j]);
      if (i >= 0) punsubscribe_at(c, i);
      reply_subscription(c, "punsubscribe", c->argv[j]);
    }
    return;
  }
  if (c->npatterns == 0) {
    reply_subscription(c, "punsubscribe", NULL);
    return;
  }
  while (c->npatterns > 0) {
    blob *p = blob_dup(c->patterns[0]);
    punsubscribe_at(c, 0);
    reply_subscription(c, "punsubscribe", p);
    free(p);
  }
}

void pubsub_unsubscribe_all(client *c) {
  if (c->channels) {
    while (c->channels->used > 0) {
      blob *ch = blob_dup(dict_random(c->channels)->key);
      unsubscribe_one(c, ch);
      free(ch);
    }
    dict_free(c->channels);
    c->channels = NULL;
  }
  while (c->npatterns > 0) punsubscribe_at(c, 0);
  free(c->patterns);
  c->patterns = NULL;
}

void publish_command(client *c) {
  blob *ch = c->argv[1], *msg = c->argv[2];
  long long receivers = 0;
  dentry *e = dict_find(server.pubsub_channels, ch->ptr, ch->len);
  if (e) {
    clist *l = e->val;
    for (int i = 0; i < l->n; i++) {
      client *t = l->c[i];
      add_reply_array_len(t, 3);
      add_reply_bulk_cstr(t, "message");
      add_reply_bulk_blob(t, ch);
      add_reply_bulk_blob(t, msg);
      receivers++;
    }
  }
  if (server.npatterns > 0) {
    for (int i = 0; i < server.nclients; i++) {
      client *t = server.clients[i];
      for (int p = 0; p < t->npatterns; p++) {
        blob *pat = t->patterns[p];
        if (!string_match(pat->ptr, pat->len, ch->ptr, ch->len, 0)) continue;
        add_reply_array_len(t, 4);
        add_reply_bulk_cstr(t, "pmessage");
        add_reply_bulk_blob(t, pat);
        add_reply_bulk_blob(t, ch);
        add_reply_bulk_blob(t, msg);
        receivers++;
      }
    }
  }
  add_reply_ll(c, receivers);
}

void pubsub_command(client *c) {
  blob *sub = c->argv[1];
  /* Redis 7's subcommand arities: CHANNELS -2, NUMSUB -2, NUMPAT 2, HELP 2 */
  int known = arg_is(sub, "channels") || arg_is(sub, "numsub") || arg_is(sub, "numpat") || arg_is(sub, "help");
  if (!known) {
    add_reply_error_fmt(c, "unknown subcommand '%.128s'. Try PUBSUB HELP.", sub->ptr);
    return;
  }
  if ((arg_is(sub, "channels") && c->argc > 3) || ((arg_is(sub, "numpat") || arg_is(sub, "help")) && c->argc != 2)) {
    add_reply_arity(c, arg_is(sub, "channels") ? "pubsub|channels" : arg_is(sub, "numpat") ? "pubsub|numpat" : "pubsub|help");
    return;
  }
  if (arg_is(sub, "channels")) {
    blob *pat = c->argc == 3 ? c->argv[2] : NULL;
    size_t at = add_reply_deferred_len(c);
    long long n = 0;
    dict *d = server.pubsub_channels;
    for (size_t i = 0; i < d->size; i++)
      for (dentry *e = d->table[i]; e; e = e->next)
        if (!pat || string_match(pat->ptr, pat->len, e->key->ptr, e->key->len, 0)) {
          add_reply_bulk_blob(c, e->key);
          n++;
        }
    set_deferred_array_len(c, at, n);
  } else if (arg_is(sub, "numsub")) {
    add_reply_array_len(c, (long long)(c->argc - 2) * 2);
    for (int j = 2; j < c->argc; j++) {
      dentry *e = dict_find(server.pubsub_channels, c->argv[j]->ptr, c->argv[j]->len);
      add_reply_bulk_blob(c, c->argv[j]);
      add_reply_ll(c, e ? ((clist *)e->val)->n : 0);
    }
  } else if (arg_is(sub, "numpat")) {
    add_reply_ll(c, server.npatterns);
  } else {
    add_reply_array_len(c, 1);
    add_reply_status(c, "PUBSUB <subcommand> [<arg> [value] [opt] ...]: CHANNELS [<pattern>], NUMSUB [<channel> ...], NUMPAT");
  }
}
