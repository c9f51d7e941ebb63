/* gzip.h: DEFLATE and gzip in memory (deflate.c, inflate.c), for gzip/gunzip/zcat and tar -z. */
#ifndef BUSYBOX_GZIP_H
#define BUSYBOX_GZIP_H
#include <stddef.h>
#include <stdint.h>
#include "libbb.h"

/* A growable output buffer; `start` is where the current DEFLATE stream began (back-references stop there). */
struct outbuf {
  uint8_t *data;
  size_t len, cap, start;
};
void outbuf_reserve(struct outbuf *o, size_t n);
void outbuf_append(struct outbuf *o, const void *p, size_t n);
void outbuf_putc(struct outbuf *o, uint8_t c);

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);

/* Compresses in[0..len) as one DEFLATE stream (level 0: stored blocks only, 1..9: faster..smaller). */
void deflate_buffer(const uint8_t *in, size_t len, int level, struct outbuf *out);
/* A gzip member: header (mtime, OS Unix, no name), DEFLATE data, CRC-32 and size. */
void gzip_buffer(const uint8_t *in, size_t len, uint32_t mtime, int level, struct outbuf *out);

/* Decompresses one raw DEFLATE stream; returns the input bytes consumed, -1 when corrupt. */
long inflate_raw(const uint8_t *in, size_t len, struct outbuf *out);
/* Decompresses all gzip members of in[0..len) into out; -1 with *err set on corrupt data. */
int gunzip_buffer(const uint8_t *in, size_t len, struct outbuf *out, const char **err);
#endif
