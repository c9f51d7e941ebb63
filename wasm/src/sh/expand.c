/*
 * Word expansion: tilde, parameters, command substitution, arithmetic,
 * field splitting, pathname expansion and quote removal, in POSIX order.
 *
 * A word's source text is interpreted into an xbuf: characters with flags
 * telling whether each one was quoted (no splitting or globbing), produced by
 * an unquoted expansion (subject to IFS splitting), or is a zero-width
 * marker: a forced field break ("$@") or "keep this field even if empty"
 * (quotes were seen). The xbuf is then turned into fields, a string, or a
 * pattern (quoted characters backslash-escaped) depending on the context.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

enum { XF_Q = 1, XF_SPLIT = 2, XF_BREAK = 4, XF_KEEP = 8 };

typedef struct {
  char *s;
  unsigned char *f;
  size_t len, cap;
} xbuf_t;

typedef struct {
  xbuf_t b;
  int flags;
  int err;
} xctx_t;

int g_last_subst_status;
int g_subst_happened;

static void xb_free(xbuf_t *b) {
  free(b->s);
  free(b->f);
  memset(b, 0, sizeof *b);
}

static void emit(xctx_t *x, int c, int flag) {
  xbuf_t *b = &x->b;
  if (b->len == b->cap) {
    b->cap = b->cap ? b->cap * 2 : 64;
    b->s = xrealloc(b->s, b->cap);
    b->f = xrealloc(b->f, b->cap);
  }
  b->s[b->len] = (char)c;
  b->f[b->len++] = (unsigned char)flag;
}

static void emit_n(xctx_t *x, const char *s, size_t n, int flag) {
  for (size_t i = 0; i < n; i++) emit(x, (unsigned char)s[i], flag);
}

/* An expansion's value: quoted, or subject to splitting. */
static void emit_value(xctx_t *x, const char *v, int q) { emit_n(x, v, strlen(v), q ? XF_Q : XF_SPLIT); }

/* ------------------------------------------------------------------ skipping constructs in source text */

static size_t skip_dollar(const char *s, size_t i, size_t end);

static size_t skip_squote(const char *s, size_t i, size_t end) {
  while (i < end && s[i] != '\'') i++;
  return i;
}

static size_t skip_bq(const char *s, size_t i, size_t end) {
  while (i < end && s[i] != '`') {
    if (s[i] == '\\' && i + 1 < end) i++;
    i++;
  }
  return i;
}

static size_t skip_dquote(const char *s, size_t i, size_t end) {
  while (i < end && s[i] != '"') {
    if (s[i] == '\\' && i + 1 < end) i += 2;
    else if (s[i] == '$') i = skip_dollar(s, i, end);
    else if (s[i] == '`') i = skip_bq(s, i + 1, end) + 1;
    else i++;
  }
  return i;
}

/* i just after "${"; returns the index of the closing brace. */
static size_t skip_brace(const char *s, size_t i, size_t end, int indq) {
  while (i < end && s[i] != '}') {
    if (s[i] == '\\' && i + 1 < end) i += 2;
    else if (s[i] == '\'' && !indq) i = skip_squote(s, i + 1, end) + 1;
    else if (s[i] == '"') i = skip_dquote(s, i + 1, end) + 1;
    else if (s[i] == '$') i = skip_dollar(s, i, end);
    else if (s[i] == '`') i = skip_bq(s, i + 1, end) + 1;
    else i++;
  }
  return i;
}

/* i just after "$(("; returns the index after "))". */
static size_t skip_arith(const char *s, size_t i, size_t end) {
  int depth = 0;
  while (i < end) {
    char c = s[i];
    if (c == '(') depth++, i++;
    else if (c == ')') {
      if (depth == 0 && i + 1 < end && s[i + 1] == ')') return i + 2;
      if (depth > 0) depth--;
      i++;
    } else if (c == '\\' && i + 1 < end) i += 2;
    else if (c == '$') i = skip_dollar(s, i, end);
    else if (c == '`') i = skip_bq(s, i + 1, end) + 1;
    else if (c == '"') i = skip_dquote(s, i + 1, end) + 1;
    else if (c == '\'') i = skip_squote(s, i + 1, end) + 1;
    else i++;
  }
  return end;
}

