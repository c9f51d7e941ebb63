/*
 * redis-server for Drydock: the shared declarations.
 *
 * One thread, one event loop over WASI's poll_oneoff (event.c), non-blocking
 * sockets. The keyspace lives in memory only (no persistence). Values are
 * strings, lists, hashes and sets. See ../README.md for what is implemented
 * and how it differs from Redis.
 *
 * Ownership: a dict owns its keys (blobs) and, through its free_val hook,
 * its values. A client owns its buffers and its parsed argv until the
 * command has run.
 */
#ifndef REDIS_SERVER_H
#define REDIS_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/util.h"

#define REDIS_VERSION "7.2.4"
#define DEFAULT_PORT 6379
#define NUM_DBS_DEFAULT 16
#define PROTO_INLINE_MAX (64 * 1024)
#define PROTO_MBULK_MAX (1024 * 1024)
#define PROTO_BULK_MAX (512LL * 1024 * 1024)
#define OUTPUT_HIGH_WATER (1024 * 1024) /* stop reading a client whose unsent replies exceed this */
#define MAX_CLIENTS_DEFAULT 10000
#define PUBSUB_OUTPUT_LIMIT (32 * 1024 * 1024) /* a subscriber further behind than this is disconnected */

/* ------------------------------------------------------------------ blobs: binary-safe strings */

/* An immutable-length byte string; ptr[len] is always 0. */
typedef struct blob {
  size_t len;
  char ptr[];
} blob;

blob *blob_new(const char *p, size_t n);
blob *blob_from_ll(long long v);
blob *blob_dup(const blob *b);
/* Returns a blob with `n` more bytes of p after b's (b is freed or reused). */
blob *blob_cat(blob *b, const char *p, size_t n);

/* ------------------------------------------------------------------ dict: chained hash table */

typedef struct dentry {
  struct dentry *next;
  uint64_t hash;
  blob *key;
  void *val;
  long long expire; /* unix ms, -1 none (only the keyspace uses it) */
} dentry;

typedef struct dict {
  dentry **table;
  size_t size; /* a power of two, or 0 before the first insert */
  size_t used;
  void (*free_val)(void *);
} dict;

dict *dict_new(void (*free_val)(void *));
void dict_free(dict *d);
void dict_clear(dict *d);
dentry *dict_find(dict *d, const char *key, size_t len);
/* Adds key (copied) if absent; returns its entry and sets *created. */
dentry *dict_add_or_find(dict *d, const char *key, size_t len, int *created);
/* Deletes key, freeing key and value; 1 if it was there. */
int dict_delete(dict *d, const char *key, size_t len);
/* Removes the entry without freeing its value (returned in *val). */
int dict_unlink(dict *d, const char *key, size_t len, void **val);
/* A random entry (NULL if empty). */
dentry *dict_random(dict *d);
/*
 * Redis's reverse-binary cursor scan: calls fn for each entry of one bucket
 * (and its larger-table counterparts) and returns the next cursor, 0 when
 * done. Entries present for the whole scan are visited at least once, even if
 * the table grows meanwhile.
 */
unsigned long dict_scan(dict *d, unsigned long cursor, void (*fn)(void *ctx, dentry *e), void *ctx);
void dict_seed(const uint8_t seed[16]);

/* ------------------------------------------------------------------ values */

enum { OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_HASH = 4 };

/* A list as a ring buffer of blobs. */
typedef struct rlist {
  blob **items;
  size_t head, len, cap;
} rlist;

typedef struct robj {
  int type;
  union {
    blob *str;
    rlist *list;
    dict *hash; /* field -> blob */
    dict *set;  /* member -> NULL */
  } v;
} robj;

robj *obj_string(blob *b);
robj *obj_list(void);
robj *obj_hash(void);
robj *obj_set(void);
void obj_free(void *o);
const char *obj_type_name(const robj *o);

rlist *rlist_new(void);
void rlist_free(rlist *l);
void rlist_push(rlist *l, blob *b, int head);
blob *rlist_pop(rlist *l, int head);
blob *rlist_at(rlist *l, size_t i);
void rlist_set(rlist *l, size_t i, blob *b);
void rlist_remove_at(rlist *l, size_t i);
void rlist_insert_at(rlist *l, size_t i, blob *b);

