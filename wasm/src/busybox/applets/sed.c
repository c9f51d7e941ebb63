/*
 * sed [-i[SFX]] [-nrEs] [-f FILE]... [-e CMD]... [FILE]...
 *
 * A stream editor with GNU/BusyBox semantics: addresses (N, $, /RE/, \cREc,
 * FIRST~STEP, ranges ADDR,ADDR / ADDR,+N / ADDR,~N / 0,/RE/, '!'), blocks,
 * and the commands s y p P d D n N g G h H x a i c = l q Q r R w W b t T : z #.
 * Regular expressions are POSIX (basic, or extended with -r/-E) with GNU's
 * \n and \t. -i edits files in place through a temporary file in the same
 * directory (with a backup named FILE+SFX when SFX is given).
 *
 * The script is compiled into an array of commands; '{' jumps past its
 * matching '}' when its address does not match, b/t/T jump to labels.
 */
#include <regex.h>
#include "../libbb.h"

enum { A_NONE, A_LINE, A_LAST, A_REGEX, A_STEP, A_PLUS, A_MULT, A_ZERO };

/* A compiled regex; `literal` is set when it has no regex syntax (then memmem is used instead of regexec). */
struct sre {
  regex_t re;
  char *literal;
  size_t litlen;
};

struct addr {
  int type;
  unsigned long n, step;
  struct sre *re; /* NULL with A_REGEX: the last regex used */
};

struct cmd {
  struct addr a1, a2;
  int negate;
  char c;
  int active; /* inside a range */
  unsigned long end_line;
  /* s */
  struct sre *re;
  char *repl;
  int global;
  unsigned long nth;
  int print;
  FILE *wfile;
  /* y */
  unsigned char *ymap;
  /* a i c */
  char *text;
  /* b t T : r w R W */
  char *label;
  char *fname;
  int jump; /* '{': index after the matching '}'; b/t/T: target index */
  int exit_code;
};

static struct cmd *cmds;
static int ncmds;
static int extended;
static int quiet;
static int separate;
static struct sre *last_re;

/* ---------------------------------------------------------------- output */

struct out {
  FILE *f;
  int missing_newline;
};
static struct out std_out;
static struct out *out;

static void out_write(struct out *o, const char *s, size_t n, int newline) {
  if (o->missing_newline) {
    putc('\n', o->f);
    o->missing_newline = 0;
  }
  fwrite(s, 1, n, o->f);
  if (newline) putc('\n', o->f);
}

/* ---------------------------------------------------------------- input */

struct input {
  char **files;
  int idx;
  FILE *f;
  const char *name;
  /* One line of lookahead, to know whether the current line is the last. */
  char *next;
  size_t next_len, next_cap;
  int next_valid;
  int next_newline;
  int per_file; /* the last line is the last of the current file (-s, -i) */
  int status;
};
static struct input in;

static int open_next_file(void) {
  while (in.files[in.idx]) {
    const char *name = in.files[in.idx++];
    if (strcmp(name, "-") == 0) {
      in.f = stdin;
    } else {
      in.f = fopen(name, "r");
      if (!in.f) {
        bb_perror_msg("%s", name);
        in.status = 1;
        continue;
      }
      bb_big_buffer(in.f);
    }
    in.name = name;
    return 1;
  }
  return 0;
}

/* Reads the lookahead line, moving to the next file when one ends (unless per_file). */
static void fill_lookahead(void) {
  in.next_valid = 0;
  for (;;) {
    if (!in.f) return;
    ssize_t n = getline(&in.next, &in.next_cap, in.f);
    if (n >= 0) {
      in.next_newline = n > 0 && in.next[n - 1] == '\n';
      if (in.next_newline) in.next[--n] = 0;
      in.next_len = (size_t)n;
      in.next_valid = 1;
      return;
    }
    if (in.f != stdin) fclose(in.f);
    in.f = 0;
    if (in.per_file) return;
    if (!open_next_file()) return;
  }
}

/* The next input line into *ps; 0 at the end. */
static int read_line(strbuf *ps, int *had_newline) {
  if (!in.next_valid) return 0;
  ps->len = 0;
  sb_append(ps, in.next, in.next_len);
  *had_newline = in.next_newline;
  fill_lookahead();
  return 1;
}

static int is_last_line(void) { return !in.next_valid; }