/* i at '$'; returns the index after the construct. */
static size_t skip_dollar(const char *s, size_t i, size_t end) {
  if (i + 1 >= end) return i + 1;
  if (s[i + 1] == '{') {
    size_t j = skip_brace(s, i + 2, end, 0);
    return j < end ? j + 1 : end;
  }
  if (s[i + 1] == '(') {
    if (i + 2 < end && s[i + 2] == '(') return skip_arith(s, i + 3, end);
    long len = parse_cmdsubst_len(s + i + 2, end - i - 2);
    return len < 0 ? end : i + 2 + (size_t)len;
  }
  return i + 1;
}

/* ------------------------------------------------------------------ parameters */

static const char *ifs_value(void) {
  const char *ifs = var_get("IFS");
  return ifs ? ifs : " \t\n";
}

/* The value of a special or positional parameter or variable (NULL if unset). */
static const char *param_value(const char *name, size_t n, char *buf, size_t buflen) {
  if (n == 1) {
    switch (name[0]) {
      case '#':
        snprintf(buf, buflen, "%d", g_params.n);
        return buf;
      case '?':
        snprintf(buf, buflen, "%d", g_status);
        return buf;
      case '$':
        snprintf(buf, buflen, "%d", (int)g_rootpid);
        return buf;
      case '!':
        if (!g_lastbg) return NULL;
        snprintf(buf, buflen, "%d", (int)g_lastbg);
        return buf;
      case '-': {
        char *o = options_dollar_minus();
        snprintf(buf, buflen, "%s", o);
        return buf;
      }
      case '0':
        return g_arg0;
    }
  }
  if (name[0] >= '0' && name[0] <= '9') {
    long k = 0;
    for (size_t i = 0; i < n && k < 100000000; i++) k = k * 10 + (name[i] - '0');
    if (k == 0) return g_arg0;
    return k <= g_params.n ? g_params.v[k - 1] : NULL;
  }
  return var_get_n(name, n);
}

/* "$*" joined by the first IFS character. */
static char *join_params(void) {
  const char *ifs = var_get("IFS");
  char sep = ifs ? ifs[0] : ' ';
  sbuf_t sb = {0};
  for (int i = 0; i < g_params.n; i++) {
    if (i && sep) sb_addc(&sb, sep);
    sb_adds(&sb, g_params.v[i]);
  }
  char *r = ststrdup(sb_str(&sb));
  sb_free(&sb);
  return r;
}

static void emit_params(xctx_t *x, int q, int star) {
  if (q && star) {
    emit_value(x, join_params(), 1);
    return;
  }
  for (int i = 0; i < g_params.n; i++) {
    if (i) emit(x, 0, XF_BREAK);
    emit_value(x, g_params.v[i], q);
    if (q) emit(x, 0, XF_KEEP);
  }
}

static size_t xword(xctx_t *x, const char *s, size_t i, size_t end, int q, int inbrace);

/* Expands s[0..n) into a plain string (no splitting) with a sub-context. */
static char *sub_string(xctx_t *x, const char *s, size_t n, int q, int pattern) {
  xctx_t sub = {0};
  sub.flags = x->flags & EXP_HEREDOC;
  xword(&sub, s, 0, n, q, 1);
  if (sub.err) x->err = 1;
  sbuf_t sb = {0};
  for (size_t i = 0; i < sub.b.len; i++) {
    int f = sub.b.f[i];
    char c = sub.b.s[i];
    if (f & XF_KEEP) continue;
    if (f & XF_BREAK) c = ' ';
    if (pattern && (f & XF_Q) && strchr("*?[]\\", c)) sb_addc(&sb, '\\');
    else if (pattern && !(f & XF_Q) && !(f & XF_SPLIT) && c == '\\') sb_addc(&sb, '\\');
    sb_addc(&sb, c);
  }
  xb_free(&sub.b);
  char *r = ststrdup(sb_str(&sb));
  sb_free(&sb);
  return r;
}

static void bad_subst(xctx_t *x, const char *s, size_t n) {
  if (!x->err) {
    char *t = xstrndup(s, n);
    sh_error("syntax error: bad substitution");
    free(t);
  }
  x->err = 1;
  raise_error();
}