/* ------------------------------------------------------------------ keyspace */

typedef struct redisDb {
  int id;
  dict *keys;            /* key -> robj, entry->expire holds the TTL */
  size_t volatile_keys;  /* keys with a TTL */
  unsigned long expire_cursor;
  dict *watched;         /* key -> struct watchers (multi.c) */
  dict *blocking;        /* key -> clist of clients blocked on it, oldest first (blocking.c) */
} redisDb;

struct client;
/* A list of clients (FIFO order kept by removals). */
typedef struct clist {
  struct client **c;
  int n, cap;
} clist;
void clist_add(clist *l, struct client *c);
int clist_remove(clist *l, struct client *c);
void clist_free(void *l);

long long mstime(void);
long long ustime(void);
/* The live entry for key (expired ones are deleted first), or NULL. */
dentry *db_lookup(redisDb *db, const char *key, size_t len);
robj *db_get(redisDb *db, const blob *key);
/* Sets key to o (replacing any value); the TTL is dropped unless keep_ttl. */
void db_set(redisDb *db, const blob *key, robj *o, int keep_ttl);
/* Adds a new key (must not exist). */
dentry *db_add(redisDb *db, const blob *key, robj *o);
int db_delete(redisDb *db, const blob *key);
void db_set_expire(redisDb *db, dentry *e, long long when_ms);
void db_remove_expire(redisDb *db, dentry *e);
void db_flush(redisDb *db);
/* The periodic expiry cycle: deletes expired keys for at most budget_us. */
void db_active_expire(long long budget_us);

/* ------------------------------------------------------------------ clients */

#define CLIENT_CLOSE_AFTER_REPLY 0x01
#define CLIENT_CLOSE_ASAP 0x02
#define CLIENT_AUTHENTICATED 0x04

typedef struct client {
  int fd;
  long long id;
  int flags;
  char addr[64];  /* ip:port of the peer */
  char laddr[64]; /* ip:port of our end */
  blob *name;
  buf_t query;     /* unparsed input starting at qpos */
  size_t qpos;
  /* multibulk parsing state */
  int reqtype;     /* 0 none, 1 inline, 2 multibulk */
  long multibulklen;
  long long bulklen;
  int argc, argv_cap;
  blob **argv;
  buf_t out;       /* replies not yet sent, from outpos */
  size_t outpos;
  redisDb *db;
  long long ctime_ms, last_interaction_ms;
  char lastcmd[32];
  long long commands;
  /* MULTI state: queued commands (argv arrays) */
  int in_multi, multi_dirty, watch_dirty;
  int mstate_count, mstate_cap;
  struct queued_cmd {
    const struct command *cmd;
    int argc;
    blob **argv;
  } *mstate;
  int nwatched;
  struct watched_key {
    int db;
    blob *key;
  } *watched;
  int in_exec;
  /* blocked in BLPOP & co. (blocking.c) */
  int blocked;
  int bpop_from_head, bpop_to_head; /* pop side; push side for BLMOVE */
  blob *bpop_target;                /* BLMOVE/BRPOPLPUSH destination, else NULL */
  blob **bpop_keys;
  int bpop_nkeys;
  redisDb *bpop_db;
  long long bpop_deadline_ms;       /* 0: forever */
  /* pub/sub (pubsub.c) */
  dict *channels;                   /* channel -> NULL */
  int npatterns;
  blob **patterns;
} client;