/* ---------------------------------------------------------------- parsing */

static _Noreturn void parse_error(const char *msg, char c) {
  if (c) bb_error_msg_and_die("%s %c", msg, c);
  bb_error_msg_and_die("%s", msg);
}

/* GNU escapes in a regex: \n and \t become the characters. */
static char *regex_escapes(const char *s) {
  strbuf sb = {0};
  for (; *s; s++) {
    if (*s == '\\' && s[1]) {
      if (s[1] == 'n') {
        sb_putc(&sb, '\n');
        s++;
        continue;
      }
      if (s[1] == 't') {
        sb_putc(&sb, '\t');
        s++;
        continue;
      }
      sb_putc(&sb, *s++);
    }
    sb_putc(&sb, *s);
  }
  return sb_str(&sb);
}

static struct sre *compile_re(const char *pattern, int icase) {
  if (!*pattern) return 0; /* the last regex */
  struct sre *re = xzalloc(sizeof *re);
  char *p = regex_escapes(pattern);
  int err = regcomp(&re->re, p, (extended ? REG_EXTENDED : 0) | (icase ? REG_ICASE : 0));
  if (err) {
    char msg[128];
    regerror(err, &re->re, msg, sizeof msg);
    bb_error_msg_and_die("bad regex '%s': %s", pattern, msg);
  }
  const char *special = extended ? "\\.[]()*+?{}|^$" : "\\.[*^$";
  if (!icase && !strpbrk(pattern, special)) {
    re->literal = p;
    re->litlen = strlen(p);
  } else {
    free(p);
  }
  return re;
}

/* regexec, or memmem for a literal (then only match 0 is set; groups are unset). */
static int sre_exec(struct sre *re, const char *s, size_t len, size_t nmatch, regmatch_t *m, int flags) {
  if (!re->literal) return regexec(&re->re, s, nmatch, m, flags);
  const char *hit = memmem(s, len, re->literal, re->litlen);
  if (!hit) return REG_NOMATCH;
  if (nmatch > 0) {
    m[0].rm_so = hit - s;
    m[0].rm_eo = m[0].rm_so + (regoff_t)re->litlen;
    for (size_t i = 1; i < nmatch; i++) m[i].rm_so = m[i].rm_eo = -1;
  }
  return 0;
}

/* Reads up to the unescaped delimiter; "\DELIM" becomes DELIM (unless DELIM is special in regexes). */
static char *read_delimited(const char **pp, char delim, int is_regex) {
  const char *p = *pp;
  strbuf sb = {0};
  int in_bracket = 0;
  for (;;) {
    if (!*p) bb_error_msg_and_die("unmatched '%c'", delim);
    if (*p == '\\' && p[1]) {
      if (p[1] == delim && delim != '\n') {
        /* An escaped delimiter is the literal character (as "\/" is "/"). */
        if (is_regex && strchr(".*[]^$\\+?(){}|", delim)) sb_putc(&sb, '\\');
        sb_putc(&sb, delim);
      } else if (p[1] == '\n' && !is_regex) {
        sb_putc(&sb, '\n');
      } else {
        sb_putc(&sb, p[0]);
        sb_putc(&sb, p[1]);
      }
      p += 2;
      continue;
    }
    if (is_regex && *p == '[' && !in_bracket) {
      /* A bracket expression may hold the delimiter ("[^/]"). */
      in_bracket = 1;
      sb_putc(&sb, *p++);
      if (*p == '^') sb_putc(&sb, *p++);
      if (*p == ']') sb_putc(&sb, *p++);
      continue;
    }
    if (in_bracket) {
      if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
        char close = p[1];
        const char *end = p + 2;
        while (*end && !(end[0] == close && end[1] == ']')) end++;
        if (*end) {
          sb_append(&sb, p, (size_t)(end + 2 - p));
          p = end + 2;
          continue;
        }
      }
      if (*p == ']') in_bracket = 0;
      sb_putc(&sb, *p++);
      continue;
    }
    if (*p == delim) break;
    sb_putc(&sb, *p++);
  }
  *pp = p + 1;
  return sb_str(&sb);
}

static void skip_spaces(const char **pp) {
  while (**pp == ' ' || **pp == '\t') (*pp)++;
}