/* Longest/shortest prefix/suffix removal. */
static char *remove_pattern(const char *v, const char *pat, int suffix, int longest) {
  size_t n = strlen(v);
  char *tmp = ststrdup(v);
  if (!suffix) {
    for (size_t k = 0; k <= n; k++) {
      size_t len = longest ? n - k : k;
      char save = tmp[len];
      tmp[len] = 0;
      int m = pmatch(pat, tmp);
      tmp[len] = save;
      if (m) return ststrdup(v + len);
    }
  } else {
    for (size_t k = 0; k <= n; k++) {
      size_t start = longest ? k : n - k;
      if (pmatch(pat, v + start)) return ststrndup(v, start);
    }
  }
  return ststrdup(v);
}

static char *replace_pattern(const char *v, const char *pat, const char *rep, int all, int anchor) {
  size_t n = strlen(v);
  sbuf_t sb = {0};
  char *tmp = ststrdup(v);
  size_t i = 0;
  int done = 0;
  while (i <= n) {
    size_t best = (size_t)-1;
    if (!done && (anchor != '#' || i == 0)) {
      for (size_t e = n; e + 1 > i; e--) {
        if (anchor == '%' && e != n) break;
        char save = tmp[e];
        tmp[e] = 0;
        int m = pmatch(pat, tmp + i);
        tmp[e] = save;
        if (m) {
          best = e;
          break;
        }
        if (e == 0) break;
      }
    }
    if (best != (size_t)-1 && (best > i || *pat == 0 ? best > i : 1)) {
      sb_adds(&sb, rep);
      if (!all) done = 1;
      if (best == i) {
        if (i < n) sb_addc(&sb, v[i]);
        i++;
      } else {
        i = best;
      }
      continue;
    }
    if (i < n) sb_addc(&sb, v[i]);
    i++;
  }
  char *r = ststrdup(sb_str(&sb));
  sb_free(&sb);
  return r;
}

