/*
 * The parser: recursive descent over lexer tokens into node_t trees (one
 * arena per top-level command). Reserved words are recognised only where a
 * command starts. Error messages follow ash ("syntax error: unexpected X
 * (expecting Y)").
 */
#include <stdlib.h>
#include <string.h>
#include "parse.h"

int g_parse_error;

static node_t *list(parser_t *p, int toplevel);
static node_t *command(parser_t *p);

static int peek(parser_t *p) {
  if (!p->have_tok) {
    lex(p);
    p->have_tok = 1;
  }
  return p->tok;
}

static void consume(parser_t *p) { p->have_tok = 0; }

static int is_kw(parser_t *p, const char *kw) {
  return peek(p) == T_WORD && !p->quoted && strcmp(p->text, kw) == 0;
}

static void unexpected(parser_t *p, const char *expecting) {
  char buf[64];
  if (p->error) return;
  const char *name = token_name(p, peek(p), buf, sizeof buf);
  if (expecting) syntax_error(p, "unexpected %s (expecting \"%s\")", name, expecting);
  else syntax_error(p, "unexpected %s", name);
}

static int expect_kw(parser_t *p, const char *kw) {
  if (p->error) return -1;
  if (!is_kw(p, kw)) {
    unexpected(p, kw);
    return -1;
  }
  consume(p);
  return 0;
}

static void skip_newlines(parser_t *p) {
  while (!p->error && peek(p) == T_NL) consume(p);
}

static node_t *new_node(parser_t *p, int type) {
  node_t *n = arena_alloc(p->arena, sizeof *n);
  n->type = type;
  n->lineno = p->tok_lineno;
  return n;
}

static node_t *binary(parser_t *p, int type, node_t *l, node_t *r) {
  node_t *n = new_node(p, type);
  n->lineno = l->lineno;
  n->u.bin.left = l;
  n->u.bin.right = r;
  return n;
}

/* Is the current token something that ends a compound list? */
static int at_list_end(parser_t *p) {
  int t = peek(p);
  if (t == T_EOF || t == T_RPAREN || t == T_DSEMI) return 1;
  if (t != T_WORD || p->quoted) return 0;
  static const char *const enders[] = {"then", "else", "elif", "fi", "do", "done", "esac", "}", 0};
  for (int i = 0; enders[i]; i++)
    if (strcmp(p->text, enders[i]) == 0) return 1;
  return 0;
}

static redir_t *redirection(parser_t *p) {
  redir_t *r = arena_alloc(p->arena, sizeof *r);
  int strip = p->rtype & 0x100;
  r->type = p->rtype & 0xff;
  r->fd = p->rfd;
  consume(p);
  if (peek(p) != T_WORD) {
    unexpected(p, NULL);
    return NULL;
  }
  r->target = p->text;
  consume(p);
  if (r->type == R_HEREDOC) {
    heredoc_pending_t *h = arena_alloc(p->arena, sizeof *h);
    h->r = r;
    h->delim = unquote_delim(p->arena, r->target, &r->hd_quoted);
    h->strip_tabs = strip != 0;
    *p->heredocs_tail = h;
    p->heredocs_tail = &h->next;
  }
  return r;
}

/* Redirections after a compound command. */
static int trailing_redirs(parser_t *p, node_t *n) {
  redir_t **tail = &n->redirs;
  while (!p->error && peek(p) == T_REDIR) {
    redir_t *r = redirection(p);
    if (!r) return -1;
    *tail = r;
    tail = &r->next;
  }
  return p->error ? -1 : 0;
}

/* A compound list that must not be empty; at end of input, the error names what was expected next. */
static node_t *body(parser_t *p, const char *next) {
  node_t *n = list(p, 0);
  if (!n && !p->error) unexpected(p, peek(p) == T_EOF ? next : NULL);
  return n;
}