/* Reply helpers (reply.c): every command answers through these. */
void add_reply_raw(client *c, const char *s, size_t len);
void add_reply_status(client *c, const char *s);
void add_reply_error(client *c, const char *msg); /* adds "-ERR " unless msg starts with an error code */
void add_reply_error_fmt(client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void add_reply_ok(client *c);
void add_reply_ll(client *c, long long v);
void add_reply_bulk(client *c, const char *s, size_t len);
void add_reply_bulk_blob(client *c, const blob *b);
void add_reply_bulk_cstr(client *c, const char *s);
void add_reply_null(client *c);        /* $-1 */
void add_reply_null_array(client *c);  /* *-1 */
void add_reply_array_len(client *c, long long n);
void add_reply_double(client *c, double d);
void add_reply_wrongtype(client *c);
void add_reply_syntax_error(client *c);
void add_reply_not_integer(client *c);
void add_reply_arity(client *c, const char *cmdname);
/* Array length placeholder patched later (for replies whose length is known only at the end). */
size_t add_reply_deferred_len(client *c);
void set_deferred_array_len(client *c, size_t at, long long n);

/* ------------------------------------------------------------------ commands */

#define CMD_WRITE 0x01
#define CMD_READONLY 0x02
#define CMD_FAST 0x04
#define CMD_NOAUTH 0x08     /* allowed before AUTH */
#define CMD_ADMIN 0x10
#define CMD_LOADING_OK 0x20

typedef struct command {
  const char *name;   /* lower case */
  int arity;          /* > 0 exact argc, < 0 at least -arity */
  void (*proc)(client *c);
  int flags;
  int first_key, last_key, key_step;
  const char *group;
  const char *since;
  const char *summary;
  const char *args;   /* argument syntax (docs.c turns it into COMMAND DOCS' structure) */
} command;

extern const command command_table[];
extern const size_t command_count;
const command *lookup_command(const char *name, size_t len);

/* Argument helpers for commands. */
int arg_is(const blob *b, const char *word); /* case-insensitive equality */
/* Parses argv[i] as a long long; replies the error and returns 0 if it is not one. */
int get_ll_or_reply(client *c, const blob *b, long long *out, const char *msg);

/* Command implementations, one file per group. */
void ping_command(client *c);
void echo_command(client *c);
void quit_command(client *c);
void select_command(client *c);
void auth_command(client *c);
void hello_command(client *c);
void info_command(client *c);
void command_command(client *c);
void client_command(client *c);
void config_command(client *c);
void dbsize_command(client *c);
void flushall_command(client *c);
void flushdb_command(client *c);
void shutdown_command(client *c);
void save_command(client *c);
void time_command(client *c);
void multi_command(client *c);
void exec_command(client *c);
void discard_command(client *c);
void watch_command(client *c);
void unwatch_command(client *c);
void reset_command(client *c);

void get_command(client *c);
void set_command(client *c);
void setnx_command(client *c);
void setex_command(client *c);
void psetex_command(client *c);
void getset_command(client *c);
void getdel_command(client *c);
void getex_command(client *c);
void mget_command(client *c);
void mset_command(client *c);
void msetnx_command(client *c);
void append_command(client *c);
void strlen_command(client *c);
void incr_command(client *c);
void decr_command(client *c);
void incrby_command(client *c);
void decrby_command(client *c);
void incrbyfloat_command(client *c);
void getrange_command(client *c);
void setrange_command(client *c);

void del_command(client *c);
void exists_command(client *c);
void expire_command(client *c);
void pexpire_command(client *c);
void expireat_command(client *c);
void pexpireat_command(client *c);
void ttl_command(client *c);
void pttl_command(client *c);
void expiretime_command(client *c);
void pexpiretime_command(client *c);
void persist_command(client *c);
void keys_command(client *c);
void scan_command(client *c);
void type_command(client *c);
void rename_command(client *c);
void renamenx_command(client *c);
void randomkey_command(client *c);

void lpush_command(client *c);
void rpush_command(client *c);
void lpushx_command(client *c);
void rpushx_command(client *c);
void lpop_command(client *c);
void rpop_command(client *c);
void llen_command(client *c);
void lrange_command(client *c);
void lindex_command(client *c);
void lset_command(client *c);
void lrem_command(client *c);
void ltrim_command(client *c);
void linsert_command(client *c);
void lmove_command(client *c);
void rpoplpush_command(client *c);
void blpop_command(client *c);
void brpop_command(client *c);
void blmove_command(client *c);
void brpoplpush_command(client *c);
void subscribe_command(client *c);
void unsubscribe_command(client *c);
void psubscribe_command(client *c);
void punsubscribe_command(client *c);
void publish_command(client *c);
void pubsub_command(client *c);

void hset_command(client *c);
void hsetnx_command(client *c);
void hmset_command(client *c);
void hget_command(client *c);
void hmget_command(client *c);
void hgetall_command(client *c);
void hdel_command(client *c);
void hlen_command(client *c);
void hexists_command(client *c);
void hkeys_command(client *c);
void hvals_command(client *c);
void hincrby_command(client *c);
void hincrbyfloat_command(client *c);
void hstrlen_command(client *c);
void hscan_command(client *c);

void sadd_command(client *c);
void srem_command(client *c);
void smembers_command(client *c);
void sismember_command(client *c);
void smismember_command(client *c);
void scard_command(client *c);
void spop_command(client *c);
void srandmember_command(client *c);
void sinter_command(client *c);
void sunion_command(client *c);
void sdiff_command(client *c);
void sscan_command(client *c);

/* INCRBYFLOAT's result format (t_string.c). */
blob *human_double(double v);

/* COMMAND DOCS/INFO replies (docs.c). */
void reply_command_docs(client *c, const command *cmd);
void reply_command_info(client *c, const command *cmd);

/* Scanning shared by SCAN, HSCAN, SSCAN (keys.c). */
void generic_scan(client *c, dict *d, redisDb *db, int first_option_arg, int kind);

/* ------------------------------------------------------------------ the server */

struct server {
  int port;
  char *bind_addrs[16];
  int bind_count;
  int protected_mode;
  char *requirepass;
  int databases;
  redisDb *dbs;
  int hz;
  int max_clients;
  int loglevel; /* 0 debug, 1 verbose, 2 notice, 3 warning */
  int verbose_role; /* 'C' until the server is initialized, then 'M' */
  long long start_ms;
  long long next_client_id;
  char *config_file;
  char *executable;
  int shutdown_asap;
  int shutdown_signal;
  long long shutdown_signal_time;
  client **clients;
  int nclients;
  long long stat_connections, stat_commands, stat_expired_keys, stat_rejected_conn;
  long long stat_net_in, stat_net_out, stat_keyspace_hits, stat_keyspace_misses;
  long long dirty;
  char run_id[41];
  int listeners[16];
  int nlisteners;
  struct ready_key {
    redisDb *db;
    blob *key;
  } *ready;
  int nready, ready_cap;
  int nblocked;
  dict *pubsub_channels; /* channel -> clist */
  int npatterns;         /* pattern subscriptions over all clients */
};

extern struct server server;

/* Logging in Redis's format: "PID:ROLE DD Mon YYYY HH:MM:SS.mmm * message". */
enum { LL_DEBUG = 0, LL_VERBOSE = 1, LL_NOTICE = 2, LL_WARNING = 3 };
void server_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* config.c */
int load_config(int argc, char **argv); /* 0 ok, exits on a fatal config error */
/* The CONFIG GET view: calls fn(name, value) for every parameter matching pattern. */
void config_get(const char *pattern, size_t plen, void (*fn)(void *ctx, const char *name, const char *value), void *ctx);
/* CONFIG SET: NULL on success, else an error message. */
const char *config_set(const char *name, const char *value);

int config_timeout(void);
const char *config_logfile(void);
const char *config_pidfile(void);

/* multi.c: transactions and WATCH */
void touch_watched_key(redisDb *db, const blob *key);
void touch_all_watched(redisDb *db); /* NULL: every database */
void unwatch_all(client *c);
void discard_transaction(client *c);
void queue_multi_command(client *c, const command *cmd);
void flag_transaction(client *c);

/* blocking.c: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH */
void signal_key_as_ready(redisDb *db, const blob *key);
void handle_ready_keys(void);
void unblock_client(client *c);
/* Replies a null array to blocked clients whose timeout passed; returns ms until the next deadline (-1 none). */
long long handle_block_timeouts(void);

/* pubsub.c */
int client_subscriptions(client *c);
void pubsub_unsubscribe_all(client *c);

/* networking.c */
void process_input(client *c);
void free_client(client *c);
client *create_client(int fd);
void call_command(client *c);

#endif
