/* Connection and server commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET, CLIENT, INFO, COMMAND, CONFIG, DBSIZE, FLUSH*, SHUTDOWN, SAVE, TIME. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

void ping_command(client *c) {
  if (c->argc > 2) {
    add_reply_arity(c, "ping");
    return;
  }
  if (client_subscriptions(c) > 0) { /* RESP2 in subscribed mode: ["pong", message] */
    add_reply_array_len(c, 2);
    add_reply_bulk_cstr(c, "pong");
    if (c->argc == 2) add_reply_bulk_blob(c, c->argv[1]);
    else add_reply_bulk(c, "", 0);
  } else if (c->argc == 2) {
    add_reply_bulk_blob(c, c->argv[1]);
  } else {
    add_reply_status(c, "PONG");
  }
}

void echo_command(client *c) { add_reply_bulk_blob(c, c->argv[1]); }

void quit_command(client *c) {
  add_reply_ok(c);
  c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

void select_command(client *c) {
  long long id;
  if (!get_ll_or_reply(c, c->argv[1], &id, NULL)) return;
  if (id < 0 || id >= server.databases) {
    add_reply_error(c, "DB index is out of range");
    return;
  }
  c->db = &server.dbs[id];
  add_reply_ok(c);
}

/* 1 if user/password are right (only the "default" user exists). */
static int check_password(const blob *user, const blob *pass) {
  if (user && !arg_is(user, "default")) return 0;
  if (!server.requirepass) return 1; /* nopass */
  return strlen(server.requirepass) == pass->len && memcmp(server.requirepass, pass->ptr, pass->len) == 0;
}

void auth_command(client *c) {
  if (c->argc > 3) {
    add_reply_syntax_error(c);
    return;
  }
  if (c->argc == 2 && !server.requirepass) {
    add_reply_error(c, "AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
    return;
  }
  blob *user = c->argc == 3 ? c->argv[1] : NULL, *pass = c->argv[c->argc - 1];
  if (check_password(user, pass)) {
    c->flags |= CLIENT_AUTHENTICATED;
    add_reply_ok(c);
  } else {
    add_reply_error(c, "-WRONGPASS invalid username-password pair or user is disabled.");
  }
}

static int valid_client_name(const blob *name) {
  for (size_t i = 0; i < name->len; i++)
    if (name->ptr[i] < '!' || name->ptr[i] > '~') return 0;
  return 1;
}

void hello_command(client *c) {
  long long ver = 0;
  int next = 1;
  if (c->argc >= 2) {
    if (!string2ll(c->argv[1]->ptr, c->argv[1]->len, &ver)) {
      add_reply_error(c, "Protocol version is not an integer or out of range");
      return;
    }
    next = 2;
    if (ver < 2 || ver > 3) {
      add_reply_error(c, "-NOPROTO unsupported protocol version");
      return;
    }
  }
  blob *setname = NULL;
  for (int j = next; j < c->argc; j++) {
    int left = c->argc - j - 1;
    if (arg_is(c->argv[j], "auth") && left >= 2) {
      if (!check_password(c->argv[j + 1], c->argv[j + 2])) {
        add_reply_error(c, "-WRONGPASS invalid username-password pair or user is disabled.");
        return;
      }
      c->flags |= CLIENT_AUTHENTICATED;
      j += 2;
    } else if (arg_is(c->argv[j], "setname") && left >= 1) {
      setname = c->argv[++j];
      if (!valid_client_name(setname)) {
        add_reply_error(c, "Client names cannot contain spaces, newlines or special characters.");
        return;
      }
    } else {
      add_reply_error_fmt(c, "Syntax error in HELLO option '%.128s'", c->argv[j]->ptr);
      return;
    }
  }
  if (!(c->flags & CLIENT_AUTHENTICATED)) {
    add_reply_error(c, "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    return;
  }
  if (ver == 3) {
    /* Only RESP2 is spoken here: clients fall back to it on NOPROTO. */
    add_reply_error(c, "-NOPROTO unsupported protocol version");
    return;
  }
  if (setname) {
    free(c->name);
    c->name = setname->len ? blob_dup(setname) : NULL;
  }
  add_reply_array_len(c, 14);
  add_reply_bulk_cstr(c, "server");
  add_reply_bulk_cstr(c, "redis");
  add_reply_bulk_cstr(c, "version");
  add_reply_bulk_cstr(c, REDIS_VERSION);
  add_reply_bulk_cstr(c, "proto");
  add_reply_ll(c, 2);
  add_reply_bulk_cstr(c, "id");
  add_reply_ll(c, c->id);
  add_reply_bulk_cstr(c, "mode");
  add_reply_bulk_cstr(c, "standalone");
  add_reply_bulk_cstr(c, "role");
  add_reply_bulk_cstr(c, "master");
  add_reply_bulk_cstr(c, "modules");
  add_reply_array_len(c, 0);
}

void reset_command(client *c) {
  pubsub_unsubscribe_all(c);
  discard_transaction(c);
  unwatch_all(c);
  c->db = &server.dbs[0];
  free(c->name);
  c->name = NULL;
  if (server.requirepass) c->flags &= ~CLIENT_AUTHENTICATED;
  add_reply_status(c, "RESET");
}

/* ------------------------------------------------------------------ CLIENT */

static void client_info_line(buf_t *b, client *c, client *self) {
  long long now = mstime();
  buf_printf(b,
             "id=%lld addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d sub=%d psub=%d ssub=0 multi=%d qbuf=%zu "
             "qbuf-free=%zu argv-mem=0 multi-mem=0 rbs=%zu rbp=%zu obl=0 oll=0 omem=%zu tot-mem=%zu events=r cmd=%s user=default redir=-1 resp=2 "
             "lib-name= lib-ver=\n",
             c->id, c->addr, c->laddr, c->fd, c->name ? c->name->ptr : "", (now - c->ctime_ms) / 1000, (now - c->last_interaction_ms) / 1000,
             c->in_multi ? "x" : c->blocked ? "b" : "N", c->db->id, c->channels ? (int)c->channels->used : 0, c->npatterns, c->in_multi ? c->mstate_count : -1, c->query.len - c->qpos, c->query.cap ? c->query.cap - c->query.len : 0,
             c->query.cap, c->query.cap, c == self ? 0 : c->out.len - c->outpos, c->query.cap + c->out.cap, c == self ? "client|list" : c->lastcmd);
}

void client_command(client *c) {
  blob *sub = c->argv[1];
  if (arg_is(sub, "id") && c->argc == 2) {
    add_reply_ll(c, c->id);
  } else if (arg_is(sub, "setname") && c->argc == 3) {
    if (!valid_client_name(c->argv[2])) {
      add_reply_error(c, "Client names cannot contain spaces, newlines or special characters.");
      return;
    }
    free(c->name);
    c->name = c->argv[2]->len ? blob_dup(c->argv[2]) : NULL;
    add_reply_ok(c);
  } else if (arg_is(sub, "getname") && c->argc == 2) {
    if (c->name) add_reply_bulk_blob(c, c->name);
    else add_reply_null(c);
  } else if (arg_is(sub, "list")) {
    buf_t b = {0};
    buf_puts(&b, "");
    for (int i = 0; i < server.nclients; i++) client_info_line(&b, server.clients[i], c);
    add_reply_bulk(c, b.data, b.len);
    buf_free(&b);
  } else if (arg_is(sub, "info") && c->argc == 2) {
    buf_t b = {0};
    client_info_line(&b, c, c);
    add_reply_bulk(c, b.data, b.len);
    buf_free(&b);
  } else if (arg_is(sub, "setinfo") && c->argc == 4) {
    if (!arg_is(c->argv[2], "lib-name") && !arg_is(c->argv[2], "lib-ver")) {
      add_reply_error_fmt(c, "Unrecognized option '%.128s'", c->argv[2]->ptr);
      return;
    }
    add_reply_ok(c);
  } else if ((arg_is(sub, "no-evict") || arg_is(sub, "no-touch")) && c->argc == 3) {
    if (arg_is(c->argv[2], "on") || arg_is(c->argv[2], "off")) add_reply_ok(c);
    else add_reply_syntax_error(c);
  } else if (arg_is(sub, "kill") && c->argc >= 3) {
    long long killed = 0;
    int legacy = c->argc == 3;
    for (int i = 0; i < server.nclients; i++) {
      client *t = server.clients[i];
      int match = 0;
      if (legacy) match = strcmp(t->addr, c->argv[2]->ptr) == 0;
      else if (c->argc == 4 && arg_is(c->argv[2], "id")) match = t->id == atoll(c->argv[3]->ptr);
      else if (c->argc == 4 && arg_is(c->argv[2], "addr")) match = strcmp(t->addr, c->argv[3]->ptr) == 0;
      else {
        add_reply_syntax_error(c);
        return;
      }
      if (match) {
        if (t == c) t->flags |= CLIENT_CLOSE_AFTER_REPLY;
        else t->flags |= CLIENT_CLOSE_ASAP;
        killed++;
      }
    }
    if (legacy) {
      if (killed) add_reply_ok(c);
      else add_reply_error(c, "No such client");
    } else {
      add_reply_ll(c, killed);
    }
  } else if (arg_is(sub, "help")) {
    static const char *lines[] = {"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GETNAME", "    Return the name of the current connection.",
                                  "ID", "    Return the ID of the current connection.", "INFO", "    Return information about the current client connection.",
                                  "KILL <ip:port>", "    Kill connection made from <ip:port>.", "LIST", "    Return information about client connections.",
                                  "SETNAME <name>", "    Assign the name <name> to the current connection.", "HELP", "    Print this help."};
    add_reply_array_len(c, sizeof lines / sizeof lines[0]);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) add_reply_status(c, lines[i]);
  } else {
    static const char *known[] = {"id", "setname", "getname", "list", "info", "setinfo", "no-evict", "no-touch", "kill", NULL};
    for (int i = 0; known[i]; i++) {
      if (arg_is(sub, known[i])) {
        char full[64];
        snprintf(full, sizeof full, "client|%s", known[i]);
        add_reply_arity(c, full);
        return;
      }
    }
    add_reply_error_fmt(c, "unknown subcommand '%.128s'. Try CLIENT HELP.", sub->ptr);
  }
}

/* ------------------------------------------------------------------ INFO */

static size_t used_memory(void) { return __builtin_wasm_memory_size(0) * 65536; }

static void human_bytes(char *out, size_t n, double bytes) {
  if (bytes < 1024) snprintf(out, n, "%lldB", (long long)bytes);
  else if (bytes < 1024 * 1024) snprintf(out, n, "%.2fK", bytes / 1024);
  else if (bytes < 1024.0 * 1024 * 1024) snprintf(out, n, "%.2fM", bytes / (1024 * 1024));
  else snprintf(out, n, "%.2fG", bytes / (1024.0 * 1024 * 1024));
}

static int wants(const char *section, int argc, blob **argv) {
  if (argc <= 1) return strcmp(section, "commandstats") != 0;
  for (int j = 1; j < argc; j++) {
    if (arg_is(argv[j], section) || arg_is(argv[j], "all") || arg_is(argv[j], "everything")) return 1;
    if (arg_is(argv[j], "default") && strcmp(section, "commandstats") != 0) return 1;
  }
  return 0;
}

void info_command(client *c) {
  buf_t b = {0};
  buf_puts(&b, "");
  long long now = ustime();
  long long uptime = (now / 1000 - server.start_ms) / 1000;
  int sections = 0;
#define SECTION(title) \
  if (sections++) buf_puts(&b, "\r\n"); \
  buf_puts(&b, "# " title "\r\n")
  if (wants("server", c->argc, c->argv)) {
    struct utsname u;
    uname(&u);
    SECTION("Server");
    buf_printf(&b,
               "redis_version:%s\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\nredis_build_id:drydock\r\nredis_mode:standalone\r\n"
               "os:%s %s %s\r\narch_bits:32\r\nmonotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:poll_oneoff\r\natomicvar_api:none\r\n"
               "gcc_version:0.0.0\r\nprocess_id:%d\r\nprocess_supervised:no\r\nrun_id:%s\r\ntcp_port:%d\r\nserver_time_usec:%lld\r\n"
               "uptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\nhz:%d\r\nconfigured_hz:%d\r\nlru_clock:0\r\nexecutable:%s\r\nconfig_file:%s\r\n"
               "io_threads_active:0\r\n",
               REDIS_VERSION, u.sysname, u.release, u.machine, (int)getpid(), server.run_id, server.port, now, uptime, uptime / 86400, server.hz,
               server.hz, server.executable, server.config_file ? server.config_file : "");
  }
  if (wants("clients", c->argc, c->argv)) {
    SECTION("Clients");
    buf_printf(&b, "connected_clients:%d\r\ncluster_connections:0\r\nmaxclients:%d\r\nblocked_clients:%d\r\ntracking_clients:0\r\nclients_in_timeout_table:%d\r\n",
               server.nclients, server.max_clients, server.nblocked, server.nblocked);
  }
  if (wants("memory", c->argc, c->argv)) {
    char human[32];
    size_t used = used_memory();
    human_bytes(human, sizeof human, (double)used);
    SECTION("Memory");
    buf_printf(&b, "used_memory:%zu\r\nused_memory_human:%s\r\nused_memory_peak:%zu\r\nused_memory_peak_human:%s\r\nmaxmemory:0\r\nmaxmemory_human:0B\r\n"
                   "maxmemory_policy:noeviction\r\nmem_allocator:libc\r\n",
               used, human, used, human);
  }
  if (wants("persistence", c->argc, c->argv)) {
    SECTION("Persistence");
    buf_printf(&b, "loading:0\r\nasync_loading:0\r\nrdb_changes_since_last_save:%lld\r\nrdb_bgsave_in_progress:0\r\nrdb_last_save_time:%lld\r\n"
                   "rdb_last_bgsave_status:ok\r\naof_enabled:0\r\naof_rewrite_in_progress:0\r\n",
               server.dirty, server.start_ms / 1000);
  }
  if (wants("stats", c->argc, c->argv)) {
    SECTION("Stats");
    buf_printf(&b, "total_connections_received:%lld\r\ntotal_commands_processed:%lld\r\ninstantaneous_ops_per_sec:0\r\ntotal_net_input_bytes:%lld\r\n"
                   "total_net_output_bytes:%lld\r\nrejected_connections:%lld\r\nexpired_keys:%lld\r\nevicted_keys:0\r\nkeyspace_hits:%lld\r\n"
                   "keyspace_misses:%lld\r\npubsub_channels:%zu\r\npubsub_patterns:%d\r\n",
               server.stat_connections, server.stat_commands, server.stat_net_in, server.stat_net_out, server.stat_rejected_conn,
               server.stat_expired_keys, server.stat_keyspace_hits, server.stat_keyspace_misses, server.pubsub_channels->used, server.npatterns);
  }
  if (wants("replication", c->argc, c->argv)) {
    SECTION("Replication");
    buf_printf(&b, "role:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:%s\r\nmaster_repl_offset:0\r\n", server.run_id);
  }
  if (wants("cpu", c->argc, c->argv)) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    SECTION("CPU");
    buf_printf(&b, "used_cpu_sys:0.000000\r\nused_cpu_user:%lld.%06ld\r\n", (long long)ts.tv_sec, ts.tv_nsec / 1000);
  }
  if (wants("keyspace", c->argc, c->argv)) {
    SECTION("Keyspace");
    for (int i = 0; i < server.databases; i++) {
      redisDb *db = &server.dbs[i];
      if (db->keys->used) buf_printf(&b, "db%d:keys=%zu,expires=%zu,avg_ttl=0\r\n", i, db->keys->used, db->volatile_keys);
    }
  }
#undef SECTION
  add_reply_bulk(c, b.data, b.len);
  buf_free(&b);
}

/* ------------------------------------------------------------------ COMMAND */

void command_command(client *c) {
  if (c->argc == 1) {
    add_reply_array_len(c, (long long)command_count);
    for (size_t i = 0; i < command_count; i++) reply_command_info(c, &command_table[i]);
    return;
  }
  blob *sub = c->argv[1];
  if (arg_is(sub, "count") && c->argc == 2) {
    add_reply_ll(c, (long long)command_count);
  } else if (arg_is(sub, "info")) {
    if (c->argc == 2) {
      add_reply_array_len(c, (long long)command_count);
      for (size_t i = 0; i < command_count; i++) reply_command_info(c, &command_table[i]);
      return;
    }
    add_reply_array_len(c, c->argc - 2);
    for (int j = 2; j < c->argc; j++) {
      const command *cmd = lookup_command(c->argv[j]->ptr, c->argv[j]->len);
      if (cmd) reply_command_info(c, cmd);
      else add_reply_null_array(c);
    }
  } else if (arg_is(sub, "docs")) {
    long long n = 0;
    size_t at = add_reply_deferred_len(c);
    for (size_t i = 0; i < command_count; i++) {
      const command *cmd = &command_table[i];
      int want = c->argc == 2;
      for (int j = 2; j < c->argc && !want; j++) want = arg_is(c->argv[j], cmd->name);
      if (!want) continue;
      add_reply_bulk_cstr(c, cmd->name);
      reply_command_docs(c, cmd);
      n += 2;
    }
    set_deferred_array_len(c, at, n);
  } else if (arg_is(sub, "list")) {
    add_reply_array_len(c, (long long)command_count);
    for (size_t i = 0; i < command_count; i++) add_reply_bulk_cstr(c, command_table[i].name);
  } else if (arg_is(sub, "help")) {
    add_reply_array_len(c, 1);
    add_reply_status(c, "COMMAND [<subcommand> [<arg> [value] [opt] ...]]: COUNT, DOCS [<command-name> ...], INFO [<command-name> ...], LIST");
  } else if (arg_is(sub, "count")) {
    add_reply_arity(c, "command|count");
  } else {
    add_reply_error_fmt(c, "unknown subcommand '%.128s'. Try COMMAND HELP.", sub->ptr);
  }
}

/* ------------------------------------------------------------------ CONFIG */

struct config_reply {
  client *c;
  long long n;
};

static void config_reply_one(void *p, const char *name, const char *value) {
  struct config_reply *r = p;
  add_reply_bulk_cstr(r->c, name);
  add_reply_bulk_cstr(r->c, value);
  r->n += 2;
}

void config_command(client *c) {
  blob *sub = c->argv[1];
  if (arg_is(sub, "get") && c->argc >= 3) {
    struct config_reply r = {c, 0};
    size_t at = add_reply_deferred_len(c);
    for (int j = 2; j < c->argc; j++) config_get(c->argv[j]->ptr, c->argv[j]->len, config_reply_one, &r);
    set_deferred_array_len(c, at, r.n);
  } else if (arg_is(sub, "set") && c->argc >= 4 && c->argc % 2 == 0) {
    for (int j = 2; j < c->argc; j += 2) {
      const char *err = config_set(c->argv[j]->ptr, c->argv[j + 1]->ptr);
      if (err) {
        add_reply_error(c, err);
        return;
      }
    }
    add_reply_ok(c);
  } else if (arg_is(sub, "resetstat") && c->argc == 2) {
    server.stat_commands = server.stat_connections = server.stat_expired_keys = server.stat_rejected_conn = 0;
    server.stat_net_in = server.stat_net_out = server.stat_keyspace_hits = server.stat_keyspace_misses = 0;
    add_reply_ok(c);
  } else if (arg_is(sub, "rewrite") && c->argc == 2) {
    if (!server.config_file) add_reply_error(c, "The server is running without a config file");
    else add_reply_error(c, "Rewriting config file: not supported by this server");
  } else if (arg_is(sub, "get") || arg_is(sub, "set") || arg_is(sub, "resetstat") || arg_is(sub, "rewrite")) {
    char full[32];
    snprintf(full, sizeof full, "config|%s", arg_is(sub, "get") ? "get" : arg_is(sub, "set") ? "set" : arg_is(sub, "resetstat") ? "resetstat" : "rewrite");
    add_reply_arity(c, full);
  } else if (arg_is(sub, "help")) {
    add_reply_array_len(c, 1);
    add_reply_status(c, "CONFIG <subcommand> [<arg> [value] [opt] ...]: GET <pattern>, SET <directive> <value>, RESETSTAT, REWRITE");
  } else {
    add_reply_error_fmt(c, "unknown subcommand '%.128s'. Try CONFIG HELP.", sub->ptr);
  }
}

/* ------------------------------------------------------------------ keyspace-wide and lifecycle */

void dbsize_command(client *c) { add_reply_ll(c, (long long)c->db->keys->used); }

static int flush_option_ok(client *c) {
  if (c->argc == 1) return 1;
  if (c->argc == 2 && (arg_is(c->argv[1], "async") || arg_is(c->argv[1], "sync"))) return 1;
  add_reply_syntax_error(c);
  return 0;
}

void flushall_command(client *c) {
  if (!flush_option_ok(c)) return;
  for (int i = 0; i < server.databases; i++) db_flush(&server.dbs[i]);
  touch_all_watched(NULL);
  server.dirty++;
  add_reply_ok(c);
}

void flushdb_command(client *c) {
  if (!flush_option_ok(c)) return;
  db_flush(c->db);
  touch_all_watched(c->db);
  server.dirty++;
  add_reply_ok(c);
}

void shutdown_command(client *c) {
  for (int j = 1; j < c->argc; j++) {
    blob *a = c->argv[j];
    if (arg_is(a, "abort")) {
      add_reply_error(c, "No shutdown in progress.");
      return;
    }
    if (!arg_is(a, "nosave") && !arg_is(a, "save") && !arg_is(a, "now") && !arg_is(a, "force")) {
      add_reply_syntax_error(c);
      return;
    }
  }
  /* No reply: the connection closes when the server exits, as with Redis. */
  c->flags |= CLIENT_CLOSE_AFTER_REPLY;
  server.shutdown_asap = 1;
}

void save_command(client *c) {
  add_reply_error(c, "Persistence is not supported: this redis-server keeps its data in memory only");
}

void time_command(client *c) {
  long long us = ustime();
  char tmp[32];
  add_reply_array_len(c, 2);
  int n = snprintf(tmp, sizeof tmp, "%lld", us / 1000000);
  add_reply_bulk(c, tmp, (size_t)n);
  n = snprintf(tmp, sizeof tmp, "%lld", us % 1000000);
  add_reply_bulk(c, tmp, (size_t)n);
}