static node_t *if_clause(parser_t *p) {
  node_t *n = new_node(p, N_IF);
  consume(p); /* if / elif */
  if (!(n->u.nif.cond = body(p, "then"))) return NULL;
  if (expect_kw(p, "then") < 0) return NULL;
  if (!(n->u.nif.then = body(p, "fi"))) return NULL;
  if (is_kw(p, "elif")) {
    n->u.nif.els = if_clause(p);
    return n->u.nif.els ? n : NULL;
  }
  if (is_kw(p, "else")) {
    consume(p);
    if (!(n->u.nif.els = body(p, "fi"))) return NULL;
  }
  if (expect_kw(p, "fi") < 0) return NULL;
  return n;
}

static node_t *loop_clause(parser_t *p, int type) {
  node_t *n = new_node(p, type);
  consume(p);
  if (!(n->u.loop.cond = body(p, "do"))) return NULL;
  if (expect_kw(p, "do") < 0) return NULL;
  if (!(n->u.loop.body = body(p, "done"))) return NULL;
  if (expect_kw(p, "done") < 0) return NULL;
  return n;
}

static node_t *for_clause(parser_t *p) {
  node_t *n = new_node(p, N_FOR);
  consume(p);
  if (peek(p) != T_WORD || p->quoted || !is_name(p->text)) {
    syntax_error(p, "bad for loop variable");
    return NULL;
  }
  n->u.nfor.var = p->text;
  consume(p);
  skip_newlines(p);
  if (is_kw(p, "in")) {
    consume(p);
    n->u.nfor.has_in = 1;
    word_t **tail = &n->u.nfor.words;
    while (peek(p) == T_WORD) {
      word_t *w = arena_alloc(p->arena, sizeof *w);
      w->text = p->text;
      *tail = w;
      tail = &w->next;
      consume(p);
    }
    if (peek(p) != T_SEMI && peek(p) != T_NL) {
      unexpected(p, "do");
      return NULL;
    }
    consume(p);
  } else if (peek(p) == T_SEMI) {
    consume(p);
  }
  skip_newlines(p);
  if (expect_kw(p, "do") < 0) return NULL;
  if (!(n->u.nfor.body = body(p, "done"))) return NULL;
  if (expect_kw(p, "done") < 0) return NULL;
  return n;
}

static node_t *case_clause(parser_t *p) {
  node_t *n = new_node(p, N_CASE);
  consume(p);
  if (peek(p) != T_WORD) {
    unexpected(p, NULL);
    return NULL;
  }
  n->u.ncase.word = p->text;
  consume(p);
  skip_newlines(p);
  if (expect_kw(p, "in") < 0) return NULL;
  caseitem_t **tail = &n->u.ncase.items;
  for (;;) {
    skip_newlines(p);
    if (p->error) return NULL;
    if (is_kw(p, "esac")) break;
    caseitem_t *ci = arena_alloc(p->arena, sizeof *ci);
    if (peek(p) == T_LPAREN) consume(p);
    word_t **ptail = &ci->patterns;
    for (;;) {
      if (peek(p) != T_WORD) {
        unexpected(p, NULL);
        return NULL;
      }
      word_t *w = arena_alloc(p->arena, sizeof *w);
      w->text = p->text;
      *ptail = w;
      ptail = &w->next;
      consume(p);
      if (peek(p) == T_PIPE) {
        consume(p);
        continue;
      }
      if (peek(p) != T_RPAREN) {
        unexpected(p, ")");
        return NULL;
      }
      consume(p);
      break;
    }
    ci->body = list(p, 0);
    if (p->error) return NULL;
    *tail = ci;
    tail = &ci->next;
    if (peek(p) == T_DSEMI) {
      consume(p);
      continue;
    }
    if (is_kw(p, "esac")) break;
    unexpected(p, ";;");
    return NULL;
  }
  consume(p); /* esac */
  return n;
}

