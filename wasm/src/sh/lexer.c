/*
 * The lexer: turns input characters into tokens. Words keep their source
 * text (quotes, $..., `...` included) with line continuations removed;
 * expand.c interprets it. To find where a word ends, `$( ... )` is parsed
 * recursively (as ash does), with the consumed characters captured into the
 * word's text. Heredoc bodies are read right after the newline that ends
 * the line holding their redirections.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"

int parse_until_rparen(parser_t *p);

void syntax_error(parser_t *p, const char *fmt, ...) {
  if (p->error) return;
  p->error = 1;
  g_parse_error = 1;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  extern int g_lineno;
  g_lineno = g_input ? g_input->lineno : 0;
  sh_error("syntax error: %s", msg);
}

const char *token_name(parser_t *p, int tok, char *buf, size_t len) {
  static const char *const names[] = {"end of file", "newline", "redirection", "word", ";", "&", "&&", "||", "|", "(", ")", ";;"};
  if (tok == T_WORD && !p->quoted) {
    static const char *const kws[] = {"!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until", "while", "{", "}", 0};
    for (int i = 0; kws[i]; i++)
      if (strcmp(p->text, kws[i]) == 0) {
        snprintf(buf, len, "\"%s\"", kws[i]);
        return buf;
      }
  }
  if (tok < T_SEMI) return names[tok];
  snprintf(buf, len, "\"%s\"", names[tok]);
  return buf;
}

static int is_meta(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' ||
         c == '>' || c < 0;
}

/* Reads the char after a backslash outside single quotes: a line continuation
 * is dropped (returns 0 and the caller goes on), otherwise both are kept. */
static int backslash(sbuf_t *sb) {
  int c = in_getc();
  if (c == '\n') return 0;
  sb_addc(sb, '\\');
  if (c < 0) return 0;
  sb_addc(sb, c);
  return 1;
}

static int scan_dollar(parser_t *p, sbuf_t *sb, int indq);
static int scan_backquote(parser_t *p, sbuf_t *sb);

static int scan_dquote(parser_t *p, sbuf_t *sb) {
  sb_addc(sb, '"');
  for (;;) {
    int c = in_getc();
    if (c < 0) {
      syntax_error(p, "unterminated quoted string");
      return -1;
    }
    if (c == '"') {
      sb_addc(sb, c);
      return 0;
    }
    if (c == '\\') {
      backslash(sb);
    } else if (c == '$') {
      if (scan_dollar(p, sb, 1) < 0) return -1;
    } else if (c == '`') {
      if (scan_backquote(p, sb) < 0) return -1;
    } else {
      sb_addc(sb, c);
    }
  }
}

static int scan_squote(parser_t *p, sbuf_t *sb) {
  sb_addc(sb, '\'');
  for (;;) {
    int c = in_getc();
    if (c < 0) {
      syntax_error(p, "unterminated quoted string");
      return -1;
    }
    sb_addc(sb, c);
    if (c == '\'') return 0;
  }
}

static int scan_backquote(parser_t *p, sbuf_t *sb) {
  sb_addc(sb, '`');
  for (;;) {
    int c = in_getc();
    if (c < 0) {
      syntax_error(p, "EOF in backquote substitution");
      return -1;
    }
    if (c == '\\') {
      int d = in_getc();
      if (d == '\n') continue;
      sb_addc(sb, '\\');
      if (d < 0) continue;
      sb_addc(sb, d);
      continue;
    }
    sb_addc(sb, c);
    if (c == '`') return 0;
  }
}

/* ${ ... }: up to the matching brace. */
static int scan_brace(parser_t *p, sbuf_t *sb, int indq) {
  sb_addc(sb, '{');
  size_t start = sb->len;
  for (;;) {
    int c = in_getc();
    if (c < 0 || (c == '\n' && 0)) {
      syntax_error(p, "missing '}'");
      return -1;
    }
    if (c == '}') {
      /* ${name:} is an error in ash's parser */
      if (sb->len > start + 1 && sb->s[sb->len - 1] == ':' && is_name_n(sb->s + start, sb->len - start - 1)) {
        syntax_error(p, "missing '}'");
        return -1;
      }
      sb_addc(sb, c);
      return 0;
    }
    if (c == '\\') {
      backslash(sb);
    } else if (c == '\'' && !indq) {
      if (scan_squote(p, sb) < 0) return -1;
    } else if (c == '"') {
      if (scan_dquote(p, sb) < 0) return -1;
    } else if (c == '$') {
      if (scan_dollar(p, sb, indq) < 0) return -1;
    } else if (c == '`') {
      if (scan_backquote(p, sb) < 0) return -1;
    } else {
      sb_addc(sb, c);
    }
  }
}

