/*
 * sort [-nrugMcszbdfiVh] [-o FILE] [-k START[.OFS][OPTS][,END[.OFS][OPTS]]] [-t CHAR] [FILE...]
 *
 * BusyBox's sort: lines compared by keys (default: the whole line) with
 * strcmp, strtod (-n), general numbers (-g), months (-M) or versions (-V),
 * then, unless -s, by the whole line. Keys are cut as BusyBox cuts them
 * (an END.OFS counts from the start of the line, as in BusyBox). The sort is
 * a stable merge sort over an array of line pointers.
 */
#include <ctype.h>
#include <math.h>
#include "../libbb.h"

enum {
  FLAG_n = 1 << 0,
  FLAG_r = 1 << 1,
  FLAG_u = 1 << 2,
  FLAG_g = 1 << 3,
  FLAG_M = 1 << 4,
  FLAG_c = 1 << 5,
  FLAG_s = 1 << 6,
  FLAG_z = 1 << 7,
  FLAG_b = 1 << 8,
  FLAG_d = 1 << 9,
  FLAG_f = 1 << 10,
  FLAG_i = 1 << 11,
  FLAG_V = 1 << 12,
  FLAG_h = 1 << 13,
  FLAG_o = 1 << 14,
  FLAG_k = 1 << 15,
  FLAG_t = 1 << 16,
  FLAG_bb = 1 << 20, /* trailing blanks of a key end (key option 'b' on END) */
};

struct sort_key {
  unsigned range[4]; /* start field, start char, end field, end char (0 = not given) */
  unsigned flags;
  struct sort_key *next;
};

static unsigned global_flags;
static struct sort_key *keys;
static char separator;

struct line {
  char *text;
  size_t len;
};

/* Cuts the key out of `s` (copied into *buf when it must be changed); returns its start and sets *klen. */
static const char *get_key(const char *s, size_t len, const struct sort_key *key, unsigned flags, strbuf *buf, size_t *klen) {
  if (key->range[0] == 1 && !key->range[1] && !key->range[2] && !key->range[3] &&
      !(flags & (FLAG_b | FLAG_d | FLAG_f | FLAG_i | FLAG_bb))) {
    *klen = len;
    return s;
  }
  size_t start = 0, end = 0;
  for (int j = 0; j < 2; j++) {
    if (!key->range[2 * j]) {
      end = len;
    } else {
      unsigned char ch = 0;
      end = 0;
      for (unsigned i = 1; i < key->range[2 * j] + (unsigned)j; i++) {
        if (separator) {
          while (end < len) {
            ch = (unsigned char)s[end];
            end++;
            if (ch == (unsigned char)separator) break;
          }
          if (end >= len) ch = 0, end = len;
        } else {
          while (end < len && (s[end] == ' ' || s[end] == '\t')) end++;
          while (end < len && s[end] != ' ' && s[end] != '\t') end++;
        }
      }
      if (j && ch) end--;
    }
    if (!j) start = end;
  }
  if (flags & FLAG_b) {
    while (start < len && (s[start] == ' ' || s[start] == '\t')) start++;
  }
  if (flags & FLAG_bb) {
    while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t')) end--;
  }
  if (key->range[3]) {
    end = key->range[3];
    if (end > len) end = len;
  }
  if (key->range[1]) {
    start += key->range[1] - 1;
    if (start > len) start = len;
  }
  if (end < start) end = start;
  if (!(flags & (FLAG_d | FLAG_i | FLAG_f))) {
    *klen = end - start;
    return s + start;
  }
  buf->len = 0;
  for (size_t i = start; i < end; i++) {
    unsigned char c = (unsigned char)s[i];
    if ((flags & FLAG_d) && !(isspace(c) || isalnum(c))) continue;
    if ((flags & FLAG_i) && !(c >= 0x20 && c < 0x7f)) continue;
    if (flags & FLAG_f) c = (unsigned char)toupper(c);
    sb_putc(buf, (char)c);
  }
  sb_str(buf);
  *klen = buf->len;
  return buf->data;
}

static int bytes_cmp(const char *a, size_t al, const char *b, size_t bl) {
  size_t n = al < bl ? al : bl;
  int r = memcmp(a, b, n);
  if (r) return r;
  return al < bl ? -1 : al > bl;
}

static double to_double(const char *s, size_t len, int *ok) {
  char tmp[128];
  if (len >= sizeof tmp) len = sizeof tmp - 1;
  memcpy(tmp, s, len);
  tmp[len] = 0;
  char *end;
  double v = strtod(tmp, &end);
  *ok = end != tmp;
  return v;
}

