/*
 * Clients: reading and parsing requests (RESP2 multibulk and inline, with
 * Redis's protocol errors), running commands, and queueing replies. The
 * event loop (main.c) moves the bytes; nothing here blocks.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server.h"

client *create_client(int fd) {
  client *c = calloc(1, sizeof *c);
  c->fd = fd;
  c->id = ++server.next_client_id;
  c->db = &server.dbs[0];
  c->bulklen = -1;
  c->ctime_ms = c->last_interaction_ms = mstime();
  snprintf(c->lastcmd, sizeof c->lastcmd, "NULL");
  if (!server.requirepass) c->flags |= CLIENT_AUTHENTICATED;
  return c;
}

static void free_argv(client *c) {
  for (int i = 0; i < c->argc; i++) free(c->argv[i]);
  c->argc = 0;
}

void free_client(client *c) {
  unblock_client(c);
  pubsub_unsubscribe_all(c);
  discard_transaction(c);
  unwatch_all(c);
  free_argv(c);
  free(c->argv);
  buf_free(&c->query);
  buf_free(&c->out);
  free(c->name);
  if (c->fd >= 0) close(c->fd);
  free(c);
}

static void reset_client(client *c) {
  free_argv(c);
  c->reqtype = 0;
  c->multibulklen = 0;
  c->bulklen = -1;
}

static void protocol_error(client *c, const char *msg) {
  add_reply_error_fmt(c, "Protocol error: %s", msg);
  c->flags |= CLIENT_CLOSE_AFTER_REPLY;
  server_log(LL_VERBOSE, "Protocol error (%s) from client: id=%lld addr=%s", msg, c->id, c->addr);
}

static void push_arg(client *c, const char *p, size_t n) {
  if (c->argc == c->argv_cap) {
    c->argv_cap = c->argv_cap ? c->argv_cap * 2 : 8;
    c->argv = realloc(c->argv, sizeof *c->argv * (size_t)c->argv_cap);
  }
  c->argv[c->argc++] = blob_new(p, n);
}

/* 1 when a complete inline request is in argv, 0 when more input is needed, -1 on error. */
static int parse_inline(client *c) {
  char *start = c->query.data + c->qpos;
  size_t avail = c->query.len - c->qpos;
  char *nl = memchr(start, '\n', avail);
  if (!nl) {
    if (avail > PROTO_INLINE_MAX) {
      protocol_error(c, "too big inline request");
      return -1;
    }
    return 0;
  }
  size_t len = (size_t)(nl - start), skip = len + 1;
  if (len && start[len - 1] == '\r') len--;
  arg_t *args;
  int argc = split_args(start, len, &args);
  if (argc < 0) {
    protocol_error(c, "unbalanced quotes in request");
    return -1;
  }
  for (int i = 0; i < argc; i++) {
    push_arg(c, args[i].ptr, args[i].len);
  }
  free_args(args, argc);
  c->qpos += skip;
  return 1;
}

/* Finds "\r\n" at or after p within the buffer: the position of '\r', or NULL. */
static char *find_crlf_line(client *c, char *p, int *incomplete) {
  size_t avail = c->query.len - (size_t)(p - c->query.data);
  char *cr = memchr(p, '\r', avail);
  *incomplete = 0;
  if (!cr) return NULL;
  if ((size_t)(cr - p) + 2 > avail) {
    *incomplete = 1; /* the \n has not arrived */
    return NULL;
  }
  return cr;
}