static int parse_addr(const char **pp, struct addr *a, int second) {
  const char *p = *pp;
  a->type = A_NONE;
  if (bb_isdigit((unsigned char)*p)) {
    char *end;
    a->n = strtoul(p, &end, 10);
    p = end;
    /* Line 0 never matches (BusyBox has no GNU "0,/re/"). */
    a->type = A_LINE;
    if (*p == '~' && !second) {
      p++;
      a->step = strtoul(p, &end, 10);
      p = end;
      a->type = A_STEP;
    }
  } else if (*p == '$') {
    a->type = A_LAST;
    p++;
  } else if (*p == '/' || *p == '\\') {
    char delim = '/';
    if (*p == '\\') {
      p++;
      delim = *p;
      if (!delim) parse_error("unexpected end of script", 0);
    }
    p++;
    char *re = read_delimited(&p, delim, 1);
    int icase = 0;
    while (*p == 'I' || *p == 'M') {
      if (*p == 'I') icase = 1;
      p++;
    }
    a->re = compile_re(re, icase);
    free(re);
    a->type = A_REGEX;
  } else if (second && (*p == '+' || *p == '~')) {
    a->type = *p == '+' ? A_PLUS : A_MULT;
    p++;
    char *end;
    a->n = strtoul(p, &end, 10);
    if (end == p) parse_error("expected number", 0);
    p = end;
  } else {
    return 0;
  }
  *pp = p;
  return 1;
}

/* Text of a, i, c: one-liner "a text" or "a\" NEWLINE "text" (backslash-newline continues). */
static char *parse_text(const char **pp) {
  const char *p = *pp;
  skip_spaces(&p);
  if (*p == '\\') {
    p++;
    if (*p == '\n') p++;
    else skip_spaces(&p);
  }
  strbuf sb = {0};
  while (*p && *p != '\n') {
    if (*p == '\\' && p[1]) {
      p++;
      sb_putc(&sb, *p++);
      continue;
    }
    sb_putc(&sb, *p++);
  }
  *pp = p;
  return sb_str(&sb);
}

/* A label or file name: to the end of the line (labels also end at ';'). */
static char *parse_word(const char **pp, int stop_at_semicolon) {
  const char *p = *pp;
  skip_spaces(&p);
  const char *start = p;
  while (*p && *p != '\n' && !(stop_at_semicolon && *p == ';')) p++;
  const char *end = p;
  while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
  *pp = p;
  return xstrndup(start, (size_t)(end - start));
}

static FILE *open_wfile(const char *name) {
  if (strcmp(name, "/dev/stdout") == 0) return stdout;
  if (strcmp(name, "/dev/stderr") == 0) return stderr;
  FILE *f = fopen(name, "w");
  if (!f) bb_perror_msg_and_die("can't open '%s'", name);
  return f;
}

