/*
 * inflate.c: a DEFLATE decoder (RFC 1951: stored, fixed and dynamic Huffman
 * blocks) and the gzip container (RFC 1952: header fields, CRC-32 and size
 * trailer, concatenated members). Written from the RFCs; decoding uses
 * canonical Huffman tables walked one bit at a time per length (as zlib's
 * "puff" reference decoder does), which is simple and fast enough here.
 */
#include "gzip.h"

#include <string.h>

struct bits {
  const uint8_t *in;
  size_t len, pos;
  uint32_t buf;
  int count;
};

/* -1 at the end of the input. */
static int need(struct bits *s, int n) {
  while (s->count < n) {
    if (s->pos >= s->len) return -1;
    s->buf |= (uint32_t)s->in[s->pos++] << s->count;
    s->count += 8;
  }
  return 0;
}

static int getbits(struct bits *s, int n, unsigned *out) {
  if (n == 0) {
    *out = 0;
    return 0;
  }
  if (need(s, n) < 0) return -1;
  *out = s->buf & ((1u << n) - 1);
  s->buf >>= n;
  s->count -= n;
  return 0;
}

struct huffman {
  uint16_t count[16];  /* codes of each length */
  uint16_t symbol[320];/* symbols ordered by code */
};

/* Builds a decoding table from code lengths; -1 if over-subscribed. */
static int build(struct huffman *h, const uint8_t *lengths, int n) {
  memset(h->count, 0, sizeof h->count);
  for (int i = 0; i < n; i++) h->count[lengths[i]]++;
  if (h->count[0] == n) return 0;
  int left = 1;
  for (int len = 1; len < 16; len++) {
    left <<= 1;
    left -= h->count[len];
    if (left < 0) return -1;
  }
  uint16_t offs[16];
  offs[1] = 0;
  for (int len = 1; len < 15; len++) offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
  for (int i = 0; i < n; i++) {
    if (lengths[i]) h->symbol[offs[lengths[i]]++] = (uint16_t)i;
  }
  return left;
}

static int decode(struct bits *s, const struct huffman *h) {
  int code = 0, first = 0, index = 0;
  for (int len = 1; len < 16; len++) {
    unsigned bit;
    if (getbits(s, 1, &bit) < 0) return -1;
    code |= (int)bit;
    int count = h->count[len];
    if (code - count < first) return h->symbol[index + (code - first)];
    index += count;
    first += count;
    first <<= 1;
    code <<= 1;
  }
  return -2;
}

static const uint16_t len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                      35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
                                       193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static int codes(struct bits *s, struct outbuf *out, const struct huffman *lit, const struct huffman *dist) {
  for (;;) {
    int sym = decode(s, lit);
    if (sym < 0) return -1;
    if (sym < 256) {
      outbuf_putc(out, (uint8_t)sym);
      continue;
    }
    if (sym == 256) return 0;
    sym -= 257;
    if (sym >= 29) return -1;
    unsigned extra;
    if (getbits(s, len_extra[sym], &extra) < 0) return -1;
    size_t len = len_base[sym] + extra;
    int dsym = decode(s, dist);
    if (dsym < 0 || dsym >= 30) return -1;
    if (getbits(s, dist_extra[dsym], &extra) < 0) return -1;
    size_t d = dist_base[dsym] + extra;
    if (d > out->len - out->start) return -1;
    outbuf_reserve(out, len);
    uint8_t *p = out->data + out->len;
    const uint8_t *from = p - d;
    for (size_t i = 0; i < len; i++) p[i] = from[i];
    out->len += len;
  }
}

static int fixed_tables(struct huffman *lit, struct huffman *dist) {
  uint8_t lengths[288];
  int i = 0;
  for (; i < 144; i++) lengths[i] = 8;
  for (; i < 256; i++) lengths[i] = 9;
  for (; i < 280; i++) lengths[i] = 7;
  for (; i < 288; i++) lengths[i] = 8;
  build(lit, lengths, 288);
  for (i = 0; i < 30; i++) lengths[i] = 5;
  build(dist, lengths, 30);
  return 0;
}

