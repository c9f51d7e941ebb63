/*
 * od [-abcdfhilovxs] [-t TYPE]... [-A RADIX] [-N SIZE] [-j SKIP] [-w WIDTH] [FILE...]
 * hexdump [-bcCdovx] [-n LENGTH] [-s OFFSET] [FILE...]
 *
 * Dumps bytes in the formats of BusyBox's od (coreutils-compatible) and
 * hexdump. Lines equal to the previous one are shown as "*" unless -v.
 */
#include <ctype.h>
#include "../libbb.h"

/* One output format: how many bytes per element and how to print one. */
struct fmt {
  char kind; /* a c d u o x f */
  int size;
  const char *pad; /* hexdump: text before each element */
};

static struct fmt fmts[16];
static int nfmts;

static const char *const named[] = {"nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl",
                                    "vt",  "ff",  "cr",  "so",  "si",  "dle", "dc1", "dc2", "dc3", "dc4", "nak",
                                    "syn", "etb", "can", "em",  "sub", "esc", "fs",  "gs",  "rs",  "us",  "sp"};

static unsigned long long load(const unsigned char *p, int size) {
  unsigned long long v = 0;
  for (int i = size - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static long long sign_extend(unsigned long long v, int size) {
  if (size >= 8) return (long long)v;
  unsigned long long sign = 1ULL << (size * 8 - 1);
  return (long long)((v ^ sign) - sign);
}

static void print_char(unsigned char c, int hexdump_style) {
  static const char esc_from[] = "\0\a\b\f\n\r\t\v";
  static const char *const esc_to[] = {"\\0", "\\a", "\\b", "\\f", "\\n", "\\r", "\\t", "\\v"};
  for (int i = 0; i < 8; i++) {
    if (c == (unsigned char)esc_from[i]) {
      printf(" %3s", esc_to[i]);
      return;
    }
  }
  if (c >= 32 && c < 127) printf(" %3c", c);
  else printf(" %03o", c);
  (void)hexdump_style;
}

/* od: the element of type f at p. */
static void print_od_elem(const struct fmt *f, const unsigned char *p) {
  unsigned long long v = load(p, f->size);
  switch (f->kind) {
    case 'a': {
      unsigned c = p[0] & 0x7f;
      if (c <= 32) printf(" %3s", named[c]);
      else if (c == 127) printf(" %3s", "del");
      else printf(" %3c", c);
      break;
    }
    case 'c':
      print_char(p[0], 0);
      break;
    case 'd': {
      static const int w[] = {0, 4, 6, 0, 11, 0, 0, 0, 20};
      printf(" %*lld", w[f->size], sign_extend(v, f->size));
      break;
    }
    case 'u': {
      static const int w[] = {0, 3, 5, 0, 10, 0, 0, 0, 20};
      printf(" %*llu", w[f->size], v);
      break;
    }
    case 'o': {
      static const int w[] = {0, 3, 6, 0, 11, 0, 0, 0, 22};
      printf(" %0*llo", w[f->size], v);
      break;
    }
    case 'x':
      printf(" %0*llx", f->size * 2, v);
      break;
    case 'f':
      if (f->size == 4) {
        float x;
        uint32_t u = (uint32_t)v;
        memcpy(&x, &u, 4);
        printf(" %15.7e", (double)x);
      } else {
        double x;
        memcpy(&x, &v, 8);
        printf(" %24.16e", x);
      }
      break;
  }
}

static void add_fmt(char kind, int size) {
  if (nfmts >= (int)ARRAY_SIZE(fmts)) bb_error_msg_and_die("too many formats");
  fmts[nfmts].kind = kind;
  fmts[nfmts].size = size;
  nfmts++;
}

/* "-t x1", "-t d4", "-t c", "-t fF"... */
static void parse_type(const char *t) {
  while (*t) {
    char kind = *t++;
    int size;
    switch (kind) {
      case 'a':
      case 'c':
        add_fmt(kind, 1);
        continue;
      case 'd':
      case 'u':
      case 'o':
      case 'x':
        size = 4;
        if (*t == 'C') size = 1, t++;
        else if (*t == 'S') size = 2, t++;
        else if (*t == 'I') size = 4, t++;
        else if (*t == 'L') size = 8, t++;
        else if (bb_isdigit((unsigned char)*t)) size = (int)strtol(t, (char **)&t, 10);
        if (size != 1 && size != 2 && size != 4 && size != 8) bb_error_msg_and_die("invalid type string '%s'", t);
        add_fmt(kind, size);
        continue;
      case 'f':
        size = 8;
        if (*t == 'F') size = 4, t++;
        else if (*t == 'D' || *t == 'L') size = 8, t++;
        else if (bb_isdigit((unsigned char)*t)) size = (int)strtol(t, (char **)&t, 10);
        if (size != 4 && size != 8) bb_error_msg_and_die("invalid type string '%s'", t);
        add_fmt('f', size);
        continue;
      default:
        bb_error_msg_and_die("invalid character '%c' in type string '%s'", kind, t - 1);
    }
  }
}

/* Reads the inputs as one stream. */
struct stream {
  char **files;
  int fd;
  int status;
};

static size_t read_stream(struct stream *s, unsigned char *buf, size_t want) {
  size_t got = 0;
  while (got < want) {
    if (s->fd < 0) {
      if (!*s->files) break;
      const char *f = *s->files++;
      s->fd = strcmp(f, "-") == 0 ? 0 : open(f, O_RDONLY);
      if (s->fd < 0) {
        bb_perror_msg("%s", f);
        s->status = 1;
        continue;
      }
    }
    ssize_t n = safe_read(s->fd, buf + got, want - got);
    if (n <= 0) {
      if (s->fd > 0) close(s->fd);
      s->fd = -1;
      continue;
    }
    got += (size_t)n;
  }
  return got;
}

static void skip_stream(struct stream *s, unsigned long long skip, const char *name) {
  unsigned char buf[4096];
  while (skip > 0) {
    size_t n = read_stream(s, buf, skip < sizeof buf ? (size_t)skip : sizeof buf);
    if (n == 0) bb_error_msg_and_die("%s: skip past end of combined input", name);
    skip -= n;
  }
}

int od_main(int argc, char **argv) {
  char *radix = 0, *limit_s = 0, *skip_s = 0, *width_s = 0;
  llist *types = 0;
  /* bits: a0 b1 c2 d3 f4 h5 i6 l7 o8 v9 x10 s11 t12 A13 N14 j15 w16 S17 */
  unsigned opt = getopt32(argv, "abcdfhilovxst*A:N:j:w:S:", &types, &radix, &limit_s, &skip_s, &width_s, (char **)0);
  if (opt & 1) add_fmt('a', 1);
  if (opt & 2) add_fmt('o', 1);
  if (opt & 4) add_fmt('c', 1);
  if (opt & 8) add_fmt('u', 2);
  if (opt & 16) add_fmt('f', 4);
  if (opt & 32) add_fmt('x', 2);
  if (opt & 64) add_fmt('d', 2);
  if (opt & 128) add_fmt('d', 4);
  if (opt & 256) add_fmt('o', 2);
  if (opt & 1024) add_fmt('x', 2);
  if (opt & 2048) add_fmt('d', 2);
  for (llist *t = types; t; t = t->next) parse_type(t->data);
  if (nfmts == 0) add_fmt('o', 2);
  char rad = radix ? radix[0] : 'o';
  if (!strchr("odxn", rad) || (radix && radix[1])) bb_error_msg_and_die("bad output address radix '%s'", radix);
  unsigned long long limit = limit_s ? xatoull_sfx(limit_s, kmg_suffixes) : ULLONG_MAX;
  unsigned long long skip = skip_s ? xatoull_sfx(skip_s, kmg_suffixes) : 0;
  int width = width_s ? xatoi_positive(width_s) : 16;
  int maxsize = 1;
  for (int i = 0; i < nfmts; i++) {
    if (fmts[i].size > maxsize) maxsize = fmts[i].size;
  }
  if (width <= 0 || width % maxsize) width = 16;
  argv += optind;
  char *stdin_only[] = {"-", 0};
  struct stream s = {argv[0] ? argv : stdin_only, -1, 0};
  if (skip) skip_stream(&s, skip, argv[0] ? argv[0] : "-");
  unsigned long long addr = skip;
  unsigned char *buf = xmalloc((size_t)width + 8), *prev = xmalloc((size_t)width + 8);
  int have_prev = 0, starred = 0;
  const char *addr_fmt = rad == 'o' ? "%07llo" : rad == 'd' ? "%07llu" : rad == 'x' ? "%06llx" : 0;
  for (;;) {
    size_t want = (size_t)width;
    if (limit - (addr - skip) < want) want = (size_t)(limit - (addr - skip));
    if (want == 0) break;
    memset(buf, 0, (size_t)width + 8);
    size_t n = read_stream(&s, buf, want);
    if (n == 0) break;
    if (!(opt & 512) && have_prev && n == (size_t)width && memcmp(buf, prev, (size_t)width) == 0) {
      if (!starred) puts("*");
      starred = 1;
      addr += n;
      continue;
    }
    starred = 0;
    for (int f = 0; f < nfmts; f++) {
      if (f == 0) {
        if (addr_fmt) printf(addr_fmt, addr);
      } else if (addr_fmt) {
        printf("%*s", rad == 'x' ? 6 : 7, "");
      }
      for (size_t i = 0; i < n; i += (size_t)fmts[f].size) print_od_elem(&fmts[f], buf + i);
      putchar('\n');
    }
    memcpy(prev, buf, (size_t)width);
    have_prev = 1;
    addr += n;
    if (n < want) break;
  }
  if (addr_fmt) {
    printf(addr_fmt, addr);
    putchar('\n');
  }
  if (fflush_all()) return 1;
  return s.status;
}

int hexdump_main(int argc, char **argv) {
  char *len_s = 0, *off_s = 0;
  /* bits: b0 c1 C2 d3 o4 v5 x6 n7 s8 */
  unsigned opt = getopt32(argv, "bcCdovxn:s:", &len_s, &off_s);
  unsigned long long limit = len_s ? xatoull_sfx(len_s, kmg_suffixes) : ULLONG_MAX;
  unsigned long long skip = off_s ? xatoull_sfx(off_s, kmg_suffixes) : 0;
  argv += optind;
  char *stdin_only[] = {"-", 0};
  struct stream s = {argv[0] ? argv : stdin_only, -1, 0};
  if (skip) {
    if (!argv[0]) {
      errno = ESPIPE;
      bb_perror_msg_and_die("stdin");
    }
    skip_stream(&s, skip, argv[0]);
  }
  /* The formats, in the order given ("-C" alone is canonical). */
  char modes[8];
  int nmodes = 0;
  for (int b = 0; b <= 6; b++) {
    if (b == 5) continue;
    if (opt & (1u << b)) modes[nmodes++] = "bcCdovx"[b];
  }
  if (nmodes == 0) modes[nmodes++] = 'X'; /* the default: " %04x" words */
  unsigned long long addr = skip;
  unsigned char buf[16], prev[16];
  int have_prev = 0, starred = 0;
  for (;;) {
    size_t want = 16;
    if (limit - (addr - skip) < want) want = (size_t)(limit - (addr - skip));
    if (want == 0) break;
    memset(buf, 0, sizeof buf);
    size_t n = read_stream(&s, buf, want);
    if (n == 0) break;
    if (!(opt & 32) && have_prev && n == 16 && memcmp(buf, prev, 16) == 0) {
      if (!starred) puts("*");
      starred = 1;
      addr += n;
      continue;
    }
    starred = 0;
    for (int m = 0; m < nmodes; m++) {
      char mode = modes[m];
      if (mode == 'C') {
        printf("%08llx ", addr);
        for (size_t i = 0; i < 16; i++) {
          if (i == 8) putchar(' ');
          if (i < n) printf(" %02x", buf[i]);
          else printf("   ");
        }
        printf("  |");
        for (size_t i = 0; i < n; i++) putchar(buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
        puts("|");
        continue;
      }
      printf("%07llx", addr);
      int per = (mode == 'b' || mode == 'c') ? 1 : 2;
      int fieldw = mode == 'X' ? 5 : (mode == 'b' || mode == 'c') ? 4 : 8;
      for (size_t i = 0; i < 16; i += (size_t)per) {
        if (i >= n) {
          printf("%*s", fieldw, "");
          continue;
        }
        unsigned v = per == 2 ? (unsigned)(buf[i] | buf[i + 1] << 8) : buf[i];
        switch (mode) {
          case 'X': printf(" %04x", v); break;
          case 'x': printf("    %04x", v); break;
          case 'd': printf("   %05u", v); break;
          case 'o': printf("  %06o", v); break;
          case 'b': printf(" %03o", v); break;
          case 'c': print_char((unsigned char)v, 1); break;
        }
      }
      putchar('\n');
    }
    memcpy(prev, buf, 16);
    have_prev = 1;
    addr += n;
    if (n < want) break;
  }
  if (addr > skip || nmodes > 1 || modes[0] != 'C') {
    if (addr > skip) printf(modes[0] == 'C' ? "%08llx\n" : "%07llx\n", addr);
  }
  if (fflush_all()) return 1;
  return s.status;
}