static node_t *simple_command(parser_t *p) {
  node_t *n = new_node(p, N_CMD);
  word_t **atail = &n->u.cmd.assigns, **wtail = &n->u.cmd.args;
  redir_t **rtail = &n->redirs;
  for (;;) {
    int t = peek(p);
    if (p->error) return NULL;
    if (t == T_REDIR) {
      redir_t *r = redirection(p);
      if (!r) return NULL;
      *rtail = r;
      rtail = &r->next;
    } else if (t == T_WORD) {
      word_t *w = arena_alloc(p->arena, sizeof *w);
      w->text = p->text;
      if (!n->u.cmd.args && is_assignment(p->text)) {
        *atail = w;
        atail = &w->next;
        consume(p);
        continue;
      }
      int first = !n->u.cmd.args && !n->u.cmd.assigns && !n->redirs;
      *wtail = w;
      wtail = &w->next;
      consume(p);
      if (first && peek(p) == T_LPAREN) {
        /* name() body */
        consume(p);
        if (peek(p) != T_RPAREN) {
          unexpected(p, ")");
          return NULL;
        }
        consume(p);
        if (!is_name(w->text)) {
          syntax_error(p, "bad function name");
          return NULL;
        }
        skip_newlines(p);
        node_t *f = new_node(p, N_FUNC);
        f->lineno = n->lineno;
        f->u.func.name = w->text;
        if (!(f->u.func.body = command(p))) {
          if (!p->error) unexpected(p, NULL);
          return NULL;
        }
        return f;
      }
    } else {
      break;
    }
  }
  if (!n->u.cmd.args && !n->u.cmd.assigns && !n->redirs) {
    unexpected(p, NULL);
    return NULL;
  }
  return n;
}

/* An unquoted word naming an alias (not already being expanded) at command position: read its value instead. */
static int expand_alias(parser_t *p) {
  if (peek(p) != T_WORD || p->quoted) return 0;
  const char *value = alias_get(p->text);
  if (!value || alias_active(p->text)) return 0;
  char *name = xstrdup(p->text);
  consume(p);
  input_push_alias(name, value);
  free(name);
  return 1;
}

static node_t *command(parser_t *p) {
  while (expand_alias(p)) {
  }
  int t = peek(p);
  node_t *n = NULL;
  if (p->error) return NULL;
  if (t == T_LPAREN) {
    n = new_node(p, N_SUBSHELL);
    consume(p);
    if (!(n->u.group.body = body(p, ")"))) return NULL;
    if (peek(p) != T_RPAREN) {
      unexpected(p, ")");
      return NULL;
    }
    consume(p);
  } else if (t == T_WORD && !p->quoted) {
    const char *w = p->text;
    if (strcmp(w, "if") == 0) n = if_clause(p);
    else if (strcmp(w, "while") == 0) n = loop_clause(p, N_WHILE);
    else if (strcmp(w, "until") == 0) n = loop_clause(p, N_UNTIL);
    else if (strcmp(w, "for") == 0) n = for_clause(p);
    else if (strcmp(w, "case") == 0) n = case_clause(p);
    else if (strcmp(w, "{") == 0) {
      n = new_node(p, N_BRACE);
      consume(p);
      if (!(n->u.group.body = body(p, "}"))) return NULL;
      if (expect_kw(p, "}") < 0) return NULL;
    } else if (at_list_end(p) || strcmp(w, "!") == 0 || strcmp(w, "in") == 0) {
      unexpected(p, NULL);
      return NULL;
    } else {
      return simple_command(p);
    }
    if (!n) return NULL;
  } else {
    return simple_command(p);
  }
  if (trailing_redirs(p, n) < 0) return NULL;
  return n;
}

static node_t *pipeline(parser_t *p) {
  int bang = 0;
  int lineno = p->tok_lineno;
  if (is_kw(p, "!")) {
    bang = 1;
    consume(p);
  }
  node_t *first = command(p);
  if (!first) return NULL;
  if (peek(p) != T_PIPE && !bang) return first;
  node_t *n = new_node(p, N_PIPE);
  n->lineno = bang ? lineno : first->lineno;
  n->u.pipe.bang = bang;
  int cap = 4;
  n->u.pipe.cmds = arena_alloc(p->arena, sizeof(node_t *) * (size_t)cap);
  n->u.pipe.cmds[n->u.pipe.n++] = first;
  while (peek(p) == T_PIPE) {
    consume(p);
    skip_newlines(p);
    node_t *c = command(p);
    if (!c) return NULL;
    if (n->u.pipe.n == cap) {
      node_t **grown = arena_alloc(p->arena, sizeof(node_t *) * (size_t)cap * 2);
      memcpy(grown, n->u.pipe.cmds, sizeof(node_t *) * (size_t)cap);
      n->u.pipe.cmds = grown;
      cap *= 2;
    }
    n->u.pipe.cmds[n->u.pipe.n++] = c;
  }
  return n;
}