static int is_special_param(int c) { return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' || c == '0'; }

/* Scans a parameter name at s[i..n): returns its length (0 if none). */
static size_t param_name_len(const char *s, size_t i, size_t n) {
  if (i >= n) return 0;
  if (is_name_start((unsigned char)s[i])) {
    size_t j = i;
    while (j < n && is_name_char((unsigned char)s[j])) j++;
    return j - i;
  }
  if (s[i] >= '0' && s[i] <= '9') {
    size_t j = i;
    while (j < n && s[j] >= '0' && s[j] <= '9') j++;
    return j - i;
  }
  if (is_special_param((unsigned char)s[i])) return 1;
  return 0;
}

static void unset_error(xctx_t *x, const char *name, size_t n) {
  char *nm = ststrndup(name, n);
  sh_error("%s: parameter not set", nm);
  x->err = 1;
  raise_error();
}

/* The inside of ${...}. */
static void param_expand(xctx_t *x, const char *s, size_t n, int q) {
  char buf[32];
  size_t i = 0;
  int length = 0;
  if (n == 0) {
    bad_subst(x, s, n);
    return;
  }
  if (s[0] == '#' && n > 1) {
    size_t l = param_name_len(s, 1, n);
    if (l && 1 + l == n) {
      length = 1;
      i = 1;
    }
  }
  size_t nl = param_name_len(s, i, n);
  if (!nl) {
    bad_subst(x, s, n);
    return;
  }
  const char *name = s + i;
  i += nl;
  int is_at = nl == 1 && (name[0] == '@' || name[0] == '*');
  const char *v;
  if (is_at) v = g_params.n ? join_params() : NULL;
  else v = param_value(name, nl, buf, sizeof buf);
  if (is_at && g_params.n == 0) v = NULL;
  if (length) {
    if (!v && g_opt[OPT_u] && !is_at) {
      unset_error(x, name, nl);
      return;
    }
    char num[32];
    snprintf(num, sizeof num, "%zu", v ? strlen(v) : (size_t)0); /* ${#@}: length of "$*", as busybox */
    emit_value(x, num, q);
    return;
  }
  if (i == n) {
    if (is_at) {
      emit_params(x, q, name[0] == '*');
      return;
    }
    if (!v) {
      if (g_opt[OPT_u]) unset_error(x, name, nl);
      return;
    }
    emit_value(x, v, q);
    return;
  }
  int colon = 0;
  char op = s[i];
  if (op == ':' && i + 1 < n && strchr("-=?+", s[i + 1])) {
    colon = 1;
    op = s[++i];
  }
  const char *word = s + i + 1;
  size_t wl = n - i - 1;
  int unset_or_null = !v || (colon && !*v);
  switch (op) {
    case '-':
      if (unset_or_null) xword(x, word, 0, wl, q, 1);
      else if (is_at) emit_params(x, q, name[0] == '*');
      else emit_value(x, v, q);
      return;
    case '+':
      if (!unset_or_null) xword(x, word, 0, wl, q, 1);
      return;
    case '=':
      if (unset_or_null) {
        char *w = sub_string(x, word, wl, q, 0);
        if (x->err) return;
        if (!is_name_n(name, nl)) {
          char *nm = ststrndup(name, nl);
          sh_error("%s: bad variable name", nm);
          x->err = 1;
          raise_error();
          return;
        }
        char *nm = ststrndup(name, nl);
        if (var_set(nm, w, 0) < 0) {
          x->err = 1;
          return;
        }
        emit_value(x, w, q);
      } else {
        emit_value(x, v, q);
      }
      return;
    case '?':
      if (unset_or_null) {
        char *w = wl ? sub_string(x, word, wl, q, 0) : NULL;
        if (x->err) return;
        char *nm = ststrndup(name, nl);
        if (w) sh_error("%s: %s", nm, w);
        else sh_error("%s: parameter not set%s", nm, colon ? " or null" : "");
        x->err = 1;
        raise_error();
        return;
      }
      if (is_at) emit_params(x, q, name[0] == '*');
      else emit_value(x, v, q);
      return;
  }
  if (!v && g_opt[OPT_u] && !is_at) {
    unset_error(x, name, nl);
    return;
  }
  if (!v) v = "";
  if (op == '#' || op == '%') {
    int longest = i + 1 < n && s[i + 1] == op;
    if (longest) word++, wl--;
    char *pat = sub_string(x, word, wl, 0, 1);
    if (x->err) return;
    emit_value(x, remove_pattern(v, pat, op == '%', longest), q);
    return;
  }
  if (op == '/') {
    int all = 0, anchor = 0;
    if (wl && word[0] == '/') all = 1, word++, wl--;
    /* split pattern/replacement at the first unquoted '/' */
    size_t k = 0;
    while (k < wl && word[k] != '/') {
      if (word[k] == '\\' && k + 1 < wl) k++;
      else if (word[k] == '\'') k = skip_squote(word, k + 1, wl);
      else if (word[k] == '"') k = skip_dquote(word, k + 1, wl);
      else if (word[k] == '$') {
        k = skip_dollar(word, k, wl);
        continue;
      }
      k++;
    }
    char *pat = sub_string(x, word, k, 0, 1);
    char *rep = k < wl ? sub_string(x, word + k + 1, wl - k - 1, q, 0) : "";
    if (x->err) return;
    emit_value(x, replace_pattern(v, pat, rep, all, anchor), q);
    return;
  }
  if (op == ':') {
    /* ${v:offset[:length]} */
    size_t k = 0;
    int depth = 0;
    while (k < wl && !(word[k] == ':' && depth == 0)) {
      if (word[k] == '(') depth++;
      else if (word[k] == ')') depth--;
      k++;
    }
    char *off_s = sub_string(x, word, k, 1, 0);
    int err = 0;
    arith_t off = arith_eval(off_s, &err);
    if (err) {
      x->err = 1;
      raise_error();
      return;
    }
    arith_t len = -1;
    int have_len = k < wl;
    if (have_len) {
      char *len_s = sub_string(x, word + k + 1, wl - k - 1, 1, 0);
      len = arith_eval(len_s, &err);
      if (err) {
        x->err = 1;
        raise_error();
        return;
      }
    }
    arith_t vl = (arith_t)strlen(v);
    if (off < 0) off = vl + off < 0 ? 0 : vl + off;
    if (off > vl) off = vl;
    arith_t endp = vl;
    if (have_len) endp = len < 0 ? vl + len : off + len;
    if (endp > vl) endp = vl;
    if (endp < off) endp = off;
    emit_value(x, ststrndup(v + off, (size_t)(endp - off)), q);
    return;
  }
  bad_subst(x, s, n);
}

/* ------------------------------------------------------------------ tilde */

static const char *home_of(const char *user) {
  int fd = open("/etc/passwd", O_RDONLY);
  if (fd < 0) return NULL;
  sbuf_t sb = {0};
  char buf[1024];
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0) sb_addn(&sb, buf, (size_t)r);
  close(fd);
  const char *result = NULL;
  size_t ul = strlen(user);
  for (const char *line = sb_str(&sb); *line;) {
    const char *eol = strchr(line, '\n');
    size_t ll = eol ? (size_t)(eol - line) : strlen(line);
    if (ll > ul && strncmp(line, user, ul) == 0 && line[ul] == ':') {
      /* name:pw:uid:gid:gecos:home:shell */
      const char *f = line;
      int field = 0;
      const char *end = line + ll;
      while (f < end && field < 5) {
        if (*f == ':') field++;
        f++;
      }
      const char *h = f;
      while (f < end && *f != ':') f++;
      result = ststrndup(h, (size_t)(f - h));
      break;
    }
    if (!eol) break;
    line = eol + 1;
  }
  sb_free(&sb);
  return result;
}