/* $(( ... )): up to the matching "))". */
static int scan_arith(parser_t *p, sbuf_t *sb) {
  sb_addn(sb, "((", 2);
  int depth = 0;
  for (;;) {
    int c = in_getc();
    if (c < 0) {
      syntax_error(p, "unexpected end of file (expecting \"))\")");
      return -1;
    }
    if (c == '(') {
      depth++;
      sb_addc(sb, c);
    } else if (c == ')') {
      if (depth > 0) {
        depth--;
        sb_addc(sb, c);
        continue;
      }
      int d = in_getc();
      if (d == ')') {
        sb_addn(sb, "))", 2);
        return 0;
      }
      in_ungetc(d);
      sb_addc(sb, c);
    } else if (c == '\\') {
      backslash(sb);
    } else if (c == '$') {
      if (scan_dollar(p, sb, 1) < 0) return -1;
    } else if (c == '`') {
      if (scan_backquote(p, sb) < 0) return -1;
    } else if (c == '"') {
      if (scan_dquote(p, sb) < 0) return -1;
    } else if (c == '\'') {
      if (scan_squote(p, sb) < 0) return -1;
    } else {
      sb_addc(sb, c);
    }
  }
}

/* $( ... ): parsed as a command list, with the characters captured. */
static int scan_cmdsubst(parser_t *p, sbuf_t *sb) {
  sb_addc(sb, '(');
  input_t *in = g_input;
  if (in->ncapture >= 16) {
    syntax_error(p, "command substitution nested too deeply");
    return -1;
  }
  in->capture[in->ncapture++] = sb;
  parser_t sub = {0};
  sub.arena = arena_new();
  sub.heredocs_tail = &sub.heredocs;
  int r = parse_until_rparen(&sub);
  arena_unref(sub.arena);
  in->ncapture--;
  if (r < 0 || sub.error) {
    p->error = 1;
    return -1;
  }
  return 0;
}

/* After '$'. */
static int scan_dollar(parser_t *p, sbuf_t *sb, int indq) {
  sb_addc(sb, '$');
  int c = in_getc();
  if (c == '{') return scan_brace(p, sb, indq);
  if (c == '(') {
    int d = in_getc();
    if (d == '(') return scan_arith(p, sb);
    in_ungetc(d);
    return scan_cmdsubst(p, sb);
  }
  in_ungetc(c);
  return 0;
}

/* Scans a word starting with char c into sb. */
static int scan_word(parser_t *p, sbuf_t *sb, int c) {
  for (;; c = in_getc()) {
    if (is_meta(c)) {
      in_ungetc(c);
      return 0;
    }
    switch (c) {
      case '\\':
        p->quoted = 1;
        backslash(sb);
        break;
      case '\'':
        p->quoted = 1;
        if (scan_squote(p, sb) < 0) return -1;
        break;
      case '"':
        p->quoted = 1;
        if (scan_dquote(p, sb) < 0) return -1;
        break;
      case '$':
        if (scan_dollar(p, sb, 0) < 0) return -1;
        break;
      case '`':
        if (scan_backquote(p, sb) < 0) return -1;
        break;
      default:
        sb_addc(sb, c);
    }
  }
}

