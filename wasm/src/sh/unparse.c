/*
 * Turns a parse tree back into source text that parses into an equivalent
 * tree. A child shell receives its command and the parent's functions this
 * way. Commands are separated by newlines so that heredoc bodies can follow
 * the line that holds their redirection, exactly as in a script.
 */
#include <string.h>
#include "sh.h"

typedef struct {
  sbuf_t *out;
  const redir_t *pending[64];
  int npending;
} up_t;

static void node(up_t *u, const node_t *n);

static void newline(up_t *u) {
  sb_addc(u->out, '\n');
  for (int i = 0; i < u->npending; i++) {
    const redir_t *r = u->pending[i];
    const char *body = r->heredoc ? r->heredoc : "";
    size_t len = strlen(body);
    sb_adds(u->out, body);
    if (len > 0 && body[len - 1] != '\n') sb_addc(u->out, '\n');
    /* the delimiter, unquoted */
    int quoted;
    (void)quoted;
    const char *t = r->target;
    for (const char *s = t; *s; s++) {
      if (*s == '\\' && s[1]) sb_addc(u->out, *++s);
      else if (*s == '\'' || *s == '"') {
        char q = *s++;
        while (*s && *s != q) {
          if (q == '"' && *s == '\\' && s[1]) s++;
          sb_addc(u->out, *s++);
        }
        if (!*s) break;
      } else sb_addc(u->out, *s);
    }
    sb_addc(u->out, '\n');
  }
  u->npending = 0;
}

static void redirs(up_t *u, const redir_t *r) {
  static const char *const ops[] = {"<", ">", ">|", ">>", "<>", "<&", ">&", "<<"};
  for (; r; r = r->next) {
    int deffd = (r->type == R_IN || r->type == R_RDWR || r->type == R_DUPIN || r->type == R_HEREDOC) ? 0 : 1;
    sb_addc(u->out, ' ');
    if (r->fd != deffd) sb_printf(u->out, "%d", r->fd);
    sb_adds(u->out, ops[r->type]);
    sb_adds(u->out, r->target);
    if (r->type == R_HEREDOC && u->npending < 64) u->pending[u->npending++] = r;
  }
}

static void words(up_t *u, const word_t *w, int lead_space) {
  for (; w; w = w->next) {
    if (lead_space) sb_addc(u->out, ' ');
    sb_adds(u->out, w->text);
    lead_space = 1;
  }
}

static void node(up_t *u, const node_t *n) {
  if (!n) {
    sb_adds(u->out, ":");
    return;
  }
  switch (n->type) {
    case N_CMD:
      words(u, n->u.cmd.assigns, 0);
      words(u, n->u.cmd.args, n->u.cmd.assigns != NULL);
      if (!n->u.cmd.assigns && !n->u.cmd.args) sb_adds(u->out, "");
      redirs(u, n->redirs);
      return;
    case N_PIPE:
      if (n->u.pipe.bang) sb_adds(u->out, "! ");
      for (int i = 0; i < n->u.pipe.n; i++) {
        if (i) {
          sb_adds(u->out, " |");
          newline(u);
        }
        node(u, n->u.pipe.cmds[i]);
      }
      return;
    case N_AND:
    case N_OR:
      node(u, n->u.bin.left);
      sb_adds(u->out, n->type == N_AND ? " &&" : " ||");
      newline(u);
      node(u, n->u.bin.right);
      return;
    case N_SEQ:
      node(u, n->u.bin.left);
      newline(u);
      node(u, n->u.bin.right);
      return;
    case N_BG:
      node(u, n->u.bin.left);
      sb_adds(u->out, " &");
      newline(u);
      return;
    case N_SUBSHELL:
    case N_BRACE:
      sb_adds(u->out, n->type == N_SUBSHELL ? "(" : "{");
      newline(u);
      node(u, n->u.group.body);
      newline(u);
      sb_adds(u->out, n->type == N_SUBSHELL ? ")" : "}");
      break;
    case N_IF:
      sb_adds(u->out, "if");
      newline(u);
      node(u, n->u.nif.cond);
      newline(u);
      sb_adds(u->out, "then");
      newline(u);
      node(u, n->u.nif.then);
      newline(u);
      if (n->u.nif.els) {
        sb_adds(u->out, "else");
        newline(u);
        node(u, n->u.nif.els);
        newline(u);
      }
      sb_adds(u->out, "fi");
      break;
    case N_WHILE:
    case N_UNTIL:
      sb_adds(u->out, n->type == N_WHILE ? "while" : "until");
      newline(u);
      node(u, n->u.loop.cond);
      newline(u);
      sb_adds(u->out, "do");
      newline(u);
      node(u, n->u.loop.body);
      newline(u);
      sb_adds(u->out, "done");
      break;
    case N_FOR:
      sb_printf(u->out, "for %s", n->u.nfor.var);
      if (n->u.nfor.has_in) {
        sb_adds(u->out, " in");
        words(u, n->u.nfor.words, 1);
      }
      newline(u);
      sb_adds(u->out, "do");
      newline(u);
      node(u, n->u.nfor.body);
      newline(u);
      sb_adds(u->out, "done");
      break;
    case N_CASE:
      sb_printf(u->out, "case %s in", n->u.ncase.word);
      newline(u);
      for (const caseitem_t *ci = n->u.ncase.items; ci; ci = ci->next) {
        for (const word_t *w = ci->patterns; w; w = w->next) {
          if (w != ci->patterns) sb_addc(u->out, '|');
          sb_adds(u->out, w->text);
        }
        sb_addc(u->out, ')');
        newline(u);
        if (ci->body) {
          node(u, ci->body);
          newline(u);
        }
        sb_adds(u->out, ";;");
        newline(u);
      }
      sb_adds(u->out, "esac");
      break;
    case N_FUNC:
      sb_printf(u->out, "%s()", n->u.func.name);
      newline(u);
      node(u, n->u.func.body);
      return;
  }
  redirs(u, n->redirs);
}

void unparse(sbuf_t *out, const node_t *n) {
  up_t u = {0};
  u.out = out;
  node(&u, n);
  newline(&u);
}
