/*
 * deflate.c: a DEFLATE encoder (RFC 1951) and the gzip wrapper (RFC 1952).
 * LZ77 over a 32 KiB window with hash chains (the chain length grows with the
 * level), then per block of up to 32 Ki symbols the smallest of dynamic
 * Huffman codes (lengths limited to 15 by halving frequencies until they
 * fit), the fixed codes, or stored blocks. Written from the RFC; any inflater reads it.
 */
#include "gzip.h"

#include <string.h>

enum { WSIZE = 32768, HASH_BITS = 15, HASH_SIZE = 1 << HASH_BITS, MIN_MATCH = 3, MAX_MATCH = 258, BLOCK_SYMBOLS = 32768 };

struct bitwriter {
  struct outbuf *out;
  uint64_t buf;
  int count;
};

static void put_bits(struct bitwriter *w, uint32_t value, int n) {
  w->buf |= (uint64_t)value << w->count;
  w->count += n;
  while (w->count >= 8) {
    outbuf_putc(w->out, (uint8_t)w->buf);
    w->buf >>= 8;
    w->count -= 8;
  }
}

static void flush_bits(struct bitwriter *w) {
  if (w->count > 0) outbuf_putc(w->out, (uint8_t)w->buf);
  w->buf = 0;
  w->count = 0;
}

/* ---------------------------------------------------------------- Huffman code lengths */

struct node {
  uint32_t freq;
  int left, right; /* -1 for leaves */
  int symbol;
};

static void depths(const struct node *nodes, int i, int depth, uint8_t *lengths) {
  if (nodes[i].left < 0) {
    lengths[nodes[i].symbol] = (uint8_t)(depth ? depth : 1);
    return;
  }
  depths(nodes, nodes[i].left, depth + 1, lengths);
  depths(nodes, nodes[i].right, depth + 1, lengths);
}

/* Huffman code lengths for freq[0..n), none longer than `limit`. Unused symbols get 0. */
static void build_lengths(const uint32_t *freq_in, int n, int limit, uint8_t *lengths) {
  uint32_t freq[320];
  memcpy(freq, freq_in, sizeof(uint32_t) * (size_t)n);
  /* At least two symbols, so the code is complete. */
  int used = 0;
  for (int i = 0; i < n; i++) used += freq[i] != 0;
  for (int i = 0; used < 2 && i < n; i++) {
    if (!freq[i]) {
      freq[i] = 1;
      used++;
    }
  }
  for (;;) {
    struct node nodes[640];
    int heap[320];
    int nn = 0, hn = 0;
    memset(lengths, 0, (size_t)n);
    for (int i = 0; i < n; i++) {
      if (!freq[i]) continue;
      nodes[nn] = (struct node){freq[i], -1, -1, i};
      /* push */
      int k = hn++;
      heap[k] = nn;
      while (k > 0 && nodes[heap[(k - 1) / 2]].freq > nodes[heap[k]].freq) {
        int t = heap[k];
        heap[k] = heap[(k - 1) / 2];
        heap[(k - 1) / 2] = t;
        k = (k - 1) / 2;
      }
      nn++;
    }
    while (hn > 1) {
      int two[2];
      for (int t = 0; t < 2; t++) {
        two[t] = heap[0];
        heap[0] = heap[--hn];
        int k = 0;
        for (;;) {
          int l = 2 * k + 1, r = l + 1, m = k;
          if (l < hn && nodes[heap[l]].freq < nodes[heap[m]].freq) m = l;
          if (r < hn && nodes[heap[r]].freq < nodes[heap[m]].freq) m = r;
          if (m == k) break;
          int tmp = heap[k];
          heap[k] = heap[m];
          heap[m] = tmp;
          k = m;
        }
      }
      nodes[nn] = (struct node){nodes[two[0]].freq + nodes[two[1]].freq, two[0], two[1], -1};
      int k = hn++;
      heap[k] = nn;
      while (k > 0 && nodes[heap[(k - 1) / 2]].freq > nodes[heap[k]].freq) {
        int t = heap[k];
        heap[k] = heap[(k - 1) / 2];
        heap[(k - 1) / 2] = t;
        k = (k - 1) / 2;
      }
      nn++;
    }
    depths(nodes, heap[0], 0, lengths);
    int max = 0;
    for (int i = 0; i < n; i++) {
      if (lengths[i] > max) max = lengths[i];
    }
    if (max <= limit) return;
    /* Too deep: flatten the distribution and try again. */
    for (int i = 0; i < n; i++) {
      if (freq[i]) freq[i] = (freq[i] + 1) / 2;
    }
  }
}

