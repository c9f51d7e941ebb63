/*
 * diff [-abBiNqrstTw] [-U LINES] [-L LABEL] FILE1 FILE2: unified diffs, as
 * BusyBox prints them ("--- FILE1" / "+++ FILE2" headers, 3 lines of
 * context). Directories with -r. The edit script comes from Myers'
 * O(ND) algorithm over the lines (compared after -b/-w/-i/-B folding).
 * Exit 0 same, 1 different, 2 trouble.
 */
#include <ctype.h>
#include "../libbb.h"

enum { OPT_a = 1 << 0, OPT_b = 1 << 1, OPT_B = 1 << 2, OPT_i = 1 << 3, OPT_N = 1 << 4, OPT_q = 1 << 5, OPT_r = 1 << 6,
       OPT_s = 1 << 7, OPT_t = 1 << 8, OPT_T = 1 << 9, OPT_w = 1 << 10, OPT_U = 1 << 11, OPT_u = 1 << 12, OPT_L = 1 << 13,
       OPT_d = 1 << 14 };

static unsigned opt;
static int context = 3;
static llist *labels;
static int status;

struct file_lines {
  char *data;
  size_t len;
  char **line;      /* start of each line */
  size_t *llen;     /* length without '\n' */
  unsigned *hash;   /* of the folded line */
  size_t n;
  int last_has_nl;
};

static unsigned fold_hash(const char *s, size_t len) {
  unsigned h = 5381;
  size_t i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if ((opt & (OPT_b | OPT_w)) && isspace(c)) {
      size_t j = i;
      while (j < len && isspace((unsigned char)s[j])) j++;
      /* -w ignores all white space; -b treats runs as one space and ignores them at the end. */
      if ((opt & OPT_b) && !(opt & OPT_w) && j < len) h = h * 33 + ' ';
      i = j;
      continue;
    }
    if (opt & OPT_i) c = (unsigned char)tolower(c);
    h = h * 33 + c;
    i++;
  }
  return h;
}

static int lines_equal(struct file_lines *a, size_t i, struct file_lines *b, size_t j) {
  if (a->hash[i] != b->hash[j]) return 0;
  if (!(opt & (OPT_b | OPT_w | OPT_i))) return a->llen[i] == b->llen[j] && memcmp(a->line[i], b->line[j], a->llen[i]) == 0;
  return 1;
}

static int load(const char *path, struct file_lines *f) {
  memset(f, 0, sizeof *f);
  if (!path) {
    f->data = xstrdup("");
    f->last_has_nl = 1;
    return 0;
  }
  f->data = xmalloc_read_file(path, &f->len);
  if (!f->data) return -1;
  size_t cap = 0;
  f->last_has_nl = 1;
  for (size_t i = 0; i < f->len;) {
    char *nl = memchr(f->data + i, '\n', f->len - i);
    size_t end = nl ? (size_t)(nl - f->data) : f->len;
    if (f->n == cap) {
      cap = cap ? cap * 2 : 64;
      f->line = xrealloc(f->line, sizeof *f->line * cap);
      f->llen = xrealloc(f->llen, sizeof *f->llen * cap);
      f->hash = xrealloc(f->hash, sizeof *f->hash * cap);
    }
    f->line[f->n] = f->data + i;
    f->llen[f->n] = end - i;
    f->hash[f->n] = fold_hash(f->data + i, end - i);
    f->n++;
    if (!nl) f->last_has_nl = 0;
    i = end + 1;
  }
  return 0;
}

/* The edit script: for each line of A, whether it is kept (matched in B). */
struct script {
  char *keep_a; /* 1: line i of A is common */
  char *keep_b;
};