static void parse_script(const char *script) {
  int stack[256];
  int depth = 0;
  const char *p = script;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ';') p++;
    if (!*p) break;
    if (*p == '#') {
      while (*p && *p != '\n') p++;
      continue;
    }
    cmds = xrealloc(cmds, sizeof *cmds * (size_t)(ncmds + 1));
    struct cmd *c = &cmds[ncmds];
    memset(c, 0, sizeof *c);
    if (parse_addr(&p, &c->a1, 0)) {
      skip_spaces(&p);
      if (*p == ',') {
        p++;
        skip_spaces(&p);
        if (!parse_addr(&p, &c->a2, 1)) parse_error("unexpected ','", 0);
      }
    }
    skip_spaces(&p);
    while (*p == '!') {
      c->negate = 1;
      p++;
      skip_spaces(&p);
    }
    c->c = *p;
    if (!*p || *p == '\n' || *p == ';') parse_error("missing command", 0);
    p++;
    switch (c->c) {
      case '{':
        if (depth >= 256) parse_error("too many '{'", 0);
        stack[depth++] = ncmds;
        ncmds++;
        continue;
      case '}':
        /* BusyBox ignores a '}' without its '{'. */
        if (depth > 0) cmds[stack[--depth]].jump = ncmds + 1;
        break;
      case '=': case 'd': case 'D': case 'g': case 'G': case 'h': case 'H': case 'l':
      case 'n': case 'N': case 'p': case 'P': case 'x': case 'z':
        break;
      case 'q':
      case 'Q':
        skip_spaces(&p);
        if (bb_isdigit((unsigned char)*p)) c->exit_code = (int)strtol(p, (char **)&p, 10);
        break;
      case 'a':
      case 'i':
      case 'c':
        c->text = parse_text(&p);
        break;
      case ':':
        if (c->a1.type != A_NONE) parse_error(": doesn't want any addresses", 0);
        c->label = parse_word(&p, 1);
        if (!*c->label) parse_error("\":\" lacks a label", 0);
        break;
      case 'b':
      case 't':
      case 'T':
        c->label = parse_word(&p, 1);
        break;
      case 'r':
      case 'R':
        c->fname = parse_word(&p, 0);
        break;
      case 'w':
      case 'W':
        c->fname = parse_word(&p, 0);
        c->wfile = open_wfile(c->fname);
        break;
      case 's': {
        char delim = *p++;
        if (!delim || delim == '\n' || delim == '\\') bb_error_msg_and_die("bad format in substitution expression");
        char *re = read_delimited(&p, delim, 1);
        c->repl = read_delimited(&p, delim, 0);
        int icase = 0;
        for (;;) {
          if (*p == 'g') c->global = 1, p++;
          else if (*p == 'p') c->print = 1, p++;
          else if (*p == 'i' || *p == 'I') icase = 1, p++;
          else if (*p == 'm' || *p == 'M' || *p == 'e') p++;
          else if (bb_isdigit((unsigned char)*p)) c->nth = strtoul(p, (char **)&p, 10);
          else if (*p == 'w') {
            p++;
            c->fname = parse_word(&p, 0);
            c->wfile = open_wfile(c->fname);
            break;
          } else break;
        }
        c->re = compile_re(re, icase);
        free(re);
        break;
      }
      case 'y': {
        char delim = *p++;
        char *a = read_delimited(&p, delim, 0);
        char *b = read_delimited(&p, delim, 0);
        /* \\ is a backslash, \n a newline. */
        unsigned char xa[512], xb[512];
        size_t na = 0, nb = 0;
        for (char *s = a; *s && na < sizeof xa; s++) xa[na++] = (unsigned char)(*s == '\\' && s[1] ? (++s, *s == 'n' ? '\n' : *s) : *s);
        for (char *s = b; *s && nb < sizeof xb; s++) xb[nb++] = (unsigned char)(*s == '\\' && s[1] ? (++s, *s == 'n' ? '\n' : *s) : *s);
        if (na != nb) bb_error_msg_and_die("strings for y command are different lengths");
        c->ymap = xmalloc(256);
        for (int k = 0; k < 256; k++) c->ymap[k] = (unsigned char)k;
        for (size_t k = 0; k < na; k++) c->ymap[xa[k]] = xb[k];
        free(a);
        free(b);
        break;
      }
      default:
        bb_error_msg_and_die("unsupported command %c", c->c);
    }
    ncmds++;
    skip_spaces(&p);
    if (*p == '}' || *p == '#') continue;
    if (*p && *p != ';' && *p != '\n') bb_error_msg_and_die("extra characters after command");
  }
  /* BusyBox accepts a missing '}': the block runs to the end. */
  while (depth > 0) cmds[stack[--depth]].jump = ncmds;
  /* Resolve labels. */
  for (int i = 0; i < ncmds; i++) {
    struct cmd *c = &cmds[i];
    if (c->c != 'b' && c->c != 't' && c->c != 'T') continue;
    if (!*c->label) {
      c->jump = ncmds;
      continue;
    }
    int k;
    for (k = 0; k < ncmds; k++) {
      if (cmds[k].c == ':' && strcmp(cmds[k].label, c->label) == 0) break;
    }
    if (k == ncmds) bb_error_msg_and_die("can't find label for jump to '%s'", c->label);
    c->jump = k;
  }
}

/* ---------------------------------------------------------------- execution */

static unsigned long linenum;
static strbuf ps, hs;
static int replaced;

struct append {
  int kind; /* 0 text, 1 file, 2 one line of a file */
  char *data;
};
static struct append *appends;
static int nappends;

static struct sre *use_re(struct sre *re) {
  if (re) {
    last_re = re;
    return re;
  }
  if (!last_re) bb_error_msg_and_die("no previous regexp");
  return last_re;
}

static int match_re(struct sre *re, const char *s, size_t len) { return sre_exec(use_re(re), s, len, 0, 0, 0) == 0; }