/* Canonical codes (bit-reversed, ready to be written LSB first). */
static void make_codes(const uint8_t *lengths, int n, uint16_t *codes) {
  int count[16] = {0};
  for (int i = 0; i < n; i++) count[lengths[i]]++;
  count[0] = 0;
  int next[16];
  int code = 0;
  for (int len = 1; len < 16; len++) {
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  for (int i = 0; i < n; i++) {
    int len = lengths[i];
    if (!len) continue;
    int c = next[len]++;
    int r = 0;
    for (int b = 0; b < len; b++) r |= ((c >> b) & 1) << (len - 1 - b);
    codes[i] = (uint16_t)r;
  }
}

/* ---------------------------------------------------------------- symbols */

static const uint16_t len_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                      35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
                                       193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static int len_code(unsigned len) {
  int c = 28;
  while (len_base[c] > len) c--;
  return c;
}

static int dist_code(unsigned d) {
  int c = 29;
  while (dist_base[c] > d) c--;
  return c;
}

struct symbol {
  uint16_t lit_or_len; /* < 256 literal; else match length */
  uint16_t dist;       /* 0 for literals */
};

static void write_stored(struct bitwriter *w, const uint8_t *data, size_t len, int last) {
  do {
    size_t n = len > 65535 ? 65535 : len;
    int final = last && n == len;
    put_bits(w, final ? 1 : 0, 1);
    put_bits(w, 0, 2);
    flush_bits(w);
    outbuf_putc(w->out, (uint8_t)n);
    outbuf_putc(w->out, (uint8_t)(n >> 8));
    outbuf_putc(w->out, (uint8_t)~n);
    outbuf_putc(w->out, (uint8_t)(~n >> 8));
    outbuf_append(w->out, data, n);
    data += n;
    len -= n;
  } while (len > 0);
}

/* Writes one block of symbols covering raw[0..rawlen), dynamic Huffman or stored, whichever is smaller. */
static void write_block(struct bitwriter *w, const struct symbol *syms, size_t nsyms, const uint8_t *raw, size_t rawlen, int last) {
  uint32_t lfreq[286] = {0}, dfreq[30] = {0};
  for (size_t i = 0; i < nsyms; i++) {
    if (syms[i].dist == 0) {
      lfreq[syms[i].lit_or_len]++;
    } else {
      lfreq[257 + len_code(syms[i].lit_or_len)]++;
      dfreq[dist_code(syms[i].dist)]++;
    }
  }
  lfreq[256] = 1;
  uint8_t llen[286], dlen[30];
  build_lengths(lfreq, 286, 15, llen);
  build_lengths(dfreq, 30, 15, dlen);
  int hlit = 286;
  while (hlit > 257 && !llen[hlit - 1]) hlit--;
  int hdist = 30;
  while (hdist > 1 && !dlen[hdist - 1]) hdist--;
  /* Run-length encode the code lengths. */
  uint8_t all[316];
  memcpy(all, llen, (size_t)hlit);
  memcpy(all + hlit, dlen, (size_t)hdist);
  int total = hlit + hdist;
  uint8_t rle_sym[316], rle_extra[316];
  int nrle = 0;
  for (int i = 0; i < total;) {
    int run = 1;
    while (i + run < total && all[i + run] == all[i]) run++;
    if (all[i] == 0 && run >= 3) {
      int r = run > 138 ? 138 : run;
      if (r >= 11) {
        rle_sym[nrle] = 18;
        rle_extra[nrle++] = (uint8_t)(r - 11);
      } else {
        rle_sym[nrle] = 17;
        rle_extra[nrle++] = (uint8_t)(r - 3);
      }
      i += r;
    } else if (all[i] != 0 && run >= 4) {
      rle_sym[nrle] = all[i];
      rle_extra[nrle++] = 0;
      int r = run - 1 > 6 ? 6 : run - 1;
      rle_sym[nrle] = 16;
      rle_extra[nrle++] = (uint8_t)(r - 3);
      i += 1 + r;
    } else {
      rle_sym[nrle] = all[i];
      rle_extra[nrle++] = 0;
      i++;
    }
  }
  uint32_t cfreq[19] = {0};
  for (int i = 0; i < nrle; i++) cfreq[rle_sym[i]]++;
  uint8_t clen[19];
  build_lengths(cfreq, 19, 7, clen);
  static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  int hclen = 19;
  while (hclen > 4 && !clen[order[hclen - 1]]) hclen--;
  /* Size of the dynamic block in bits, to compare with stored. */
  uint64_t bits = 3 + 5 + 5 + 4 + 3 * (uint64_t)hclen;
  for (int i = 0; i < nrle; i++) bits += clen[rle_sym[i]] + (rle_sym[i] == 16 ? 2 : rle_sym[i] == 17 ? 3 : rle_sym[i] == 18 ? 7 : 0);
  for (int i = 0; i < 286; i++) bits += (uint64_t)lfreq[i] * llen[i];
  for (int i = 0; i < 29; i++) bits += (uint64_t)lfreq[257 + i] * len_extra[i];
  for (int i = 0; i < 30; i++) bits += (uint64_t)dfreq[i] * (dlen[i] + dist_extra[i]);
  uint64_t stored_bits = ((uint64_t)rawlen + 5 * (rawlen / 65535 + 1)) * 8 + 8;
  /* Fixed codes: literals 0-143 8 bits, 144-255 9, 256-279 7, 280-287 8; distances 5. */
  uint8_t fl[288], fd[30];
  for (int i = 0; i < 288; i++) fl[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
  for (int i = 0; i < 30; i++) fd[i] = 5;
  uint64_t fixed_bits = 3;
  for (int i = 0; i < 286; i++) fixed_bits += (uint64_t)lfreq[i] * fl[i];
  for (int i = 0; i < 29; i++) fixed_bits += (uint64_t)lfreq[257 + i] * len_extra[i];
  for (int i = 0; i < 30; i++) fixed_bits += (uint64_t)dfreq[i] * (5 + dist_extra[i]);
  if (stored_bits < bits && stored_bits < fixed_bits) {
    write_stored(w, raw, rawlen, last);
    return;
  }
  int fixed = fixed_bits <= bits;
  uint16_t lcode[288], dcode[30], ccode[19];
  if (fixed) {
    memcpy(llen, fl, 286);
    memcpy(dlen, fd, 30);
    make_codes(fl, 288, lcode);
    make_codes(fd, 30, dcode);
    put_bits(w, last ? 1 : 0, 1);
    put_bits(w, 1, 2);
    goto symbols;
  }
  make_codes(llen, 286, lcode);
  make_codes(dlen, 30, dcode);
  make_codes(clen, 19, ccode);
  put_bits(w, last ? 1 : 0, 1);
  put_bits(w, 2, 2);
  put_bits(w, (uint32_t)(hlit - 257), 5);
  put_bits(w, (uint32_t)(hdist - 1), 5);
  put_bits(w, (uint32_t)(hclen - 4), 4);
  for (int i = 0; i < hclen; i++) put_bits(w, clen[order[i]], 3);
  for (int i = 0; i < nrle; i++) {
    put_bits(w, ccode[rle_sym[i]], clen[rle_sym[i]]);
    if (rle_sym[i] == 16) put_bits(w, rle_extra[i], 2);
    else if (rle_sym[i] == 17) put_bits(w, rle_extra[i], 3);
    else if (rle_sym[i] == 18) put_bits(w, rle_extra[i], 7);
  }
symbols:
  for (size_t i = 0; i < nsyms; i++) {
    if (syms[i].dist == 0) {
      put_bits(w, lcode[syms[i].lit_or_len], llen[syms[i].lit_or_len]);
      continue;
    }
    int lc = len_code(syms[i].lit_or_len);
    put_bits(w, lcode[257 + lc], llen[257 + lc]);
    put_bits(w, (uint32_t)(syms[i].lit_or_len - len_base[lc]), len_extra[lc]);
    int dc = dist_code(syms[i].dist);
    put_bits(w, dcode[dc], dlen[dc]);
    put_bits(w, (uint32_t)(syms[i].dist - dist_base[dc]), dist_extra[dc]);
  }
  put_bits(w, lcode[256], llen[256]);
}

void deflate_buffer(const uint8_t *in, size_t len, int level, struct outbuf *out) {
  struct bitwriter w = {out, 0, 0};
  if (level <= 0) {
    write_stored(&w, in, len, 1);
    return;
  }
  int max_chain = level >= 9 ? 1024 : level >= 6 ? 128 : level >= 4 ? 32 : 8;
  int32_t *head = xmalloc(sizeof(int32_t) * HASH_SIZE);
  int32_t *prev = xmalloc(sizeof(int32_t) * WSIZE);
  for (int i = 0; i < HASH_SIZE; i++) head[i] = -1;
  struct symbol *syms = xmalloc(sizeof *syms * BLOCK_SYMBOLS);
  size_t nsyms = 0, block_start = 0;
  size_t pos = 0;
#define HASH(p) ((((uint32_t)in[p] << 10) ^ ((uint32_t)in[(p) + 1] << 5) ^ in[(p) + 2]) & (HASH_SIZE - 1))
  while (pos < len) {
    unsigned best_len = 0, best_dist = 0;
    if (pos + MIN_MATCH <= len) {
      uint32_t h = HASH(pos);
      int32_t cand = head[h];
      int chain = max_chain;
      size_t maxlen = len - pos < MAX_MATCH ? len - pos : MAX_MATCH;
      while (cand >= 0 && pos - (size_t)cand <= WSIZE - 1 && chain-- > 0) {
        const uint8_t *a = in + cand, *b = in + pos;
        if (a[best_len] == b[best_len] && a[0] == b[0]) {
          unsigned l = 0;
          while (l < maxlen && a[l] == b[l]) l++;
          if (l > best_len) {
            best_len = l;
            best_dist = (unsigned)(pos - (size_t)cand);
            if (l == maxlen) break;
          }
        }
        int32_t next = prev[cand & (WSIZE - 1)];
        if (next >= cand) break;
        cand = next;
      }
      prev[pos & (WSIZE - 1)] = head[h];
      head[h] = (int32_t)pos;
    }
    if (best_len >= MIN_MATCH) {
      syms[nsyms++] = (struct symbol){(uint16_t)best_len, (uint16_t)best_dist};
      /* Insert the matched positions into the hash chains. */
      for (size_t k = 1; k < best_len; k++) {
        size_t p = pos + k;
        if (p + MIN_MATCH <= len) {
          uint32_t h = HASH(p);
          prev[p & (WSIZE - 1)] = head[h];
          head[h] = (int32_t)p;
        }
      }
      pos += best_len;
    } else {
      syms[nsyms++] = (struct symbol){in[pos], 0};
      pos++;
    }
    if (nsyms == BLOCK_SYMBOLS) {
      write_block(&w, syms, nsyms, in + block_start, pos - block_start, pos == len);
      block_start = pos;
      nsyms = 0;
    }
  }
#undef HASH
  if (nsyms > 0 || len == 0) write_block(&w, syms, nsyms, in + block_start, pos - block_start, 1);
  flush_bits(&w);
  free(head);
  free(prev);
  free(syms);
}

void gzip_buffer(const uint8_t *in, size_t len, uint32_t mtime, int level, struct outbuf *out) {
  uint8_t header[10] = {0x1f, 0x8b, 8, 0, (uint8_t)mtime, (uint8_t)(mtime >> 8), (uint8_t)(mtime >> 16), (uint8_t)(mtime >> 24),
                        0 /* XFL, as BusyBox */, 3 /* Unix */};
  outbuf_append(out, header, sizeof header);
  deflate_buffer(in, len, level, out);
  uint32_t crc = crc32_update(0, in, len);
  uint8_t trailer[8] = {(uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16), (uint8_t)(crc >> 24),
                        (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)(len >> 16), (uint8_t)(len >> 24)};
  outbuf_append(out, trailer, sizeof trailer);
}
