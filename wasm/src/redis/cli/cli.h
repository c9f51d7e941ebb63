/*
 * redis-cli for Drydock: shared declarations (reply parsing, formatting,
 * line editing). See ../README.md.
 */
#ifndef REDIS_CLI_H
#define REDIS_CLI_H

#include <stddef.h>

#include "../common/util.h"

enum { REPLY_STRING = 1, REPLY_ARRAY, REPLY_INTEGER, REPLY_NIL, REPLY_STATUS, REPLY_ERROR };

/* One RESP2 reply. A nil array is REPLY_NIL. */
typedef struct reply {
  int type;
  long long integer;
  char *str; /* STRING, STATUS, ERROR: NUL-terminated, `len` bytes (binary-safe) */
  size_t len;
  size_t elements;
  struct reply **element;
} reply;

/*
 * Parses one reply from buf[0..len): 1 with *out and *used set, 0 if more
 * bytes are needed, -1 for a protocol error.
 */
int resp_parse(const char *buf, size_t len, reply **out, size_t *used);
void reply_free(reply *r);

/* redis-cli's output formats: as on a terminal ("(integer) 1", "1) \"a\"") or raw (bare values, one per line). */
void format_tty(buf_t *out, const reply *r, const char *prefix);
void format_raw(buf_t *out, const reply *r);

/*
 * Reads a line from the terminal `fd` with editing and history, echoing to
 * `out_fd`. Returns a malloc'd line, or NULL at end of input (ctrl-D on an
 * empty line) or on ctrl-C (*interrupted set).
 */
char *lineedit_read(int fd, int out_fd, const char *prompt, int *interrupted);
void lineedit_history_add(const char *line);

#endif