static int match_addr(struct addr *a) {
  switch (a->type) {
    case A_LINE:
      return linenum == a->n;
    case A_LAST:
      return is_last_line();
    case A_REGEX:
      return match_re(a->re, sb_str(&ps), ps.len);
    case A_STEP:
      if (a->step == 0) return linenum == a->n;
      return linenum >= a->n && (linenum - a->n) % a->step == 0;
    default:
      return 0;
  }
}

static int matches(struct cmd *c) {
  int m;
  if (c->a1.type == A_NONE) {
    m = 1;
  } else if (c->a2.type == A_NONE) {
    m = match_addr(&c->a1);
  } else if (!c->active) {
    int start = c->a1.type == A_ZERO ? linenum == 1 : match_addr(&c->a1);
    m = start;
    if (start) {
      c->active = 1;
      switch (c->a2.type) {
        case A_LINE:
          if (c->a2.n <= linenum) c->active = 0;
          break;
        case A_PLUS:
          c->end_line = linenum + c->a2.n;
          if (c->a2.n == 0) c->active = 0;
          break;
        case A_MULT:
          if (c->a2.n == 0 || linenum % c->a2.n == 0) c->active = 0;
          break;
        case A_LAST:
          if (is_last_line()) c->active = 0;
          break;
        case A_REGEX:
          /* 0,/re/: the end may match on the first line too. */
          if (c->a1.type == A_ZERO && match_re(c->a2.re, sb_str(&ps), ps.len)) c->active = 0;
          break;
      }
    }
  } else {
    m = 1;
    switch (c->a2.type) {
      case A_LINE:
        if (linenum >= c->a2.n) c->active = 0;
        break;
      case A_PLUS:
        if (linenum >= c->end_line) c->active = 0;
        break;
      case A_MULT:
        if (linenum % c->a2.n == 0) c->active = 0;
        break;
      case A_LAST:
        if (is_last_line()) c->active = 0;
        break;
      case A_REGEX:
        if (match_re(c->a2.re, sb_str(&ps), ps.len)) c->active = 0;
        break;
    }
  }
  return m ^ c->negate;
}

static int line_had_newline = 1;

static void print_ps(struct out *o, const char *s, size_t n) {
  /* The last line of input without a newline is printed without one. */
  int newline = line_had_newline || !is_last_line();
  out_write(o, s, n, newline);
  if (!newline) o->missing_newline = 1;
}

static void flush_appends(void) {
  for (int i = 0; i < nappends; i++) {
    struct append *a = &appends[i];
    if (a->kind == 0) {
      out_write(out, a->data, strlen(a->data), 1);
    } else if (a->kind == 1) {
      FILE *f = fopen(a->data, "r");
      if (f) {
        char buf[4096];
        size_t n;
        int any = 0, last_nl = 1;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
          out_write(out, buf, n, 0);
          any = 1;
          last_nl = buf[n - 1] == '\n';
        }
        if (any && !last_nl) out->missing_newline = 1;
        fclose(f);
      }
    } else {
      out_write(out, a->data, strlen(a->data), 1);
      free(a->data);
    }
  }
  nappends = 0;
}

static void queue_append(int kind, char *data) {
  appends = xrealloc(appends, sizeof *appends * (size_t)(nappends + 1));
  appends[nappends].kind = kind;
  appends[nappends].data = data;
  nappends++;
}

/* R: one line per use from each file, remembered across uses. */
struct rfile {
  char *name;
  FILE *f;
};
static struct rfile *rfiles;
static int nrfiles;

static char *read_R_line(const char *name) {
  int i;
  for (i = 0; i < nrfiles; i++) {
    if (strcmp(rfiles[i].name, name) == 0) break;
  }
  if (i == nrfiles) {
    rfiles = xrealloc(rfiles, sizeof *rfiles * (size_t)(nrfiles + 1));
    rfiles[i].name = xstrdup(name);
    rfiles[i].f = fopen(name, "r");
    nrfiles++;
  }
  if (!rfiles[i].f) return 0;
  char *line = 0;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, rfiles[i].f);
  if (n < 0) {
    free(line);
    return 0;
  }
  if (n > 0 && line[n - 1] == '\n') line[n - 1] = 0;
  return line;
}