/* s[i] == '~': expands a tilde prefix; returns the index after it, or i if none. */
static size_t tilde(xctx_t *x, const char *s, size_t i, size_t end) {
  size_t j = i + 1;
  int assign = x->flags & EXP_ASSIGN;
  while (j < end && s[j] != '/' && !(assign && s[j] == ':')) {
    char c = s[j];
    if (c == '\\' || c == '\'' || c == '"' || c == '$' || c == '`') return i;
    j++;
  }
  const char *home;
  if (j == i + 1) {
    home = var_get("HOME");
    if (!home) home = home_of("root");
  } else {
    home = home_of(ststrndup(s + i + 1, j - i - 1));
  }
  if (!home) return i;
  emit_n(x, home, strlen(home), XF_Q);
  return j;
}

/* ------------------------------------------------------------------ the word walker */

static void subst(xctx_t *x, const char *s, size_t n, int backquoted, int q) {
  char *out = command_subst(s, n, backquoted);
  if (!out) {
    x->err = 1;
    return;
  }
  emit_value(x, out, q);
  free(out);
}

/* Unescapes a backquoted command: \$ \` \\ (and \" inside double quotes). */
static char *unbackquote(const char *s, size_t n, int q) {
  char *out = stalloc(n + 1), *o = out;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '$' || s[i + 1] == '`' || s[i + 1] == '\\' || (q && s[i + 1] == '"'))) i++;
    *o++ = s[i];
  }
  *o = 0;
  return out;
}

static size_t xdollar(xctx_t *x, const char *s, size_t i, size_t end, int q) {
  char buf[32];
  if (i + 1 >= end) {
    emit(x, '$', q ? XF_Q : 0);
    return i + 1;
  }
  char c = s[i + 1];
  if (c == '{') {
    size_t j = skip_brace(s, i + 2, end, q);
    param_expand(x, s + i + 2, j - (i + 2), q);
    return j < end ? j + 1 : end;
  }
  if (c == '(') {
    if (i + 2 < end && s[i + 2] == '(') {
      size_t j = skip_arith(s, i + 3, end);
      size_t inner_end = j >= 2 ? j - 2 : j;
      char *expr = sub_string(x, s + i + 3, inner_end - (i + 3), 1, 0);
      if (x->err) return j;
      int err = 0;
      arith_t v = arith_eval(expr, &err);
      if (err) {
        x->err = 1;
        raise_error();
        return j;
      }
      snprintf(buf, sizeof buf, "%lld", (long long)v);
      emit_value(x, buf, q);
      return j;
    }
    long len = parse_cmdsubst_len(s + i + 2, end - i - 2);
    if (len < 0) {
      x->err = 1;
      return end;
    }
    subst(x, s + i + 2, (size_t)len - 1, 0, q);
    return i + 2 + (size_t)len;
  }
  if (is_name_start((unsigned char)c)) {
    size_t j = i + 1;
    while (j < end && is_name_char((unsigned char)s[j])) j++;
    const char *v = var_get_n(s + i + 1, j - i - 1);
    if (!v) {
      if (g_opt[OPT_u]) unset_error(x, s + i + 1, j - i - 1);
      return j;
    }
    emit_value(x, v, q);
    return j;
  }
  if (c >= '0' && c <= '9') {
    const char *v = param_value(s + i + 1, 1, buf, sizeof buf);
    if (!v && g_opt[OPT_u]) unset_error(x, s + i + 1, 1);
    else if (v) emit_value(x, v, q);
    return i + 2;
  }
  if (c == '@' || c == '*') {
    emit_params(x, q, c == '*');
    return i + 2;
  }
  if (is_special_param((unsigned char)c)) {
    const char *v = param_value(s + i + 1, 1, buf, sizeof buf);
    if (v) emit_value(x, v, q);
    else if (g_opt[OPT_u] && c == '!') unset_error(x, s + i + 1, 1);
    return i + 2;
  }
  emit(x, '$', q ? XF_Q : 0);
  return i + 1;
}

