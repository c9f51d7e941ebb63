/*
 * Helpers shared by redis-server and redis-cli: growable byte buffers,
 * Redis's argument splitting (sdssplitargs: quotes and escapes, what both the
 * server's inline protocol and the CLI's prompt accept), strict integer
 * parsing (string2ll) and quoting for display (sdscatrepr).
 */
#ifndef REDIS_COMMON_UTIL_H
#define REDIS_COMMON_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer. `data` is always NUL-terminated (after `len` bytes) once allocated. */
typedef struct buf {
  char *data;
  size_t len, cap;
} buf_t;

void buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *p, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes. */
void buf_consume(buf_t *b, size_t n);
void buf_free(buf_t *b);

/* One argument produced by split_args: binary-safe, NUL-terminated. */
typedef struct arg {
  char *ptr;
  size_t len;
} arg_t;

/*
 * Splits a line as Redis's sdssplitargs does: blanks separate arguments;
 * "double quotes" understand \n \r \t \b \a \xHH and \<char>; 'single quotes'
 * understand only \'; a closing quote must be followed by a blank or the end.
 * Returns the number of arguments and a malloc'd array in *out (each ptr
 * malloc'd), or -1 for unbalanced quotes (nothing to free).
 */
int split_args(const char *line, size_t len, arg_t **out);
void free_args(arg_t *args, int argc);

/* Redis's string2ll: an exact base-10 long long ("-0", "+1", " 1", "01" are not). 1 on success. */
int string2ll(const char *s, size_t len, long long *out);
/* A long double-free double parse as Redis's string2d (no spaces, no NaN). 1 on success. */
int string2d(const char *s, size_t len, double *out);

/* Appends s as Redis's sdscatrepr: "quoted", with \\ \" \n \r \t \a \b and \xHH escapes. */
void buf_repr(buf_t *b, const char *s, size_t len);

/*
 * Redis's stringmatchlen: glob matching with * ? [abc] [^a-z] and \ escapes,
 * binary-safe; nocase compares ASCII letters case-insensitively.
 */
int string_match(const char *pattern, size_t plen, const char *str, size_t slen, int nocase);

#endif
