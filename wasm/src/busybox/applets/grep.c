/*
 * grep [-HhnlLoqvsrRiwxFEcz] [-m N] [-A|B|C N] {PATTERN | -e PATTERN... | -f FILE...} [FILE...]
 * egrep (= grep -E), fgrep (= grep -F).
 *
 * POSIX regular expressions (basic, or extended with -E) through regcomp, or
 * fixed strings with -F. Exit status: 0 when a line was selected, 1 when
 * none, 2 on an error (unless -q found a match).
 */
#include <ctype.h>
#include <regex.h>
#include "../libbb.h"

enum {
  OPT_H = 1 << 0,
  OPT_h = 1 << 1,
  OPT_n = 1 << 2,
  OPT_l = 1 << 3,
  OPT_L = 1 << 4,
  OPT_o = 1 << 5,
  OPT_q = 1 << 6,
  OPT_v = 1 << 7,
  OPT_s = 1 << 8,
  OPT_r = 1 << 9,
  OPT_R = 1 << 10,
  OPT_i = 1 << 11,
  OPT_w = 1 << 12,
  OPT_x = 1 << 13,
  OPT_F = 1 << 14,
  OPT_E = 1 << 15,
  OPT_c = 1 << 16,
  OPT_z = 1 << 17,
  OPT_m = 1 << 18,
  OPT_A = 1 << 19,
  OPT_B = 1 << 20,
  OPT_C = 1 << 21,
  OPT_e = 1 << 22,
  OPT_f = 1 << 23,
};

struct pattern {
  char *text;
  regex_t re;
  int compiled;
  int literal; /* no regex syntax in it: searched like -F (much faster than regexec) */
};

static unsigned opt;
static struct pattern *patterns;
static size_t npatterns;
static int print_names;
static long max_count = -1;
static int after_ctx, before_ctx;
static int status = 1; /* 1: nothing selected yet */
static int had_error;
static char eol = '\n';

static void add_pattern(const char *p) {
  /* A pattern with newlines is several patterns. */
  const char *start = p;
  for (;;) {
    const char *nl = strchr(start, '\n');
    size_t len = nl ? (size_t)(nl - start) : strlen(start);
    patterns = xrealloc(patterns, sizeof *patterns * (npatterns + 1));
    patterns[npatterns].text = xstrndup(start, len);
    patterns[npatterns].compiled = 0;
    patterns[npatterns].literal = 0;
    npatterns++;
    if (!nl) break;
    start = nl + 1;
  }
}

static void compile_patterns(void) {
  if (opt & OPT_F) {
    for (size_t i = 0; i < npatterns; i++) patterns[i].literal = 1;
    return;
  }
  int flags = ((opt & OPT_E) ? REG_EXTENDED : 0) | ((opt & OPT_i) ? REG_ICASE : 0);
  const char *special = (opt & OPT_E) ? "\\.[]()*+?{}|^$" : "\\.[*^$";
  for (size_t i = 0; i < npatterns; i++) {
    if (!(opt & OPT_x) && patterns[i].text[0] && !strpbrk(patterns[i].text, special)) {
      patterns[i].literal = 1;
      continue;
    }
    int err = regcomp(&patterns[i].re, patterns[i].text, flags);
    if (err) {
      char msg[128];
      regerror(err, &patterns[i].re, msg, sizeof msg);
      bb_error_msg_and_die("bad regex '%s': %s", patterns[i].text, msg);
    }
    patterns[i].compiled = 1;
  }
}

static int is_word_char(unsigned char c) { return isalnum(c) || c == '_'; }

/* Fixed-string search: the first occurrence of `p` in line[from..len), case-insensitively with -i. */
static int fixed_find(const char *line, size_t len, size_t from, const char *p, size_t *mstart, size_t *mend) {
  size_t plen = strlen(p);
  if (plen == 0) {
    *mstart = *mend = from;
    return from <= len;
  }
  if (!(opt & OPT_i)) {
    if (from > len) return 0;
    const char *hit = memmem(line + from, len - from, p, plen);
    if (!hit) return 0;
    *mstart = (size_t)(hit - line);
    *mend = *mstart + plen;
    return 1;
  }
  for (size_t i = from; i + plen <= len; i++) {
    if (strncasecmp(line + i, p, plen) == 0) {
      *mstart = i;
      *mend = i + plen;
      return 1;
    }
  }
  return 0;
}