static void do_subst(struct cmd *c) {
  struct sre *re = use_re(c->re);
  char *s = sb_str(&ps);
  size_t len = ps.len;
  strbuf res = {0};
  size_t pos = 0;
  unsigned long count = 0;
  int did = 0;
  regmatch_t m[10];
  while (pos <= len) {
    int flags = pos > 0 ? REG_NOTBOL : 0;
    if (sre_exec(re, s + pos, len - pos, 10, m, flags) != 0) break;
    size_t ms = pos + (size_t)m[0].rm_so, me = pos + (size_t)m[0].rm_eo;
    count++;
    /* As BusyBox: with g every match is replaced, whatever N says. */
    int take = c->global || !c->nth || count == c->nth;
    sb_append(&res, s + pos, ms - pos);
    if (take) {
      did = 1;
      for (const char *r = c->repl; *r; r++) {
        if (*r == '\\' && r[1]) {
          r++;
          if (*r >= '0' && *r <= '9') {
            int g = *r - '0';
            if (m[g].rm_so >= 0) sb_append(&res, s + pos + m[g].rm_so, (size_t)(m[g].rm_eo - m[g].rm_so));
          } else if (*r == 'n') {
            sb_putc(&res, '\n');
          } else if (*r == 't') {
            sb_putc(&res, '\t');
          } else {
            sb_putc(&res, *r);
          }
        } else if (*r == '&') {
          sb_append(&res, s + ms, me - ms);
        } else {
          sb_putc(&res, *r);
        }
      }
    } else {
      sb_append(&res, s + ms, me - ms);
    }
    if (me == ms) {
      /* An empty match: copy one character and move on. */
      if (ms < len) sb_putc(&res, s[ms]);
      pos = ms + 1;
    } else {
      pos = me;
    }
    if (take && !c->global) break;
    if (!c->global && c->nth && count >= c->nth) break;
    if (me == ms && ms >= len) break;
  }
  if (!did) {
    free(res.data);
    return;
  }
  if (pos < len) sb_append(&res, s + pos, len - pos);
  ps.len = 0;
  sb_append(&ps, res.data ? res.data : "", res.len);
  free(res.data);
  replaced = 1;
  if (c->print) print_ps(out, ps.data, ps.len);
  if (c->wfile) {
    fwrite(ps.data, 1, ps.len, c->wfile);
    putc('\n', c->wfile);
  }
}

static void do_list(void) {
  const unsigned char *s = (const unsigned char *)sb_str(&ps);
  strbuf o = {0};
  int col = 0;
  for (size_t i = 0; i < ps.len; i++) {
    char buf[8];
    unsigned char c = s[i];
    const char *esc = 0;
    switch (c) {
      case '\\': esc = "\\\\"; break;
      case '\a': esc = "\\a"; break;
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      case '\v': esc = "\\v"; break;
    }
    if (!esc) {
      if (c < 32 || c >= 127) snprintf(buf, sizeof buf, "\\%03o", c);
      else buf[0] = (char)c, buf[1] = 0;
      esc = buf;
    }
    size_t n = strlen(esc);
    if (col + (int)n > 69) {
      sb_puts(&o, "\\\n");
      col = 0;
    }
    sb_puts(&o, esc);
    col += (int)n;
  }
  sb_putc(&o, '$');
  out_write(out, o.data, o.len, 1);
  free(o.data);
}