static int parse_multibulk(client *c) {
  int incomplete;
  if (c->multibulklen == 0) {
    char *p = c->query.data + c->qpos;
    char *cr = find_crlf_line(c, p, &incomplete);
    if (!cr) {
      if (!incomplete && c->query.len - c->qpos > PROTO_INLINE_MAX) {
        protocol_error(c, "too big mbulk count string");
        return -1;
      }
      return 0;
    }
    long long ll;
    if (!string2ll(p + 1, (size_t)(cr - p - 1), &ll) || ll > INT_MAX) {
      protocol_error(c, "invalid multibulk length");
      return -1;
    }
    if (ll > 10 && !(c->flags & CLIENT_AUTHENTICATED)) {
      protocol_error(c, "unauthenticated multibulk length");
      return -1;
    }
    c->qpos = (size_t)(cr - c->query.data) + 2;
    if (ll <= 0) return 1; /* an empty request: ignored */
    c->multibulklen = (long)ll;
    if (c->argv_cap < (ll < 1024 ? ll : 1024)) {
      c->argv_cap = (int)(ll < 1024 ? ll : 1024);
      c->argv = realloc(c->argv, sizeof *c->argv * (size_t)c->argv_cap);
    }
  }
  while (c->multibulklen) {
    if (c->bulklen == -1) {
      char *p = c->query.data + c->qpos;
      if (c->qpos >= c->query.len) return 0;
      char *cr = find_crlf_line(c, p, &incomplete);
      if (!cr) {
        if (!incomplete && c->query.len - c->qpos > PROTO_INLINE_MAX) {
          protocol_error(c, "too big bulk count string");
          return -1;
        }
        return 0;
      }
      if (*p != '$') {
        char msg[64];
        snprintf(msg, sizeof msg, "expected '$', got '%c'", *p);
        protocol_error(c, msg);
        return -1;
      }
      long long ll;
      if (!string2ll(p + 1, (size_t)(cr - p - 1), &ll) || ll < 0 || ll > PROTO_BULK_MAX) {
        protocol_error(c, "invalid bulk length");
        return -1;
      }
      if (ll > 16384 && !(c->flags & CLIENT_AUTHENTICATED)) {
        protocol_error(c, "unauthenticated bulk length");
        return -1;
      }
      c->qpos = (size_t)(cr - c->query.data) + 2;
      c->bulklen = ll;
    }
    if (c->query.len - c->qpos < (size_t)c->bulklen + 2) return 0; /* the buffer grows as bytes arrive, not on a length's say-so */
    push_arg(c, c->query.data + c->qpos, (size_t)c->bulklen);
    c->qpos += (size_t)c->bulklen + 2;
    c->bulklen = -1;
    c->multibulklen--;
  }
  return 1;
}

/* Runs every complete request in the query buffer, stopping while the client's replies pile up. */
void process_input(client *c) {
  while (c->qpos < c->query.len) {
    if (c->flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP) || c->blocked) break;
    if (c->out.len - c->outpos > OUTPUT_HIGH_WATER) break; /* back-pressure: resume once sent */
    if (!c->reqtype) c->reqtype = c->query.data[c->qpos] == '*' ? 2 : 1;
    int rc = c->reqtype == 1 ? parse_inline(c) : parse_multibulk(c);
    if (rc <= 0) break;
    if (c->argc > 0) {
      call_command(c);
      server.stat_commands++;
    }
    reset_client(c);
  }
  /* compact what was consumed */
  if (c->qpos > 0) {
    buf_consume(&c->query, c->qpos);
    c->qpos = 0;
  }
}

void call_command(client *c) {
  c->last_interaction_ms = mstime();
  const command *cmd = lookup_command(c->argv[0]->ptr, c->argv[0]->len);
  if (!cmd) {
    char args[200] = "";
    for (int i = 1; i < c->argc && strlen(args) < 128; i++) {
      size_t used = strlen(args);
      snprintf(args + used, sizeof args - used, "'%.*s' ", (int)(128 - used), c->argv[i]->ptr);
    }
    add_reply_error_fmt(c, "unknown command '%.128s', with args beginning with: %s", c->argv[0]->ptr, args);
    flag_transaction(c);
    return;
  }
  if ((cmd->arity > 0 && c->argc != cmd->arity) || c->argc < -cmd->arity) {
    add_reply_arity(c, cmd->name);
    flag_transaction(c);
    return;
  }
  if (!(c->flags & CLIENT_AUTHENTICATED) && !(cmd->flags & CMD_NOAUTH)) {
    add_reply_error(c, "-NOAUTH Authentication required.");
    flag_transaction(c);
    return;
  }
  snprintf(c->lastcmd, sizeof c->lastcmd, "%s", cmd->name);
  c->commands++;
  if (c->in_multi && cmd->proc != exec_command && cmd->proc != discard_command && cmd->proc != multi_command &&
      cmd->proc != watch_command && cmd->proc != quit_command && cmd->proc != reset_command) {
    queue_multi_command(c, cmd);
    return;
  }
  if (client_subscriptions(c) > 0 && cmd->proc != subscribe_command && cmd->proc != unsubscribe_command && cmd->proc != psubscribe_command &&
      cmd->proc != punsubscribe_command && cmd->proc != ping_command && cmd->proc != quit_command && cmd->proc != reset_command) {
    add_reply_error_fmt(c, "Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", cmd->name);
    return;
  }
  long long dirty = server.dirty;
  cmd->proc(c);
  /* tell WATCHers: the keys of a write command that changed something */
  if (server.dirty != dirty && (cmd->flags & CMD_WRITE) && cmd->first_key) {
    int last = cmd->last_key < 0 ? c->argc + cmd->last_key : cmd->last_key;
    for (int k = cmd->first_key; k <= last && k < c->argc; k += cmd->key_step) touch_watched_key(c->db, c->argv[k]);
  }
  if (server.nready) handle_ready_keys();
}