static void myers(struct file_lines *a, struct file_lines *b, struct script *s) {
  size_t n = a->n, m = b->n;
  s->keep_a = xzalloc(n + 1);
  s->keep_b = xzalloc(m + 1);
  /* Strip the common prefix and suffix first (cheap and makes D small). */
  size_t pre = 0;
  while (pre < n && pre < m && lines_equal(a, pre, b, pre)) {
    s->keep_a[pre] = s->keep_b[pre] = 1;
    pre++;
  }
  size_t suf = 0;
  while (suf < n - pre && suf < m - pre && lines_equal(a, n - 1 - suf, b, m - 1 - suf)) {
    s->keep_a[n - 1 - suf] = s->keep_b[m - 1 - suf] = 1;
    suf++;
  }
  long N = (long)(n - pre - suf), M = (long)(m - pre - suf);
  if (N == 0 || M == 0) return;
  long max = N + M;
  long offset = max;
  long *v = xmalloc(sizeof(long) * (size_t)(2 * max + 2));
  long **trace = xmalloc(sizeof(long *) * (size_t)(max + 1));
  v[offset + 1] = 0;
  long d_found = -1;
  for (long d = 0; d <= max; d++) {
    trace[d] = xmalloc(sizeof(long) * (size_t)(2 * d + 3));
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) x = v[offset + k + 1];
      else x = v[offset + k - 1] + 1;
      long y = x - k;
      while (x < N && y < M && lines_equal(a, pre + (size_t)x, b, pre + (size_t)y)) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= N && y >= M) {
        d_found = d;
        break;
      }
    }
    for (long k = -d - 1; k <= d + 1; k++) trace[d][k + d + 1] = v[offset + k];
    if (d_found >= 0) break;
  }
  /* Walk back through the trace, marking the diagonal (common) moves. */
  long x = N, y = M;
  for (long d = d_found; d > 0; d--) {
    long *pv = trace[d - 1];
    long k = x - y;
    long prev_k;
    long vkm = (k - 1 >= -(d - 1) - 1 && k - 1 <= (d - 1) + 1) ? pv[k - 1 + d] : -1;
    long vkp = (k + 1 >= -(d - 1) - 1 && k + 1 <= (d - 1) + 1) ? pv[k + 1 + d] : -1;
    if (k == -d || (k != d && vkm < vkp)) prev_k = k + 1;
    else prev_k = k - 1;
    long prev_x = pv[prev_k + d];
    long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      x--;
      y--;
      s->keep_a[pre + (size_t)x] = 1;
      s->keep_b[pre + (size_t)y] = 1;
    }
    x = prev_x;
    y = prev_y;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    s->keep_a[pre + (size_t)x] = 1;
    s->keep_b[pre + (size_t)y] = 1;
  }
  for (long d = 0; d <= d_found; d++) free(trace[d]);
  free(trace);
  free(v);
}

static void print_line(char prefix, struct file_lines *f, size_t i) {
  putchar(prefix);
  fwrite(f->line[i], 1, f->llen[i], stdout);
  putchar('\n');
  if (i == f->n - 1 && !f->last_has_nl) puts("\\ No newline at end of file");
}

static void print_range(size_t start, size_t count) {
  /* Unified ranges: "start,count", ",count" omitted when 1; an empty range names the line before. */
  if (count == 1) printf("%zu", start + 1);
  else printf("%zu,%zu", count ? start + 1 : start, count);
}

static int is_binary(struct file_lines *f) { return memchr(f->data, 0, f->len) != 0; }