/* Finds the leftmost match of pattern k at or after `from`, honouring -w and -x. */
static int find_match(const struct pattern *pat, const char *line, size_t len, size_t from, size_t *ms, size_t *me) {
  size_t start = from;
  while (start <= len) {
    size_t s, e;
    if (pat->literal) {
      if (!fixed_find(line, len, start, pat->text, &s, &e)) return 0;
    } else {
      /* regexec stops at a NUL: search a line with NULs segment by segment. */
      regmatch_t m;
      size_t seg = start;
      for (;;) {
        int flags = seg > 0 ? REG_NOTBOL : 0;
        if (regexec(&pat->re, line + seg, 1, &m, flags) == 0) break;
        const char *nul = memchr(line + seg, 0, len - seg);
        if (!nul) return 0;
        seg = (size_t)(nul - line) + 1;
        if (seg > len) return 0;
      }
      s = seg + (size_t)m.rm_so;
      e = seg + (size_t)m.rm_eo;
    }
    int ok = 1;
    if (opt & OPT_x) {
      ok = s == 0 && e == len;
      if (!ok && !(opt & OPT_F)) {
        /* The leftmost match may be shorter than the line: try anchoring the whole line. */
        return 0;
      }
    } else if (opt & OPT_w) {
      ok = (s == 0 || !is_word_char((unsigned char)line[s - 1])) && (e == len || !is_word_char((unsigned char)line[e])) && e > s;
    }
    if (ok) {
      *ms = s;
      *me = e;
      return 1;
    }
    start = s + 1;
  }
  return 0;
}

static int line_matches(const char *line, size_t len) {
  for (size_t k = 0; k < npatterns; k++) {
    size_t s, e;
    if ((opt & OPT_x) && !patterns[k].literal) {
      regmatch_t m;
      if (regexec(&patterns[k].re, line, 1, &m, 0) == 0 && m.rm_so == 0 && (size_t)m.rm_eo == len) return 1;
      /* The leftmost-longest match may not span the line even though another parse does: check with anchors. */
      continue;
    }
    if (find_match(&patterns[k], line, len, 0, &s, &e)) return 1;
  }
  return 0;
}

static void print_prefix(const char *name, unsigned long lineno, char sep) {
  if (print_names) printf("%s%c", name, sep);
  if (opt & OPT_n) printf("%lu%c", lineno, sep);
}

static void print_line(const char *name, unsigned long lineno, const char *line, size_t len, char sep) {
  print_prefix(name, lineno, sep);
  fwrite(line, 1, len, stdout);
  putchar(eol);
}

/* -o: every match on its own line. */
static void print_only_matching(const char *name, unsigned long lineno, const char *line, size_t len) {
  size_t from = 0;
  while (from <= len) {
    size_t best_s = (size_t)-1, best_e = 0;
    for (size_t k = 0; k < npatterns; k++) {
      size_t s, e;
      if (find_match(&patterns[k], line, len, from, &s, &e) && (s < best_s || (s == best_s && e > best_e))) {
        best_s = s;
        best_e = e;
      }
    }
    if (best_s == (size_t)-1) break;
    if (best_e > best_s) print_line(name, lineno, line + best_s, best_e - best_s, ':');
    from = best_e > best_s ? best_e : best_s + 1;
  }
}

struct ctx_line {
  char *text;
  size_t len;
  unsigned long lineno;
};

/* Greps one open stream; returns 1 if something was selected. */
static int grep_stream(FILE *f, const char *name) {
  char *line = 0;
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0, count = 0;
  long selected = 0;
  struct ctx_line *before = before_ctx ? xzalloc(sizeof *before * (size_t)before_ctx) : 0;
  int nbefore = 0, before_at = 0;
  int after_left = 0;
  unsigned long last_printed = 0;
  int any_printed = 0;
  static int groups_printed;
  while ((n = getdelim(&line, &cap, eol, f)) > 0) {
    lineno++;
    size_t len = (size_t)n;
    if (line[len - 1] == eol) line[--len] = 0;
    int match = line_matches(line, len) ^ ((opt & OPT_v) != 0);
    if (match) {
      count++;
      selected = 1;
      if (opt & OPT_q) {
        free(line);
        free(before);
        status = 0;
        fflush_all();
        exit(0);
      }
      if (opt & (OPT_l | OPT_L)) break;
      if (!(opt & OPT_c)) {
        if (before_ctx || after_ctx) {
          /* A gap since the last printed line starts a new group: "--". */
          unsigned long first = lineno - (unsigned long)nbefore;
          if ((any_printed || groups_printed) && first > last_printed + 1 && !(opt & OPT_o)) puts("--");
          for (int i = 0; i < nbefore; i++) {
            struct ctx_line *c = &before[(before_at + before_ctx - nbefore + i) % before_ctx];
            print_line(name, c->lineno, c->text, c->len, '-');
          }
          nbefore = 0;
        }
        if (opt & OPT_o) print_only_matching(name, lineno, line, len);
        else print_line(name, lineno, line, len, ':');
        last_printed = lineno;
        any_printed = 1;
        groups_printed = 1;
        after_left = after_ctx;
      }
      if (max_count >= 0 && (long)count >= max_count) break;
    } else if (after_left > 0) {
      print_line(name, lineno, line, len, '-');
      last_printed = lineno;
      after_left--;
    } else if (before_ctx) {
      struct ctx_line *c = &before[before_at];
      free(c->text);
      c->text = xstrndup(line, len);
      c->len = len;
      c->lineno = lineno;
      before_at = (before_at + 1) % before_ctx;
      if (nbefore < before_ctx) nbefore++;
    }
  }
  /* -m stopped early: the trailing context still prints. */
  if (after_left > 0 && max_count >= 0) {
    while (after_left > 0 && (n = getdelim(&line, &cap, eol, f)) > 0) {
      size_t len = (size_t)n;
      if (line[len - 1] == eol) line[--len] = 0;
      lineno++;
      if (line_matches(line, len) ^ ((opt & OPT_v) != 0)) break;
      print_line(name, lineno, line, len, '-');
      after_left--;
    }
  }
  if (before) {
    for (int i = 0; i < before_ctx; i++) free(before[i].text);
    free(before);
  }
  free(line);
  if (opt & OPT_c) {
    if (print_names) printf("%s:", name);
    printf("%lu\n", count);
  }
  if ((opt & OPT_l) && selected) puts(name);
  if ((opt & OPT_L) && !selected) puts(name);
  return selected;
}