/*
 * Interprets s[i..end). q: inside double quotes. inbrace: the word of a
 * ${...} operator (a double quote starts a quoted part even when q, and
 * unquoted literal characters are subject to splitting).
 */
static size_t xword(xctx_t *x, const char *s, size_t i, size_t end, int q, int inbrace) {
  int heredoc = (x->flags & EXP_HEREDOC) != 0;
  size_t start = i;
  while (i < end && !x->err) {
    char c = s[i];
    if (c == '\'' && !q && !heredoc) {
      size_t j = skip_squote(s, i + 1, end);
      emit_n(x, s + i + 1, j - i - 1, XF_Q);
      emit(x, 0, XF_KEEP);
      i = j + 1;
    } else if (c == '"' && !heredoc && (!q || inbrace)) {
      size_t j = skip_dquote(s, i + 1, end);
      size_t inner = j - i - 1;
      int only_at = (inner == 2 && (strncmp(s + i + 1, "$@", 2) == 0)) || (inner == 4 && strncmp(s + i + 1, "${@}", 4) == 0);
      xword(x, s, i + 1, j, 1, 0);
      if (!(only_at && g_params.n == 0)) emit(x, 0, XF_KEEP);
      i = j + 1;
    } else if (c == '\\') {
      if (i + 1 >= end) {
        emit(x, '\\', q ? XF_Q : 0);
        i++;
      } else if (!q) {
        emit(x, (unsigned char)s[i + 1], XF_Q);
        i += 2;
      } else {
        char d = s[i + 1];
        if (d == '\n') {
          i += 2;
        } else if (d == '$' || d == '`' || d == '\\' || (d == '"' && !heredoc) || (d == '}' && inbrace)) {
          emit(x, (unsigned char)d, XF_Q);
          i += 2;
        } else {
          emit(x, '\\', XF_Q);
          i++;
        }
      }
    } else if (c == '$') {
      i = xdollar(x, s, i, end, q);
    } else if (c == '`') {
      size_t j = skip_bq(s, i + 1, end);
      char *cmd = unbackquote(s + i + 1, j - i - 1, q);
      subst(x, cmd, strlen(cmd), 1, q);
      i = j + 1;
    } else if (c == '~' && !q && (x->flags & (EXP_TILDE | EXP_ASSIGN)) &&
               (i == start || ((x->flags & EXP_ASSIGN) && s[i - 1] == ':'))) {
      size_t j = tilde(x, s, i, end);
      if (j == i) {
        emit(x, '~', 0);
        i++;
      } else {
        i = j;
      }
    } else {
      emit(x, (unsigned char)c, q ? XF_Q : (inbrace ? XF_SPLIT : 0));
      i++;
    }
  }
  return i;
}

/* ------------------------------------------------------------------ results */

typedef struct {
  char **v;
  int n, cap;
} argv_t;

static void argv_add(argv_t *a, char *s) {
  if (a->n + 1 >= a->cap) {
    int cap = a->cap ? a->cap * 2 : 16;
    char **v = stalloc(sizeof(char *) * (size_t)cap);
    if (a->n) memcpy(v, a->v, sizeof(char *) * (size_t)a->n);
    a->v = v;
    a->cap = cap;
  }
  a->v[a->n++] = s;
}

