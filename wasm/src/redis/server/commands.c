/*
 * The command table: names, arity (Redis's convention: > 0 exact, < 0 at
 * least), flags, key positions, and the documentation COMMAND DOCS serves
 * (summary, since, group, and the argument syntax in docs.c's notation).
 */
#include <string.h>
#include <strings.h>

#include "server.h"

#define W CMD_WRITE
#define R CMD_READONLY
#define F CMD_FAST
#define NA CMD_NOAUTH
#define A CMD_ADMIN

const command command_table[] = {
    /* connection */
    {"ping", -1, ping_command, F | NA, 0, 0, 0, "connection", "1.0.0", "Returns the server's liveliness response.", "[message]"},
    {"echo", 2, echo_command, F, 0, 0, 0, "connection", "1.0.0", "Returns the given string.", "message"},
    {"quit", -1, quit_command, F | NA, 0, 0, 0, "connection", "1.0.0", "Closes the connection.", ""},
    {"select", 2, select_command, F, 0, 0, 0, "connection", "1.0.0", "Changes the selected database.", "index:integer"},
    {"auth", -2, auth_command, F | NA, 0, 0, 0, "connection", "1.0.0", "Authenticates the connection.", "[username] password"},
    {"hello", -1, hello_command, F | NA, 0, 0, 0, "connection", "6.0.0", "Handshakes with the Redis server.",
     "[protover:integer [AUTH username password] [SETNAME clientname]]"},
    {"client", -2, client_command, 0, 0, 0, 0, "connection", "2.4.0", "A container for client connection commands.", ""},
    {"reset", 1, reset_command, F | NA, 0, 0, 0, "connection", "6.2.0", "Resets the connection.", ""},
    /* server */
    {"info", -1, info_command, 0, 0, 0, 0, "server", "1.0.0", "Returns information and statistics about the server.", "[section...]"},
    {"command", -1, command_command, 0, 0, 0, 0, "server", "2.8.13", "Returns detailed information about all commands.", ""},
    {"config", -2, config_command, A, 0, 0, 0, "server", "2.0.0", "A container for server configuration commands.", ""},
    {"dbsize", 1, dbsize_command, R | F, 0, 0, 0, "server", "1.0.0", "Returns the number of keys in the database.", ""},
    {"flushall", -1, flushall_command, W, 0, 0, 0, "server", "1.0.0", "Removes all keys from all databases.", "[ASYNC|SYNC]"},
    {"flushdb", -1, flushdb_command, W, 0, 0, 0, "server", "1.0.0", "Remove all keys from the current database.", "[ASYNC|SYNC]"},
    {"shutdown", -1, shutdown_command, A, 0, 0, 0, "server", "1.0.0", "Synchronously saves the database(s) to disk and shuts down the Redis server.",
     "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]"},
    {"save", 1, save_command, A, 0, 0, 0, "server", "1.0.0", "Synchronously saves the database(s) to disk.", ""},
    {"bgsave", -1, save_command, A, 0, 0, 0, "server", "1.0.0", "Asynchronously saves the database(s) to disk.", "[SCHEDULE]"},
    {"time", 1, time_command, F, 0, 0, 0, "server", "2.6.0", "Returns the server time.", ""},
    /* transactions */
    {"multi", 1, multi_command, F, 0, 0, 0, "transactions", "1.2.0", "Starts a transaction.", ""},
    {"exec", 1, exec_command, 0, 0, 0, 0, "transactions", "1.2.0", "Executes all commands in a transaction.", ""},
    {"discard", 1, discard_command, F, 0, 0, 0, "transactions", "2.0.0", "Discards a transaction.", ""},
    {"watch", -2, watch_command, F, 1, -1, 1, "transactions", "2.2.0", "Monitors changes to keys to determine the execution of a transaction.", "key..."},
    {"unwatch", 1, unwatch_command, F, 0, 0, 0, "transactions", "2.2.0", "Forgets about watched keys of a transaction.", ""},
    /* strings */
    {"get", 2, get_command, R | F, 1, 1, 1, "string", "1.0.0", "Returns the string value of a key.", "key"},
    {"set", -3, set_command, W, 1, 1, 1, "string", "1.0.0",
     "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
     "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|KEEPTTL]"},
    {"setnx", 3, setnx_command, W | F, 1, 1, 1, "string", "1.0.0", "Set the string value of a key only when the key doesn't exist.", "key value"},
    {"setex", 4, setex_command, W, 1, 1, 1, "string", "2.0.0", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
     "key seconds value"},
    {"psetex", 4, psetex_command, W, 1, 1, 1, "string", "2.6.0",
     "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", "key milliseconds value"},
    {"getset", 3, getset_command, W | F, 1, 1, 1, "string", "1.0.0", "Returns the previous string value of a key after setting it to a new value.", "key value"},
    {"getdel", 2, getdel_command, W | F, 1, 1, 1, "string", "6.2.0", "Returns the string value of a key after deleting the key.", "key"},
    {"getex", -2, getex_command, W | F, 1, 1, 1, "string", "6.2.0", "Returns the string value of a key after setting its expiration time.",
     "key [EX seconds|PX milliseconds|EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|PERSIST]"},
    {"mget", -2, mget_command, R | F, 1, -1, 1, "string", "1.0.0", "Atomically returns the string values of one or more keys.", "key..."},
    {"mset", -3, mset_command, W, 1, -1, 2, "string", "1.0.1", "Atomically creates or modifies the string values of one or more keys.", "(key value)..."},
    {"msetnx", -3, msetnx_command, W, 1, -1, 2, "string", "1.0.1",
     "Atomically modifies the string values of one or more keys only when all keys don't exist.", "(key value)..."},
    {"append", 3, append_command, W | F, 1, 1, 1, "string", "2.0.0", "Appends a string to the value of a key. Creates the key if it doesn't exist.", "key value"},
    {"strlen", 2, strlen_command, R | F, 1, 1, 1, "string", "2.2.0", "Returns the length of a string value.", "key"},
    {"incr", 2, incr_command, W | F, 1, 1, 1, "string", "1.0.0", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "key"},
    {"decr", 2, decr_command, W | F, 1, 1, 1, "string", "1.0.0", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", "key"},
    {"incrby", 3, incrby_command, W | F, 1, 1, 1, "string", "1.0.0", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
     "key increment"},
    {"decrby", 3, decrby_command, W | F, 1, 1, 1, "string", "1.0.0", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
     "key decrement"},
    {"incrbyfloat", 3, incrbyfloat_command, W | F, 1, 1, 1, "string", "2.6.0",
     "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", "key increment:double"},
    {"getrange", 4, getrange_command, R, 1, 1, 1, "string", "2.4.0", "Returns a substring of the string stored at a key.", "key start end"},
    {"setrange", 4, setrange_command, W, 1, 1, 1, "string", "2.2.0",
     "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.", "key offset value"},
    /* generic */
    {"del", -2, del_command, W, 1, -1, 1, "generic", "1.0.0", "Deletes one or more keys.", "key..."},
    {"unlink", -2, del_command, W | F, 1, -1, 1, "generic", "4.0.0", "Asynchronously deletes one or more keys.", "key..."},
    {"exists", -2, exists_command, R | F, 1, -1, 1, "generic", "1.0.0", "Determines whether one or more keys exist.", "key..."},
    {"expire", -3, expire_command, W | F, 1, 1, 1, "generic", "1.0.0", "Sets the expiration time of a key in seconds.", "key seconds [NX|XX|GT|LT]"},
    {"pexpire", -3, pexpire_command, W | F, 1, 1, 1, "generic", "2.6.0", "Sets the expiration time of a key in milliseconds.", "key milliseconds [NX|XX|GT|LT]"},
    {"expireat", -3, expireat_command, W | F, 1, 1, 1, "generic", "1.2.0", "Sets the expiration time of a key to a Unix timestamp.",
     "key unix-time-seconds:unix-time [NX|XX|GT|LT]"},
    {"pexpireat", -3, pexpireat_command, W | F, 1, 1, 1, "generic", "2.6.0", "Sets the expiration time of a key to a Unix milliseconds timestamp.",
     "key unix-time-milliseconds:unix-time [NX|XX|GT|LT]"},
    {"ttl", 2, ttl_command, R | F, 1, 1, 1, "generic", "1.0.0", "Returns the expiration time in seconds of a key.", "key"},
    {"pttl", 2, pttl_command, R | F, 1, 1, 1, "generic", "2.6.0", "Returns the expiration time in milliseconds of a key.", "key"},
    {"expiretime", 2, expiretime_command, R | F, 1, 1, 1, "generic", "7.0.0", "Returns the expiration time of a key as a Unix timestamp.", "key"},
    {"pexpiretime", 2, pexpiretime_command, R | F, 1, 1, 1, "generic", "7.0.0", "Returns the expiration time of a key as a Unix milliseconds timestamp.", "key"},
    {"persist", 2, persist_command, W | F, 1, 1, 1, "generic", "2.2.0", "Removes the expiration time of a key.", "key"},
    {"keys", 2, keys_command, R, 0, 0, 0, "generic", "1.0.0", "Returns all key names that match a pattern.", "pattern"},
    {"scan", -2, scan_command, R, 0, 0, 0, "generic", "2.8.0", "Iterates over the key names in the database.",
     "cursor [MATCH pattern] [COUNT count] [TYPE type]"},
    {"type", 2, type_command, R | F, 1, 1, 1, "generic", "1.0.0", "Determines the type of value stored at a key.", "key"},
    {"rename", 3, rename_command, W, 1, 2, 1, "generic", "1.0.0", "Renames a key and overwrites the destination.", "key newkey"},
    {"renamenx", 3, renamenx_command, W | F, 1, 2, 1, "generic", "1.0.0", "Renames a key only when the target key name doesn't exist.", "key newkey"},
    {"randomkey", 1, randomkey_command, R, 0, 0, 0, "generic", "1.0.0", "Returns a random key name from the database.", ""},
    /* lists */
    {"lpush", -3, lpush_command, W | F, 1, 1, 1, "list", "1.0.0", "Prepends one or more elements to a list. Creates the key if it doesn't exist.", "key element..."},
    {"rpush", -3, rpush_command, W | F, 1, 1, 1, "list", "1.0.0", "Appends one or more elements to a list. Creates the key if it doesn't exist.", "key element..."},
    {"lpushx", -3, lpushx_command, W | F, 1, 1, 1, "list", "2.2.0", "Prepends one or more elements to a list only when the list exists.", "key element..."},
    {"rpushx", -3, rpushx_command, W | F, 1, 1, 1, "list", "2.2.0", "Appends an element to a list only when the list exists.", "key element..."},
    {"lpop", -2, lpop_command, W | F, 1, 1, 1, "list", "1.0.0", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
     "key [count]"},
    {"rpop", -2, rpop_command, W | F, 1, 1, 1, "list", "1.0.0", "Returns and removes the last elements of a list. Deletes the list if the last element was popped.",
     "key [count]"},
    {"llen", 2, llen_command, R | F, 1, 1, 1, "list", "1.0.0", "Returns the length of a list.", "key"},
    {"lrange", 4, lrange_command, R, 1, 1, 1, "list", "1.0.0", "Returns a range of elements from a list.", "key start stop"},
    {"lindex", 3, lindex_command, R, 1, 1, 1, "list", "1.0.0", "Returns an element from a list by its index.", "key index"},
    {"lset", 4, lset_command, W, 1, 1, 1, "list", "1.0.0", "Sets the value of an element in a list by its index.", "key index element"},
    {"lrem", 4, lrem_command, W, 1, 1, 1, "list", "1.0.0", "Removes elements from a list. Deletes the list if the last element was removed.", "key count element"},
    {"ltrim", 4, ltrim_command, W, 1, 1, 1, "list", "1.0.0", "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", "key start stop"},
    {"linsert", 5, linsert_command, W, 1, 1, 1, "list", "2.2.0", "Inserts an element before or after another element in a list.", "key (BEFORE|AFTER) pivot element"},
    {"lmove", 5, lmove_command, W, 1, 2, 1, "list", "6.2.0", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
     "source:key destination:key (LEFT|RIGHT) (LEFT|RIGHT)"},
    {"rpoplpush", 3, rpoplpush_command, W, 1, 2, 1, "list", "1.2.0", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
     "source:key destination:key"},
    {"blpop", -3, blpop_command, W, 1, -2, 1, "list", "2.0.0", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
     "key... timeout:double"},
    {"brpop", -3, brpop_command, W, 1, -2, 1, "list", "2.0.0", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
     "key... timeout:double"},
    {"blmove", 6, blmove_command, W, 1, 2, 1, "list", "6.2.0", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
     "source:key destination:key (LEFT|RIGHT) (LEFT|RIGHT) timeout:double"},
    {"brpoplpush", 4, brpoplpush_command, W, 1, 2, 1, "list", "2.2.0", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
     "source:key destination:key timeout:double"},
    /* pub/sub */
    {"subscribe", -2, subscribe_command, 0, 0, 0, 0, "pubsub", "2.0.0", "Listens for messages published to channels.", "channel..."},
    {"unsubscribe", -1, unsubscribe_command, 0, 0, 0, 0, "pubsub", "2.0.0", "Stops listening to messages posted to channels.", "[channel...]"},
    {"psubscribe", -2, psubscribe_command, 0, 0, 0, 0, "pubsub", "2.0.0", "Listens for messages published to channels that match one or more patterns.", "pattern..."},
    {"punsubscribe", -1, punsubscribe_command, 0, 0, 0, 0, "pubsub", "2.0.0", "Stops listening to messages published to channels that match one or more patterns.", "[pattern...]"},
    {"publish", 3, publish_command, F, 0, 0, 0, "pubsub", "2.0.0", "Posts a message to a channel.", "channel message"},
    {"pubsub", -2, pubsub_command, 0, 0, 0, 0, "pubsub", "2.8.0", "A container for Pub/Sub commands.", ""},
    /* hashes */
    {"hset", -4, hset_command, W | F, 1, 1, 1, "hash", "2.0.0", "Creates or modifies the value of a field in a hash.", "key (field value)..."},
    {"hsetnx", 4, hsetnx_command, W | F, 1, 1, 1, "hash", "2.0.0", "Sets the value of a field in a hash only when the field doesn't exist.", "key field value"},
    {"hmset", -4, hmset_command, W | F, 1, 1, 1, "hash", "2.0.0", "Sets the values of multiple fields.", "key (field value)..."},
    {"hget", 3, hget_command, R | F, 1, 1, 1, "hash", "2.0.0", "Returns the value of a field in a hash.", "key field"},
    {"hmget", -3, hmget_command, R | F, 1, 1, 1, "hash", "2.0.0", "Returns the values of all fields in a hash.", "key field..."},
    {"hgetall", 2, hgetall_command, R, 1, 1, 1, "hash", "2.0.0", "Returns all fields and values in a hash.", "key"},
    {"hdel", -3, hdel_command, W | F, 1, 1, 1, "hash", "2.0.0", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
     "key field..."},
    {"hlen", 2, hlen_command, R | F, 1, 1, 1, "hash", "2.0.0", "Returns the number of fields in a hash.", "key"},
    {"hexists", 3, hexists_command, R | F, 1, 1, 1, "hash", "2.0.0", "Determines whether a field exists in a hash.", "key field"},
    {"hkeys", 2, hkeys_command, R, 1, 1, 1, "hash", "2.0.0", "Returns all fields in a hash.", "key"},
    {"hvals", 2, hvals_command, R, 1, 1, 1, "hash", "2.0.0", "Returns all values in a hash.", "key"},
    {"hincrby", 4, hincrby_command, W | F, 1, 1, 1, "hash", "2.0.0",
     "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", "key field increment"},
    {"hincrbyfloat", 4, hincrbyfloat_command, W | F, 1, 1, 1, "hash", "2.6.0",
     "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", "key field increment:double"},
    {"hstrlen", 3, hstrlen_command, R | F, 1, 1, 1, "hash", "3.2.0", "Returns the length of the value of a field.", "key field"},
    {"hscan", -3, hscan_command, R, 1, 1, 1, "hash", "2.8.0", "Iterates over fields and values of a hash.", "key cursor [MATCH pattern] [COUNT count]"},
    /* sets */
    {"sadd", -3, sadd_command, W | F, 1, 1, 1, "set", "1.0.0", "Adds one or more members to a set. Creates the key if it doesn't exist.", "key member..."},
    {"srem", -3, srem_command, W | F, 1, 1, 1, "set", "1.0.0", "Removes one or more members from a set. Deletes the set if the last member was removed.", "key member..."},
    {"smembers", 2, smembers_command, R, 1, 1, 1, "set", "1.0.0", "Returns all members of a set.", "key"},
    {"sismember", 3, sismember_command, R | F, 1, 1, 1, "set", "1.0.0", "Determines whether a member belongs to a set.", "key member"},
    {"smismember", -3, smismember_command, R | F, 1, 1, 1, "set", "6.2.0", "Determines whether multiple members belong to a set.", "key member..."},
    {"scard", 2, scard_command, R | F, 1, 1, 1, "set", "1.0.0", "Returns the number of members in a set.", "key"},
    {"spop", -2, spop_command, W | F, 1, 1, 1, "set", "1.0.0", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.",
     "key [count]"},
    {"srandmember", -2, srandmember_command, R, 1, 1, 1, "set", "1.0.0", "Get one or multiple random members from a set", "key [count]"},
    {"sinter", -2, sinter_command, R, 1, -1, 1, "set", "1.0.0", "Returns the intersect of multiple sets.", "key..."},
    {"sunion", -2, sunion_command, R, 1, -1, 1, "set", "1.0.0", "Returns the union of multiple sets.", "key..."},
    {"sdiff", -2, sdiff_command, R, 1, -1, 1, "set", "1.0.0", "Returns the difference of multiple sets.", "key..."},
    {"sscan", -3, sscan_command, R, 1, 1, 1, "set", "2.8.0", "Iterates over members of a set.", "key cursor [MATCH pattern] [COUNT count]"},
};
const size_t command_count = sizeof command_table / sizeof command_table[0];

/* An open-addressing index of the table by lower-cased name, built on first use. */
#define SLOTS 512
static const command *slots[SLOTS];

static unsigned name_hash(const char *p, size_t n) {
  unsigned h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned)(unsigned char)(p[i] | 0x20)) * 16777619u;
  return h;
}

const command *lookup_command(const char *name, size_t len) {
  static int indexed;
  if (!indexed) {
    indexed = 1;
    for (size_t i = 0; i < command_count; i++) {
      unsigned at = name_hash(command_table[i].name, strlen(command_table[i].name)) % SLOTS;
      while (slots[at]) at = (at + 1) % SLOTS;
      slots[at] = &command_table[i];
    }
  }
  for (unsigned at = name_hash(name, len) % SLOTS; slots[at]; at = (at + 1) % SLOTS) {
    const char *n = slots[at]->name;
    if (strlen(n) == len && strncasecmp(n, name, len) == 0) return slots[at];
  }
  return NULL;
}

int arg_is(const blob *b, const char *word) { return strcasecmp(b->ptr, word) == 0 && strlen(word) == b->len; }

int get_ll_or_reply(client *c, const blob *b, long long *out, const char *msg) {
  if (string2ll(b->ptr, b->len, out)) return 1;
  add_reply_error(c, msg ? msg : "value is not an integer or out of range");
  return 0;
}