static void grep_file(const char *path, const char *display);

static int grep_tree_file(const char *path, struct stat *st, void *user, int depth) {
  grep_file(path, path);
  return 1;
}

static void grep_file(const char *path, const char *display) {
  FILE *f;
  if (strcmp(path, "-") == 0) {
    f = stdin;
    display = "(standard input)";
  } else {
    f = fopen(path, "r");
    if (!f) {
      if (!(opt & OPT_s)) bb_perror_msg("%s", path);
      had_error = 1;
      return;
    }
    bb_big_buffer(f);
  }
  if (f != stdin) {
    /* Directories are skipped silently, as BusyBox does. */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
      fclose(f);
      return;
    }
  }
  if (grep_stream(f, display)) {
    if (!(opt & OPT_L)) status = 0;
  } else if (opt & OPT_L) {
    status = 0;
  }
  if (ferror(f)) {
    if (!(opt & OPT_s)) bb_perror_msg("%s", path);
    had_error = 1;
  }
  if (f != stdin) fclose(f);
}

int grep_main(int argc, char **argv) {
  llist *elist = 0, *flist = 0;
  xfunc_error_retval = 2;
  char *max_str = 0, *a_str = 0, *b_str = 0, *c_str = 0;
  /* --color[=WHEN] is accepted and ignored, as BusyBox does. */
  static const bb_longopt longopts[] = {{"color", 2, 0x80}, {"colour", 2, 0x80}, {0, 0, 0}};
  opt = getopt32long(argv, "HhnlLoqvsrRiwxFEczm:A:B:C:e*f*\x80", longopts, &max_str, &a_str, &b_str, &c_str, &elist, &flist);
  if (strcmp(applet_name, "egrep") == 0) opt |= OPT_E;
  if (strcmp(applet_name, "fgrep") == 0) opt |= OPT_F;
  if (opt & OPT_z) eol = 0;
  if (max_str) max_count = xatoi_positive(max_str);
  if (c_str) after_ctx = before_ctx = xatoi_positive(c_str);
  if (a_str) after_ctx = xatoi_positive(a_str);
  if (b_str) before_ctx = xatoi_positive(b_str);
  if (opt & (OPT_c | OPT_l | OPT_L | OPT_q)) after_ctx = before_ctx = 0;
  argv += optind;
  for (llist *e = elist; e; e = e->next) add_pattern(e->data);
  for (llist *e = flist; e; e = e->next) {
    char *data = xmalloc_read_file(e->data, 0);
    if (!data) return 2;
    size_t len = strlen(data);
    if (len && data[len - 1] == '\n') data[len - 1] = 0;
    add_pattern(data);
    free(data);
  }
  if (!elist && !flist) {
    if (!argv[0]) bb_show_usage();
    add_pattern(*argv++);
  }
  compile_patterns();
  int nfiles = argc_of(argv);
  print_names = (opt & OPT_H) || (!(opt & OPT_h) && (nfiles > 1 || (opt & (OPT_r | OPT_R))));
  if (nfiles == 0) {
    print_names = (opt & OPT_H) != 0;
    grep_file("-", "(standard input)");
  }
  for (; *argv; argv++) {
    struct stat st;
    if ((opt & (OPT_r | OPT_R)) && stat(*argv, &st) == 0 && S_ISDIR(st.st_mode)) {
      recursive_action(*argv, ACTION_RECURSE | ((opt & OPT_R) ? ACTION_FOLLOWLINKS : ACTION_FOLLOWLINKS_L0), grep_tree_file, 0, 0, 0);
      continue;
    }
    grep_file(*argv, *argv);
  }
  if (fflush_all()) return 2;
  if (had_error && !((opt & OPT_q) && status == 0)) return 2;
  return status;
}