/* Runs one file's (or the whole input's) lines through the script; returns -1 after q/Q (exit code in *code). */
static int process(int *code) {
  int had_nl;
  while (read_line(&ps, &had_nl)) {
    linenum++;
    line_had_newline = had_nl;
    replaced = 0;
  restart:
    for (int pc = 0; pc < ncmds;) {
      struct cmd *c = &cmds[pc];
      if (c->c == '}' || c->c == ':' ) {
        pc++;
        continue;
      }
      if (!matches(c)) {
        pc = c->c == '{' ? c->jump : pc + 1;
        continue;
      }
      switch (c->c) {
        case '{':
          break;
        case '=': {
          char buf[32];
          int n = snprintf(buf, sizeof buf, "%lu", linenum);
          out_write(out, buf, (size_t)n, 1);
          break;
        }
        case 'a':
          queue_append(0, c->text);
          break;
        case 'i':
          out_write(out, c->text, strlen(c->text), 1);
          break;
        case 'c':
          if (!c->active || c->a2.type == A_NONE || c->negate) out_write(out, c->text, strlen(c->text), 1);
          goto end_cycle_no_print;
        case 'd':
          goto end_cycle_no_print;
        case 'D': {
          char *nl = memchr(sb_str(&ps), '\n', ps.len);
          if (!nl) goto end_cycle_no_print;
          size_t cut = (size_t)(nl - ps.data) + 1;
          memmove(ps.data, ps.data + cut, ps.len - cut + 1);
          ps.len -= cut;
          flush_appends();
          goto restart;
        }
        case 'g':
          ps.len = 0;
          sb_append(&ps, hs.data ? hs.data : "", hs.len);
          break;
        case 'G':
          sb_putc(&ps, '\n');
          sb_append(&ps, hs.data ? hs.data : "", hs.len);
          break;
        case 'h':
          hs.len = 0;
          sb_append(&hs, ps.data ? ps.data : "", ps.len);
          break;
        case 'H':
          sb_putc(&hs, '\n');
          sb_append(&hs, ps.data ? ps.data : "", ps.len);
          break;
        case 'x': {
          strbuf t = ps;
          ps = hs;
          hs = t;
          sb_str(&ps);
          break;
        }
        case 'l':
          do_list();
          break;
        case 'n':
          if (!quiet) print_ps(out, sb_str(&ps), ps.len);
          if (is_last_line()) {
            flush_appends();
            return 0;
          }
          flush_appends();
          read_line(&ps, &had_nl);
          line_had_newline = had_nl;
          linenum++;
          break;
        case 'N':
          if (is_last_line()) {
            /* GNU: print the pattern space and stop. */
            goto end_cycle;
          }
          {
            strbuf next = {0};
            read_line(&next, &had_nl);
            line_had_newline = had_nl;
            linenum++;
            sb_putc(&ps, '\n');
            sb_append(&ps, next.data, next.len);
            free(next.data);
          }
          break;
        case 'p':
          print_ps(out, sb_str(&ps), ps.len);
          break;
        case 'P': {
          char *nl = memchr(sb_str(&ps), '\n', ps.len);
          size_t n = nl ? (size_t)(nl - ps.data) : ps.len;
          out_write(out, ps.data, n, 1);
          break;
        }
        case 'q':
          *code = c->exit_code;
          if (!quiet) print_ps(out, sb_str(&ps), ps.len);
          flush_appends();
          return -1;
        case 'Q':
          *code = c->exit_code;
          return -1;
        case 'r':
          queue_append(1, c->fname);
          break;
        case 'R': {
          char *line = read_R_line(c->fname);
          if (line) queue_append(2, line);
          break;
        }
        case 'w':
          fwrite(sb_str(&ps), 1, ps.len, c->wfile);
          putc('\n', c->wfile);
          break;
        case 'W': {
          char *nl = memchr(sb_str(&ps), '\n', ps.len);
          size_t n = nl ? (size_t)(nl - ps.data) : ps.len;
          fwrite(ps.data, 1, n, c->wfile);
          putc('\n', c->wfile);
          break;
        }
        case 's':
          do_subst(c);
          break;
        case 'y':
          for (size_t k = 0; k < ps.len; k++) ps.data[k] = (char)c->ymap[(unsigned char)ps.data[k]];
          break;
        case 'z':
          ps.len = 0;
          sb_str(&ps);
          break;
        case 'b':
          pc = c->jump;
          continue;
        case 't':
          if (replaced) {
            replaced = 0;
            pc = c->jump;
            continue;
          }
          break;
        case 'T':
          if (!replaced) {
            pc = c->jump;
            continue;
          }
          replaced = 0;
          break;
      }
      pc++;
    }
  end_cycle:
    if (!quiet) print_ps(out, sb_str(&ps), ps.len);
  end_cycle_no_print:
    flush_appends();
  }
  return 0;
}