/* Diffs two regular files; returns 0 same, 1 different, 2 trouble. */
static int diff_files(const char *p1, const char *p2, const char *label1, const char *label2) {
  struct file_lines a, b;
  if (load(p1, &a) < 0 || load(p2, &b) < 0) return 2;
  int same = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
  if (!same && !(opt & OPT_a) && (is_binary(&a) || is_binary(&b))) {
    printf("Binary files %s and %s differ\n", label1, label2);
    return 1;
  }
  struct script s;
  myers(&a, &b, &s);
  /* Changes exist when a line of either side is not common; -B ignores changes of blank lines only. */
  int changed = 0;
  for (size_t i = 0; i < a.n; i++) {
    if (!s.keep_a[i] && !((opt & OPT_B) && a.llen[i] == 0)) changed = 1;
  }
  for (size_t j = 0; j < b.n; j++) {
    if (!s.keep_b[j] && !((opt & OPT_B) && b.llen[j] == 0)) changed = 1;
  }
  /* A missing final newline on one side only is a change of the last line. */
  if (!changed && a.n && b.n && a.last_has_nl != b.last_has_nl && !(opt & (OPT_b | OPT_w))) {
    changed = 1;
    s.keep_a[a.n - 1] = 0;
    s.keep_b[b.n - 1] = 0;
  }
  if (!changed) {
    if (opt & OPT_s) printf("Files %s and %s are identical\n", label1, label2);
    return 0;
  }
  if (opt & OPT_q) {
    printf("Files %s and %s differ\n", label1, label2);
    return 1;
  }
  printf("--- %s\n+++ %s\n", label1, label2);
  /* The change blocks: maximal runs of lines that are not common, on either side. */
  struct block {
    size_t a0, a1, b0, b1;
  } *blocks = 0;
  size_t nblocks = 0, cap = 0;
  for (size_t i = 0, j = 0; i < a.n || j < b.n;) {
    if (i < a.n && j < b.n && s.keep_a[i] && s.keep_b[j]) {
      i++;
      j++;
      continue;
    }
    struct block blk = {i, i, j, j};
    while (i < a.n && !s.keep_a[i]) i++;
    while (j < b.n && !s.keep_b[j]) j++;
    blk.a1 = i;
    blk.b1 = j;
    if (nblocks == cap) blocks = xrealloc(blocks, sizeof *blocks * (cap = cap ? cap * 2 : 16));
    blocks[nblocks++] = blk;
  }
  /* Hunks: blocks closer than 2 * context common lines share one; context around each hunk. */
  size_t ctx = (size_t)context;
  size_t prev_a1 = 0;
  for (size_t k = 0; k < nblocks;) {
    size_t first = k, last = k;
    while (last + 1 < nblocks && blocks[last + 1].a0 - blocks[last].a1 <= 2 * ctx) last++;
    size_t before = blocks[first].a0 - prev_a1;
    if (before > ctx) before = ctx;
    size_t after = a.n - blocks[last].a1;
    if (last + 1 < nblocks) after = blocks[last + 1].a0 - blocks[last].a1;
    if (after > ctx) after = ctx;
    size_t ha0 = blocks[first].a0 - before, hb0 = blocks[first].b0 - before;
    size_t ha1 = blocks[last].a1 + after, hb1 = blocks[last].b1 + after;
    printf("@@ -");
    print_range(ha0, ha1 - ha0);
    printf(" +");
    print_range(hb0, hb1 - hb0);
    printf(" @@\n");
    size_t x = ha0, y = hb0;
    for (size_t q = first; q <= last; q++) {
      while (x < blocks[q].a0) {
        print_line(' ', &a, x++);
        y++;
      }
      while (x < blocks[q].a1) print_line('-', &a, x++);
      while (y < blocks[q].b1) print_line('+', &b, y++);
    }
    while (x < ha1) {
      print_line(' ', &a, x++);
      y++;
    }
    prev_a1 = blocks[last].a1;
    k = last + 1;
  }
  free(blocks);
  return 1;
}

static int diff_paths(const char *p1, const char *p2, int top);

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char **dir_names(const char *path, size_t *n) {
  *n = 0;
  DIR *d = opendir(path);
  if (!d) return 0;
  char **names = 0;
  size_t cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (is_dot_or_dotdot(e->d_name)) continue;
    if (*n == cap) names = xrealloc(names, sizeof *names * (cap = cap ? cap * 2 : 16));
    names[(*n)++] = xstrdup(e->d_name);
  }
  closedir(d);
  qsort(names, *n, sizeof *names, compare_names);
  return names;
}

