/* Shared between lexer.c and parser.c: tokens and the parser state. */
#ifndef SH_PARSE_H
#define SH_PARSE_H
#include "sh.h"

enum {
  T_EOF,
  T_NL,
  T_REDIR,
  T_WORD,
  T_SEMI,
  T_AMP,
  T_AND,
  T_OR,
  T_PIPE,
  T_LPAREN,
  T_RPAREN,
  T_DSEMI,
};

typedef struct heredoc_pending {
  struct heredoc_pending *next;
  redir_t *r;
  char *delim; /* unquoted delimiter */
  int strip_tabs;
} heredoc_pending_t;

typedef struct parser {
  arena_t *arena;
  int tok;          /* current token, valid when have_tok */
  int have_tok;
  char *text;       /* T_WORD: the word's source text (in arena) */
  int quoted;       /* T_WORD: it contained quoting */
  int rtype, rfd;   /* T_REDIR */
  int tok_lineno;   /* line where the token started */
  heredoc_pending_t *heredocs;
  heredoc_pending_t **heredocs_tail;
  int error;        /* a syntax error was reported */
} parser_t;

int lex(parser_t *p);
void syntax_error(parser_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *token_name(parser_t *p, int tok, char *buf, size_t len);
void read_heredocs(parser_t *p);
/* Removes quotes from a heredoc delimiter word; sets *quoted. */
char *unquote_delim(arena_t *a, const char *w, int *quoted);

#endif