static int edit_in_place(const char *file, const char *suffix, int *code) {
  struct stat st;
  if (stat(file, &st) < 0 || !S_ISREG(st.st_mode)) {
    if (stat(file, &st) < 0) bb_perror_msg("%s", file);
    else bb_error_msg("couldn't edit %s: not a regular file", file);
    return 1;
  }
  FILE *f = fopen(file, "r");
  if (!f) {
    bb_perror_msg("%s", file);
    return 1;
  }
  bb_big_buffer(f);
  char *dir = xstrdup(file);
  char *slash = strrchr(dir, '/');
  if (slash) slash[1] = 0;
  else dir[0] = 0;
  char *tmpl = xasprintf("%ssedXXXXXX", dir);
  int fd = mkstemp(tmpl);
  if (fd < 0) bb_perror_msg_and_die("can't create temp file '%s'", tmpl);
  struct out o = {fdopen(fd, "w"), 0};
  bb_big_buffer(o.f);
  out = &o;
  in.files = (char *[]){0};
  in.idx = 0;
  in.f = f;
  in.per_file = 1;
  fill_lookahead();
  linenum = 0;
  for (int i = 0; i < ncmds; i++) cmds[i].active = 0;
  int r = process(code);
  fflush(o.f);
  fchmod(fd, st.st_mode & 07777);
  fclose(o.f);
  if (in.f) fclose(in.f);
  in.f = 0;
  if (suffix) {
    char *backup = xasprintf("%s%s", file, suffix);
    if (rename(file, backup) < 0) bb_perror_msg_and_die("can't rename '%s'", file);
    free(backup);
  }
  if (rename(tmpl, file) < 0) bb_perror_msg_and_die("can't rename '%s'", tmpl);
  free(tmpl);
  free(dir);
  out = &std_out;
  return r;
}

int sed_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"quiet", 0, 'n'},          {"silent", 0, 'n'},         {"expression", 1, 'e'},
                                        {"file", 1, 'f'},           {"in-place", 2, 'i'},       {"regexp-extended", 0, 'r'},
                                        {"separate", 0, 's'},       {0, 0, 0}};
  /* "-i[SFX]": the suffix is attached; rewrite "-iSFX" so getopt32 sees a flag. */
  char *suffix = 0;
  int in_place = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (argv[i][0] == '-' && argv[i][1] == 'i') {
      in_place = 1;
      if (argv[i][2]) suffix = argv[i] + 2;
      argv[i] = "-i";
    } else if (strncmp(argv[i], "--in-place", 10) == 0) {
      in_place = 1;
      if (argv[i][10] == '=') suffix = argv[i] + 11;
      argv[i] = "-i";
    }
  }
  llist *elist = 0, *flist = 0;
  /* bits: n0 e1 f2 i3 r4 E5 s6 z7 u8 */
  unsigned opt = getopt32long(argv, "ne*f*irEszu", longopts, &elist, &flist);
  quiet = opt & 1;
  extended = (opt & (16 | 32)) != 0;
  separate = (opt & 64) != 0 || in_place;
  argv += optind;
  strbuf script = {0};
  for (llist *e = elist; e; e = e->next) {
    sb_puts(&script, e->data);
    sb_putc(&script, '\n');
  }
  for (llist *e = flist; e; e = e->next) {
    char *data = xmalloc_read_file(e->data, 0);
    if (!data) return 1;
    sb_puts(&script, data);
    sb_putc(&script, '\n');
    free(data);
  }
  if (!elist && !flist) {
    if (!argv[0]) bb_show_usage();
    sb_puts(&script, *argv++);
    sb_putc(&script, '\n');
  }
  /* "#n" on the first line is -n. */
  if (strncmp(sb_str(&script), "#n\n", 3) == 0) quiet = 1;
  parse_script(script.data);
  std_out.f = stdout;
  out = &std_out;
  int code = 0;
  if (in_place) {
    if (!argv[0]) bb_error_msg_and_die("no files to edit in-place");
    int status = 0;
    for (; *argv; argv++) {
      int r = edit_in_place(*argv, suffix, &code);
      if (r > 0) status = 1;
      if (r < 0) break;
    }
    if (fflush_all()) return 4;
    return code ? code : status;
  }
  char *stdin_only[] = {"-", 0};
  in.files = argv[0] ? argv : stdin_only;
  in.idx = 0;
  in.per_file = separate;
  for (;;) {
    if (!open_next_file()) break;
    fill_lookahead();
    if (process(&code) < 0) break;
    if (!separate) break;
    if (in.f && in.f != stdin) fclose(in.f);
    in.f = 0;
  }
  for (int i = 0; i < ncmds; i++) {
    if (cmds[i].wfile && cmds[i].wfile != stdout && cmds[i].wfile != stderr) fclose(cmds[i].wfile);
  }
  if (fflush_all()) return 4;
  return code ? code : in.status;
}