static node_t *and_or(parser_t *p) {
  node_t *n = pipeline(p);
  if (!n) return NULL;
  for (;;) {
    int t = peek(p);
    if (t != T_AND && t != T_OR) return n;
    consume(p);
    skip_newlines(p);
    node_t *r = pipeline(p);
    if (!r) return NULL;
    n = binary(p, t == T_AND ? N_AND : N_OR, n, r);
  }
}

/* A list of and-or lists. toplevel: ends at a newline (which is consumed). */
static node_t *list(parser_t *p, int toplevel) {
  node_t *head = NULL;
  for (;;) {
    if (!toplevel) skip_newlines(p);
    if (p->error) return NULL;
    int t = peek(p);
    if (toplevel && t == T_NL) {
      consume(p);
      break;
    }
    if (at_list_end(p)) break;
    node_t *n = and_or(p);
    if (!n) return NULL;
    t = peek(p);
    if (t == T_AMP) {
      node_t *bg = new_node(p, N_BG);
      bg->lineno = n->lineno;
      bg->u.bin.left = n;
      n = bg;
      consume(p);
    } else if (t == T_SEMI) {
      consume(p);
    }
    head = head ? binary(p, N_SEQ, head, n) : n;
    if (t != T_AMP && t != T_SEMI) {
      if (t == T_NL) {
        if (toplevel) {
          consume(p);
          break;
        }
        continue;
      }
      if (at_list_end(p)) break;
      unexpected(p, NULL);
      return NULL;
    }
  }
  return head;
}

int parse_until_rparen(parser_t *p) {
  list(p, 0);
  if (p->error) return -1;
  if (peek(p) != T_RPAREN) {
    unexpected(p, ")");
    return -1;
  }
  consume(p);
  return 0;
}

node_t *parse_command(arena_t *arena) {
  parser_t p = {0};
  p.arena = arena;
  p.heredocs_tail = &p.heredocs;
  g_parse_error = 0;
  if (peek(&p) == T_EOF && !p.error) return PARSE_EOF;
  node_t *n = list(&p, 1);
  if (p.error) return NULL;
  if (p.have_tok && p.tok != T_EOF) {
    /* the list ended at something that cannot start or end a command */
    unexpected(&p, NULL);
    return NULL;
  }
  return n;
}

node_t *parse_string(arena_t *arena, const char *s, int lineno, int *err) {
  input_push_string(s, strlen(s), lineno);
  node_t *head = NULL;
  *err = 0;
  for (;;) {
    node_t *n = parse_command(arena);
    if (n == PARSE_EOF) break;
    if (g_parse_error) {
      *err = 1;
      head = NULL;
      break;
    }
    if (n) head = head ? binary(&(parser_t){.arena = arena}, N_SEQ, head, n) : n;
  }
  input_pop();
  return head;
}

long parse_cmdsubst_len(const char *s, size_t n) {
  input_push_string(s, n, g_input ? g_input->lineno : 0);
  parser_t p = {0};
  p.arena = arena_new();
  p.heredocs_tail = &p.heredocs;
  int saved = g_parse_error;
  int r = parse_until_rparen(&p);
  long used = (long)(g_input->spos - (size_t)g_input->npb);
  arena_unref(p.arena);
  input_pop();
  g_parse_error = saved;
  return r < 0 ? -1 : used;
}

/* ------------------------------------------------------------------ names */

int is_name_start(int c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
int is_name_char(int c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

int is_name_n(const char *s, size_t n) {
  if (n == 0 || !is_name_start((unsigned char)s[0])) return 0;
  for (size_t i = 1; i < n; i++)
    if (!is_name_char((unsigned char)s[i])) return 0;
  return 1;
}

int is_name(const char *s) { return is_name_n(s, strlen(s)); }

int is_assignment(const char *w) {
  const char *eq = strchr(w, '=');
  return eq && is_name_n(w, (size_t)(eq - w));
}