static int month_of(const char *s, size_t len) {
  static const char months[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  size_t i = 0;
  while (i < len && isspace((unsigned char)s[i])) i++;
  if (len - i < 3) return 0;
  char m[3] = {(char)toupper((unsigned char)s[i]), (char)toupper((unsigned char)s[i + 1]), (char)toupper((unsigned char)s[i + 2])};
  for (int k = 0; k < 12; k++) {
    if (memcmp(months + k * 3, m, 3) == 0) return k + 1;
  }
  return 0;
}

/* -h: "2K" < "1M"; a number with a suffix compares by suffix first. */
static double human_value(const char *s, size_t len) {
  int ok;
  double v = to_double(s, len, &ok);
  static const char suffixes[] = "KMGTPEZY";
  size_t i = 0;
  while (i < len && (isspace((unsigned char)s[i]) || s[i] == '-' || s[i] == '+' || s[i] == '.' || isdigit((unsigned char)s[i]))) i++;
  if (i < len) {
    const char *p = strchr(suffixes, toupper((unsigned char)s[i]));
    if (p && s[i]) v *= pow(1024, (double)(p - suffixes + 1));
  }
  return v;
}

static int compare_values(const char *x, size_t xl, const char *y, size_t yl, unsigned flags) {
  switch (flags & (FLAG_n | FLAG_g | FLAG_M | FLAG_V | FLAG_h)) {
    case FLAG_n: {
      int ok;
      double dx = to_double(x, xl, &ok), dy = to_double(y, yl, &ok);
      if (dx != dx) dx = 0;
      if (dy != dy) dy = 0;
      return dx > dy ? 1 : dx < dy ? -1 : 0;
    }
    case FLAG_g: {
      int okx, oky;
      double dx = to_double(x, xl, &okx), dy = to_double(y, yl, &oky);
      if (!okx) return oky ? -1 : 0;
      if (!oky) return 1;
      if (dx != dx) return dy != dy ? 0 : -1;
      if (dy != dy) return 1;
      return dx > dy ? 1 : dx < dy ? -1 : 0;
    }
    case FLAG_M: {
      int mx = month_of(x, xl), my = month_of(y, yl);
      return mx - my;
    }
    case FLAG_h: {
      double dx = human_value(x, xl), dy = human_value(y, yl);
      return dx > dy ? 1 : dx < dy ? -1 : 0;
    }
    case FLAG_V: {
      char *a = xstrndup(x, xl), *b = xstrndup(y, yl);
      int r = strverscmp(a, b);
      free(a);
      free(b);
      return r;
    }
    default:
      return bytes_cmp(x, xl, y, yl);
  }
}

static int compare_lines(const struct line *a, const struct line *b) {
  static strbuf bx, by;
  unsigned flags = global_flags;
  int r = 0;
  for (struct sort_key *k = keys; !r && k; k = k->next) {
    flags = k->flags ? k->flags : global_flags;
    size_t xl, yl;
    const char *x = get_key(a->text, a->len, k, flags, &bx, &xl);
    const char *y = get_key(b->text, b->len, k, flags, &by, &yl);
    r = compare_values(x, xl, y, yl, flags);
  }
  if (!r && !(global_flags & FLAG_s)) {
    flags = global_flags;
    r = bytes_cmp(a->text, a->len, b->text, b->len);
  }
  if (flags & FLAG_r) r = -r;
  return r;
}

static void merge_sort(struct line *v, struct line *tmp, size_t n) {
  if (n < 2) return;
  if (n < 16) {
    for (size_t i = 1; i < n; i++) {
      struct line x = v[i];
      size_t j = i;
      while (j > 0 && compare_lines(&v[j - 1], &x) > 0) {
        v[j] = v[j - 1];
        j--;
      }
      v[j] = x;
    }
    return;
  }
  size_t h = n / 2;
  merge_sort(v, tmp, h);
  merge_sort(v + h, tmp, n - h);
  if (compare_lines(&v[h - 1], &v[h]) <= 0) return;
  memcpy(tmp, v, h * sizeof *v);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n) v[k++] = compare_lines(&v[j], &tmp[i]) < 0 ? v[j++] : tmp[i++];
  while (i < h) v[k++] = tmp[i++];
}