/* Adds one field (chars [from, to) of the buffer): globbed if it has unquoted magic. */
static void add_field(xctx_t *x, size_t from, size_t to, argv_t *out) {
  sbuf_t plain = {0}, pat = {0};
  int magic = 0;
  for (size_t i = from; i < to; i++) {
    int f = x->b.f[i];
    char c = x->b.s[i];
    if (f & (XF_BREAK | XF_KEEP)) continue;
    sb_addc(&plain, c);
    if ((f & XF_Q) || c == '\\') {
      if (strchr("*?[]\\", c)) sb_addc(&pat, '\\');
    } else if (c == '*' || c == '?' || c == '[') {
      magic = 1;
    }
    sb_addc(&pat, c);
  }
  if (magic && !g_opt[OPT_f] && pattern_has_magic(sb_str(&pat))) {
    int before = out->n;
    int cap = out->cap;
    glob_expand(sb_str(&pat), &out->v, &out->n, &cap);
    out->cap = cap;
    if (out->n > before) {
      sb_free(&plain);
      sb_free(&pat);
      return;
    }
  }
  argv_add(out, ststrdup(sb_str(&plain)));
  sb_free(&plain);
  sb_free(&pat);
}

/* IFS field splitting of the whole buffer into out. */
static void split_fields(xctx_t *x, argv_t *out) {
  const char *ifs = ifs_value();
  size_t from = 0;
  int have = 0, sep_pending = 0;
  size_t i;
  for (i = 0; i < x->b.len; i++) {
    int f = x->b.f[i];
    char c = x->b.s[i];
    if (f & XF_BREAK) {
      if (have) add_field(x, from, i, out);
      have = 0;
      sep_pending = 0;
      from = i + 1;
      continue;
    }
    if (f & XF_KEEP) {
      have = 1;
      continue;
    }
    if ((f & XF_SPLIT) && c && strchr(ifs, c)) {
      int ws = c == ' ' || c == '\t' || c == '\n';
      if (ws) {
        if (have) {
          add_field(x, from, i, out);
          sep_pending = 1;
        }
      } else {
        if (have || !sep_pending) add_field(x, from, i, out);
        sep_pending = 0;
      }
      have = 0;
      from = i + 1;
      continue;
    }
    if (!have) from = i;
    have = 1;
    sep_pending = 0;
  }
  if (have) add_field(x, from, i, out);
}

char **expand_words(word_t *words, int *argc_out) {
  argv_t out = {0};
  argv_add(&out, NULL);
  out.n = 0;
  for (word_t *w = words; w; w = w->next) {
    xctx_t x = {0};
    x.flags = EXP_FULL | EXP_TILDE;
    xword(&x, w->text, 0, strlen(w->text), 0, 0);
    if (x.err || g_exc) {
      xb_free(&x.b);
      return NULL;
    }
    split_fields(&x, &out);
    xb_free(&x.b);
  }
  argv_add(&out, NULL);
  out.n--;
  if (argc_out) *argc_out = out.n;
  return out.v;
}

char *expand_string(const char *text, int flags) {
  xctx_t x = {0};
  x.flags = flags;
  xword(&x, text, 0, strlen(text), 0, 0);
  if (x.err || g_exc) {
    xb_free(&x.b);
    return NULL;
  }
  sbuf_t sb = {0};
  for (size_t i = 0; i < x.b.len; i++) {
    int f = x.b.f[i];
    char c = x.b.s[i];
    if (f & XF_KEEP) continue;
    if (f & XF_BREAK) c = ' ';
    if ((flags & EXP_PATTERN) && (((f & XF_Q) && strchr("*?[]\\", c)) || (!(f & (XF_Q | XF_SPLIT)) && c == '\\')))
      sb_addc(&sb, '\\');
    sb_addc(&sb, c);
  }
  xb_free(&x.b);
  char *r = ststrdup(sb_str(&sb));
  sb_free(&sb);
  return r;
}

char *expand_heredoc(const char *body) {
  xctx_t x = {0};
  x.flags = EXP_HEREDOC;
  xword(&x, body, 0, strlen(body), 1, 0);
  if (x.err || g_exc) {
    xb_free(&x.b);
    return NULL;
  }
  char *r = stalloc(x.b.len + 1);
  size_t k = 0;
  for (size_t i = 0; i < x.b.len; i++)
    if (!(x.b.f[i] & (XF_KEEP | XF_BREAK))) r[k++] = x.b.s[i];
  r[k] = 0;
  xb_free(&x.b);
  return r;
}
