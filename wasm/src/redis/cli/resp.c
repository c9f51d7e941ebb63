/* A RESP2 reply parser over a byte buffer (the CLI reads a reply at a time). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void reply_free(reply *r) {
  if (!r) return;
  for (size_t i = 0; i < r->elements; i++) reply_free(r->element[i]);
  free(r->element);
  free(r->str);
  free(r);
}

/* The line at buf[*pos..] without CRLF; 0 if incomplete. */
static int read_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *llen) {
  for (size_t i = *pos; i + 1 < len; i++) {
    if (buf[i] == '\r' && buf[i + 1] == '\n') {
      *line = buf + *pos;
      *llen = i - *pos;
      *pos = i + 2;
      return 1;
    }
  }
  return 0;
}

static int parse_at(const char *buf, size_t len, size_t *pos, reply **out, int depth) {
  if (depth > 64) return -1;
  if (*pos >= len) return 0;
  char kind = buf[*pos];
  size_t p = *pos + 1;
  const char *line;
  size_t llen;
  if (!read_line(buf, len, &p, &line, &llen)) return 0;
  reply *r = calloc(1, sizeof *r);
  long long n;
  switch (kind) {
    case '+':
    case '-':
      r->type = kind == '+' ? REPLY_STATUS : REPLY_ERROR;
      r->str = malloc(llen + 1);
      memcpy(r->str, line, llen);
      r->str[llen] = 0;
      r->len = llen;
      break;
    case ':':
      if (!string2ll(line, llen, &n)) goto bad;
      r->type = REPLY_INTEGER;
      r->integer = n;
      break;
    case '$':
      if (!string2ll(line, llen, &n) || n < -1) goto bad;
      if (n == -1) {
        r->type = REPLY_NIL;
        break;
      }
      if (len - p < (size_t)n + 2) {
        free(r);
        return 0;
      }
      r->type = REPLY_STRING;
      r->str = malloc((size_t)n + 1);
      memcpy(r->str, buf + p, (size_t)n);
      r->str[n] = 0;
      r->len = (size_t)n;
      p += (size_t)n + 2;
      break;
    case '*':
      if (!string2ll(line, llen, &n) || n < -1) goto bad;
      if (n == -1) {
        r->type = REPLY_NIL;
        break;
      }
      r->type = REPLY_ARRAY;
      r->element = calloc((size_t)n ? (size_t)n : 1, sizeof *r->element);
      for (long long i = 0; i < n; i++) {
        int rc = parse_at(buf, len, &p, &r->element[i], depth + 1);
        if (rc <= 0) {
          r->elements = (size_t)i;
          reply_free(r);
          return rc;
        }
      }
      r->elements = (size_t)n;
      break;
    default:
      goto bad;
  }
  *pos = p;
  *out = r;
  return 1;
bad:
  free(r);
  return -1;
}

int resp_parse(const char *buf, size_t len, reply **out, size_t *used) {
  size_t pos = 0;
  int rc = parse_at(buf, len, &pos, out, 0);
  if (rc == 1) *used = pos;
  return rc;
}