static int dynamic(struct bits *s, struct outbuf *out) {
  static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  unsigned nlen, ndist, ncode;
  if (getbits(s, 5, &nlen) < 0 || getbits(s, 5, &ndist) < 0 || getbits(s, 4, &ncode) < 0) return -1;
  nlen += 257;
  ndist += 1;
  ncode += 4;
  if (nlen > 286 || ndist > 30) return -1;
  uint8_t lengths[320];
  memset(lengths, 0, sizeof lengths);
  for (unsigned i = 0; i < ncode; i++) {
    unsigned v;
    if (getbits(s, 3, &v) < 0) return -1;
    lengths[order[i]] = (uint8_t)v;
  }
  struct huffman lencode, lit, dist;
  if (build(&lencode, lengths, 19) != 0) return -1;
  unsigned index = 0;
  while (index < nlen + ndist) {
    int sym = decode(s, &lencode);
    if (sym < 0) return -1;
    if (sym < 16) {
      lengths[index++] = (uint8_t)sym;
      continue;
    }
    uint8_t len = 0;
    unsigned rep;
    if (sym == 16) {
      if (index == 0) return -1;
      len = lengths[index - 1];
      if (getbits(s, 2, &rep) < 0) return -1;
      rep += 3;
    } else if (sym == 17) {
      if (getbits(s, 3, &rep) < 0) return -1;
      rep += 3;
    } else {
      if (getbits(s, 7, &rep) < 0) return -1;
      rep += 11;
    }
    if (index + rep > nlen + ndist) return -1;
    while (rep--) lengths[index++] = len;
  }
  if (lengths[256] == 0) return -1;
  int err = build(&lit, lengths, (int)nlen);
  if (err < 0 || (err > 0 && nlen - lit.count[0] != 1)) return -1;
  err = build(&dist, lengths + nlen, (int)ndist);
  if (err < 0 || (err > 0 && ndist - dist.count[0] != 1)) return -1;
  return codes(s, out, &lit, &dist);
}

long inflate_raw(const uint8_t *in, size_t len, struct outbuf *out) {
  struct bits s = {in, len, 0, 0, 0};
  out->start = out->len;
  unsigned last;
  do {
    unsigned type;
    if (getbits(&s, 1, &last) < 0 || getbits(&s, 2, &type) < 0) return -1;
    if (type == 0) {
      /* Stored: byte aligned LEN, NLEN, then the bytes. */
      s.buf = 0;
      s.count = 0;
      if (s.pos + 4 > s.len) return -1;
      unsigned n = in[s.pos] | in[s.pos + 1] << 8;
      unsigned nn = in[s.pos + 2] | in[s.pos + 3] << 8;
      s.pos += 4;
      if ((n ^ 0xffff) != nn || s.pos + n > s.len) return -1;
      outbuf_append(out, in + s.pos, n);
      s.pos += n;
    } else if (type == 1) {
      struct huffman lit, dist;
      fixed_tables(&lit, &dist);
      if (codes(&s, out, &lit, &dist) < 0) return -1;
    } else if (type == 2) {
      if (dynamic(&s, out) < 0) return -1;
    } else {
      return -1;
    }
  } while (!last);
  /* Unused whole bytes of the bit buffer go back to the input. */
  return (long)(s.pos - (size_t)(s.count / 8));
}

int gunzip_buffer(const uint8_t *in, size_t len, struct outbuf *out, const char **err) {
  size_t pos = 0;
  int members = 0;
  while (pos < len) {
    const uint8_t *h = in + pos;
    size_t left = len - pos;
    if (left < 18 || h[0] != 0x1f || h[1] != 0x8b) {
      if (members > 0 && h[0] == 0) return 0; /* trailing zero padding */
      *err = members == 0 ? "invalid magic" : "trailing garbage ignored";
      return members == 0 ? -1 : 0;
    }
    if (h[2] != 8) {
      *err = "unknown compression method";
      return -1;
    }
    unsigned flags = h[3];
    size_t p = 10;
    if (flags & 4) {
      if (p + 2 > left) goto corrupt;
      p += 2 + (h[p] | h[p + 1] << 8);
    }
    if (flags & 8) {
      while (p < left && h[p]) p++;
      p++;
    }
    if (flags & 16) {
      while (p < left && h[p]) p++;
      p++;
    }
    if (flags & 2) p += 2;
    if (p > left) goto corrupt;
    size_t before = out->len;
    long used = inflate_raw(h + p, left - p, out);
    if (used < 0) goto corrupt;
    p += (size_t)used;
    if (p + 8 > left) goto corrupt;
    uint32_t crc = (uint32_t)h[p] | (uint32_t)h[p + 1] << 8 | (uint32_t)h[p + 2] << 16 | (uint32_t)h[p + 3] << 24;
    uint32_t size = (uint32_t)h[p + 4] | (uint32_t)h[p + 5] << 8 | (uint32_t)h[p + 6] << 16 | (uint32_t)h[p + 7] << 24;
    if (crc32_update(0, out->data + before, out->len - before) != crc) {
      *err = "crc error";
      return -1;
    }
    if ((uint32_t)(out->len - before) != size) {
      *err = "length error";
      return -1;
    }
    pos += p + 8;
    members++;
  }
  return 0;
corrupt:
  *err = "corrupted data";
  return -1;
}

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n) {
  static uint32_t table[256];
  if (!table[1]) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  }
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

void outbuf_reserve(struct outbuf *o, size_t n) {
  if (o->len + n <= o->cap) return;
  size_t cap = o->cap ? o->cap : 65536;
  while (cap < o->len + n) cap *= 2;
  o->data = xrealloc(o->data, cap);
  o->cap = cap;
}

void outbuf_append(struct outbuf *o, const void *p, size_t n) {
  outbuf_reserve(o, n);
  memcpy(o->data + o->len, p, n);
  o->len += n;
}

void outbuf_putc(struct outbuf *o, uint8_t c) {
  if (o->len == o->cap) outbuf_reserve(o, 1);
  o->data[o->len++] = c;
}