/* Parses "-k START[.OFS][OPTS][,END[.OFS][OPTS]]". */
static struct sort_key *parse_key(const char *s) {
  struct sort_key *k = xzalloc(sizeof *k);
  const char *p = s;
  for (int part = 0; part < 2; part++) {
    if (part == 1) {
      if (*p != ',') break;
      p++;
    }
    char *end;
    unsigned long field = strtoul(p, &end, 10);
    if (end == p || (part == 0 && field == 0)) bb_error_msg_and_die("invalid number '%s'", s);
    k->range[part * 2] = (unsigned)field;
    p = end;
    if (*p == '.') {
      p++;
      unsigned long ch = strtoul(p, &end, 10);
      if (end == p || (part == 0 && ch == 0)) bb_error_msg_and_die("invalid number '%s'", s);
      k->range[part * 2 + 1] = (unsigned)ch;
      p = end;
    }
    for (; *p && *p != ','; p++) {
      switch (*p) {
        case 'b':
          k->flags |= part ? FLAG_bb : FLAG_b;
          break;
        case 'd':
          k->flags |= FLAG_d;
          break;
        case 'f':
          k->flags |= FLAG_f;
          break;
        case 'g':
          k->flags |= FLAG_g;
          break;
        case 'i':
          k->flags |= FLAG_i;
          break;
        case 'M':
          k->flags |= FLAG_M;
          break;
        case 'n':
          k->flags |= FLAG_n;
          break;
        case 'r':
          k->flags |= FLAG_r;
          break;
        case 'h':
          k->flags |= FLAG_h;
          break;
        case 'V':
          k->flags |= FLAG_V;
          break;
        default:
          bb_error_msg_and_die("unknown key option");
      }
    }
  }
  return k;
}

int sort_main(int argc, char **argv) {
  char *outfile = 0, *sep = 0;
  xfunc_error_retval = 2;
  llist *key_args = 0;
  global_flags = getopt32(argv, "nrugMcszbdfiVho:k*t:T:S:", &outfile, &key_args, &sep, (char **)0, (char **)0);
  if (sep) {
    if (!sep[0] || sep[1]) bb_error_msg_and_die("bad -t parameter");
    separator = sep[0];
  }
  struct sort_key **tail = &keys;
  for (llist *k = key_args; k; k = k->next) {
    *tail = parse_key(k->data);
    tail = &(*tail)->next;
  }
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  char eol = (global_flags & FLAG_z) ? 0 : '\n';
  struct line *lines = 0;
  size_t n = 0, cap = 0;
  int status = 0;
  for (; *argv; argv++) {
    size_t len;
    char *data;
    if (strcmp(*argv, "-") == 0) {
      data = xmalloc_read_file("-", &len);
    } else {
      int fd = open(*argv, O_RDONLY);
      if (fd < 0) bb_perror_msg_and_die("%s", *argv);
      close(fd);
      data = xmalloc_read_file(*argv, &len);
    }
    if (!data) return 2;
    for (size_t i = 0; i < len;) {
      char *nl = memchr(data + i, eol, len - i);
      size_t e = nl ? (size_t)(nl - data) : len;
      if (n == cap) lines = xrealloc(lines, sizeof *lines * (cap = cap ? cap * 2 : 1024));
      data[e] = 0;
      lines[n].text = data + i;
      lines[n].len = e - i;
      n++;
      i = e + 1;
    }
  }
  if (!keys) {
    keys = xzalloc(sizeof *keys);
    keys->range[0] = 1;
  }
  if (global_flags & FLAG_c) {
    int allow_equal = (global_flags & FLAG_u) ? 0 : 1;
    for (size_t i = 1; i < n; i++) {
      int r = compare_lines(&lines[i - 1], &lines[i]);
      if (r > 0 || (!allow_equal && r == 0)) {
        fprintf(stderr, "Check line %zu\n", i);
        return 1;
      }
    }
    return 0;
  }
  struct line *tmp = xmalloc(sizeof *tmp * (n / 2 + 1));
  merge_sort(lines, tmp, n);
  free(tmp);
  if (global_flags & FLAG_u) {
    global_flags |= FLAG_s;
    size_t k = 0;
    for (size_t j = 1; j < n; j++) {
      if (compare_lines(&lines[k], &lines[j])) lines[++k] = lines[j];
    }
    if (n) n = k + 1;
  }
  if (outfile) {
    if (!freopen(outfile, "w", stdout)) bb_perror_msg_and_die("can't open '%s'", outfile);
    static char obuf[65536];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
  }
  for (size_t i = 0; i < n; i++) {
    fwrite(lines[i].text, 1, lines[i].len, stdout);
    putchar(eol);
  }
  if (fflush_all()) return 1;
  return status;
}