static int diff_dirs(const char *d1, const char *d2) {
  size_t n1, n2;
  char **a = dir_names(d1, &n1), **b = dir_names(d2, &n2);
  size_t i = 0, j = 0;
  int result = 0;
  while (i < n1 || j < n2) {
    int c = i >= n1 ? 1 : j >= n2 ? -1 : strcmp(a[i], b[j]);
    if (c < 0 && !(opt & OPT_N)) {
      printf("Only in %s: %s\n", d1, a[i++]);
      result = result > 1 ? result : 1;
      continue;
    }
    if (c > 0 && !(opt & OPT_N)) {
      printf("Only in %s: %s\n", d2, b[j++]);
      result = result > 1 ? result : 1;
      continue;
    }
    const char *name = c <= 0 ? a[i] : b[j];
    char *x = concat_path_file(d1, name), *y = concat_path_file(d2, name);
    int r = diff_paths(x, y, 0);
    if (r > result) result = r;
    free(x);
    free(y);
    if (c <= 0) i++;
    if (c >= 0) j++;
  }
  return result;
}

static int diff_paths(const char *p1, const char *p2, int top) {
  struct stat s1, s2;
  int e1 = strcmp(p1, "-") == 0 ? fstat(0, &s1) : stat(p1, &s1);
  int e2 = strcmp(p2, "-") == 0 ? fstat(0, &s2) : stat(p2, &s2);
  if (e1 < 0 && !((opt & OPT_N) && errno == ENOENT)) {
    bb_perror_msg("can't stat '%s'", p1);
    return 2;
  }
  if (e2 < 0 && !((opt & OPT_N) && errno == ENOENT)) {
    bb_perror_msg("can't stat '%s'", p2);
    return 2;
  }
  if (e1 == 0 && e2 == 0 && S_ISDIR(s1.st_mode) && S_ISDIR(s2.st_mode)) {
    if (!top && !(opt & OPT_r)) {
      printf("Common subdirectories: %s and %s\n", p1, p2);
      return 0;
    }
    return diff_dirs(p1, p2);
  }
  if (e1 == 0 && e2 == 0 && S_ISDIR(s1.st_mode) != S_ISDIR(s2.st_mode)) {
    printf("File %s is a %s while file %s is a %s\n", p1, S_ISDIR(s1.st_mode) ? "directory" : "regular file", p2,
           S_ISDIR(s2.st_mode) ? "directory" : "regular file");
    return 1;
  }
  const char *l1 = p1, *l2 = p2;
  if (top && labels) {
    l1 = labels->data;
    if (labels->next) l2 = labels->next->data;
  }
  return diff_files(e1 == 0 ? p1 : 0, e2 == 0 ? p2 : 0, l1, l2);
}

int diff_main(int argc, char **argv) {
  xfunc_error_retval = 2;
  char *ctx = 0;
  opt = getopt32(argv, "abBiNqrstTwU:uL*d", &ctx, &labels);
  if (ctx) context = xatoi_positive(ctx);
  argv += optind;
  if (argc_of(argv) != 2) bb_show_usage();
  const char *p1 = argv[0], *p2 = argv[1];
  /* FILE and DIR: compare with DIR/basename(FILE). */
  struct stat s1, s2;
  char *joined = 0;
  if (stat(p1, &s1) == 0 && stat(p2, &s2) == 0) {
    if (S_ISDIR(s1.st_mode) && !S_ISDIR(s2.st_mode)) {
      char *base = bb_basename_dup(p2);
      p1 = joined = concat_path_file(p1, base);
      free(base);
    } else if (!S_ISDIR(s1.st_mode) && S_ISDIR(s2.st_mode)) {
      char *base = bb_basename_dup(p1);
      p2 = joined = concat_path_file(p2, base);
      free(base);
    }
  }
  status = diff_paths(p1, p2, 1);
  free(joined);
  if (fflush_all()) return 2;
  return status;
}