char *unquote_delim(arena_t *a, const char *w, int *quoted) {
  sbuf_t sb = {0};
  *quoted = 0;
  for (const char *s = w; *s; s++) {
    if (*s == '\\' && s[1]) {
      *quoted = 1;
      sb_addc(&sb, *++s);
    } else if (*s == '\'' || *s == '"') {
      *quoted = 1;
      char q = *s++;
      while (*s && *s != q) {
        if (q == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\' || s[1] == '$' || s[1] == '`')) s++;
        sb_addc(&sb, *s++);
      }
      if (!*s) break;
    } else {
      sb_addc(&sb, *s);
    }
  }
  char *r = arena_strdup(a, sb_str(&sb), sb.len);
  sb_free(&sb);
  return r;
}

/* Reads the bodies of the heredocs whose redirections were on the line just ended. */
void read_heredocs(parser_t *p) {
  heredoc_pending_t *h = p->heredocs;
  p->heredocs = NULL;
  p->heredocs_tail = &p->heredocs;
  for (; h; h = h->next) {
    sbuf_t body = {0};
    sbuf_t line = {0};
    size_t dlen = strlen(h->delim);
    for (;;) {
      line.len = 0;
      int c;
      int at_start = 1;
      while ((c = in_getc()) >= 0) {
        if (at_start && h->strip_tabs && c == '\t') continue;
        at_start = 0;
        if (c == '\n' && !h->r->hd_quoted) {
          /* an unquoted heredoc joins a line ending in an odd number of backslashes with the next */
          size_t k = 0;
          while (k < line.len && line.s[line.len - 1 - k] == '\\') k++;
          if (k % 2 == 1) {
            line.s[--line.len] = 0;
            continue;
          }
        }
        sb_addc(&line, c);
        if (c == '\n') break;
      }
      const char *l = sb_str(&line);
      size_t ll = line.len;
      size_t content = (ll > 0 && l[ll - 1] == '\n') ? ll - 1 : ll;
      if (content == dlen && memcmp(l, h->delim, dlen) == 0) break;
      sb_addn(&body, l, ll);
      if (c < 0) break;
    }
    h->r->heredoc = arena_strdup(p->arena, sb_str(&body), body.len);
    sb_free(&body);
    sb_free(&line);
  }
}

/* Reads the next token into p. */
int lex(parser_t *p) {
  int c;
  p->quoted = 0;
  p->text = NULL;
  for (;;) {
    c = in_getc();
    if (c == ' ' || c == '\t') continue;
    if (c == '\\') {
      int d = in_getc();
      if (d == '\n') continue;
      in_ungetc(d);
    }
    break;
  }
  p->tok_lineno = g_input ? g_input->lineno : 0;
  if (c == '#') {
    while ((c = in_getc()) >= 0 && c != '\n') {
    }
  }
  switch (c) {
    case -1:
      if (p->heredocs) read_heredocs(p);
      return p->tok = T_EOF;
    case '\n':
      p->tok_lineno--;
      if (p->heredocs) read_heredocs(p);
      return p->tok = T_NL;
    case ';': {
      int d = in_getc();
      if (d == ';') return p->tok = T_DSEMI;
      in_ungetc(d);
      return p->tok = T_SEMI;
    }
    case '&': {
      int d = in_getc();
      if (d == '&') return p->tok = T_AND;
      in_ungetc(d);
      return p->tok = T_AMP;
    }
    case '|': {
      int d = in_getc();
      if (d == '|') return p->tok = T_OR;
      in_ungetc(d);
      return p->tok = T_PIPE;
    }
    case '(':
      return p->tok = T_LPAREN;
    case ')':
      return p->tok = T_RPAREN;
  }
  if (c == '<' || c == '>') {
    p->rfd = c == '<' ? 0 : 1;
    goto redir;
  }
  {
    sbuf_t sb = {0};
    if (scan_word(p, &sb, c) < 0) {
      sb_free(&sb);
      return p->tok = T_EOF;
    }
    const char *w = sb_str(&sb);
    int digits = sb.len > 0 && !p->quoted;
    for (size_t i = 0; i < sb.len && digits; i++)
      if (w[i] < '0' || w[i] > '9') digits = 0;
    if (digits && sb.len < 5) {
      int d = in_getc();
      if (d == '<' || d == '>') {
        p->rfd = (int)strtol(w, NULL, 10);
        sb_free(&sb);
        c = d;
        goto redir;
      }
      in_ungetc(d);
    }
    p->text = arena_strdup(p->arena, w, sb.len);
    sb_free(&sb);
    return p->tok = T_WORD;
  }
redir : {
  int d = in_getc();
  if (c == '<') {
    if (d == '<') {
      int e = in_getc();
      if (e == '-') p->rtype = R_HEREDOC | 0x100;
      else {
        in_ungetc(e);
        p->rtype = R_HEREDOC;
      }
    } else if (d == '&') p->rtype = R_DUPIN;
    else if (d == '>') p->rtype = R_RDWR;
    else {
      in_ungetc(d);
      p->rtype = R_IN;
    }
  } else {
    if (d == '>') p->rtype = R_APPEND;
    else if (d == '&') p->rtype = R_DUPOUT;
    else if (d == '|') p->rtype = R_CLOBBER;
    else {
      in_ungetc(d);
      p->rtype = R_OUT;
    }
  }
  return p->tok = T_REDIR;
}
}
