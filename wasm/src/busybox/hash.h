/* hash.h: MD5, SHA-1 and SHA-256 (hash.c). */
#ifndef BUSYBOX_HASH_H
#define BUSYBOX_HASH_H
#include <stddef.h>
#include <stdint.h>

enum hash_kind { HASH_MD5, HASH_SHA1, HASH_SHA256 };

struct hash_ctx {
  enum hash_kind kind;
  uint32_t h[8];
  uint8_t buf[64];
  size_t buffered;
  uint64_t total;
  int digest_len; /* 16, 20 or 32 bytes */
};

void hash_init(struct hash_ctx *c, enum hash_kind kind);
void hash_update(struct hash_ctx *c, const void *data, size_t len);
/* Writes digest_len bytes to out; the context is then spent. */
void hash_final(struct hash_ctx *c, uint8_t *out);
#endif
