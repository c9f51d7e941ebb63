/* Building RESP2 replies into a client's output buffer. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

void add_reply_raw(client *c, const char *s, size_t len) {
  if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return; /* nothing more after a protocol error or QUIT */
  buf_append(&c->out, s, len);
}

void add_reply_status(client *c, const char *s) {
  buf_t *b = &c->out;
  if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return;
  buf_append(b, "+", 1);
  buf_puts(b, s);
  buf_append(b, "\r\n", 2);
}

void add_reply_ok(client *c) { add_reply_raw(c, "+OK\r\n", 5); }

/* Newlines would break the protocol: Redis replaces them with spaces. */
static void append_error_text(buf_t *b, const char *msg) {
  size_t at = b->len;
  buf_puts(b, msg);
  for (size_t i = at; i < b->len; i++)
    if (b->data[i] == '\r' || b->data[i] == '\n') b->data[i] = ' ';
}

void add_reply_error(client *c, const char *msg) {
  if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return;
  buf_t *b = &c->out;
  /* As Redis's addReplyError: a message with its own code starts with '-' (-WRONGTYPE ...). */
  if (msg[0] == '-') {
    buf_append(b, "-", 1);
    msg++;
  } else {
    buf_puts(b, "-ERR ");
  }
  append_error_text(b, msg);
  buf_append(b, "\r\n", 2);
}

void add_reply_error_fmt(client *c, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return;
  buf_t *b = &c->out;
  buf_puts(b, "-ERR ");
  append_error_text(b, msg);
  buf_append(b, "\r\n", 2);
}

void add_reply_ll(client *c, long long v) {
  if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return;
  buf_printf(&c->out, ":%lld\r\n", v);
}

void add_reply_bulk(client *c, const char *s, size_t len) {
  if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return;
  buf_printf(&c->out, "$%zu\r\n", len);
  buf_append(&c->out, s, len);
  buf_append(&c->out, "\r\n", 2);
}

void add_reply_bulk_blob(client *c, const blob *b) { add_reply_bulk(c, b->ptr, b->len); }
void add_reply_bulk_cstr(client *c, const char *s) { add_reply_bulk(c, s, strlen(s)); }
void add_reply_null(client *c) { add_reply_raw(c, "$-1\r\n", 5); }
void add_reply_null_array(client *c) { add_reply_raw(c, "*-1\r\n", 5); }

void add_reply_array_len(client *c, long long n) {
  if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return;
  buf_printf(&c->out, "*%lld\r\n", n);
}

/* Doubles as Redis 7 prints them in RESP2 bulk replies: %.17g, inf/-inf. */
void add_reply_double(client *c, double d) {
  char tmp[64];
  if (isinf(d)) snprintf(tmp, sizeof tmp, "%s", d > 0 ? "inf" : "-inf");
  else snprintf(tmp, sizeof tmp, "%.17g", d);
  add_reply_bulk_cstr(c, tmp);
}

void add_reply_wrongtype(client *c) { add_reply_error(c, "-WRONGTYPE Operation against a key holding the wrong kind of value"); }
void add_reply_syntax_error(client *c) { add_reply_error(c, "syntax error"); }
void add_reply_not_integer(client *c) { add_reply_error(c, "value is not an integer or out of range"); }
void add_reply_arity(client *c, const char *name) { add_reply_error_fmt(c, "wrong number of arguments for '%s' command", name); }

/* A fixed-width placeholder ("*" + 20 digits) patched by set_deferred_array_len. */
#define DEFERRED_WIDTH 20
size_t add_reply_deferred_len(client *c) {
  size_t at = c->out.len;
  if (c->flags & CLIENT_CLOSE_AFTER_REPLY) return (size_t)-1;
  buf_append(&c->out, "*", 1);
  for (int i = 0; i < DEFERRED_WIDTH; i++) buf_append(&c->out, " ", 1);
  buf_append(&c->out, "\r\n", 2);
  return at;
}

void set_deferred_array_len(client *c, size_t at, long long n) {
  if (at == (size_t)-1) return;
  char tmp[32];
  int len = snprintf(tmp, sizeof tmp, "*%lld\r\n", n);
  size_t placeholder = 1 + DEFERRED_WIDTH + 2;
  char *p = c->out.data + at;
  memmove(p + len, p + placeholder, c->out.len - at - placeholder);
  memcpy(p, tmp, (size_t)len);
  c->out.len -= placeholder - (size_t)len;
  c->out.data[c->out.len] = 0;
}
