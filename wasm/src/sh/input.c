/*
 * Input sources for the parser: a stack of strings (sh -c, eval, traps, the
 * command a child shell runs) and file descriptors (scripts, stdin, `.`).
 * Files are read in blocks, as ash does (so a script on stdin and a command
 * reading stdin compete for the same bytes the way they do under ash).
 * Interactive input is read a line at a time with a prompt.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

input_t *g_input;
int g_prompt;

static input_t *push(void) {
  input_t *in = xzalloc(sizeof *in);
  in->prev = g_input;
  in->lineno = 1;
  g_input = in;
  return in;
}

void input_push_string(const char *s, size_t n, int lineno) {
  input_t *in = push();
  in->fd = -1;
  in->str = s;
  in->slen = n;
  in->lineno = lineno;
}

void input_push_fd(int fd, int close_fd) {
  input_t *in = push();
  in->fd = fd;
  in->buf = xmalloc(4096);
  in->close_fd = close_fd;
}

void input_pop(void) {
  input_t *in = g_input;
  if (!in) return;
  g_input = in->prev;
  if (in->close_fd && in->fd >= 0) close(in->fd);
  free(in->buf);
  if (in->alias) free((char *)in->str);
  free(in->alias);
  free(in);
}

/* Reads an alias's value next; its input ends (and pops itself) when the value is consumed. */
void input_push_alias(const char *name, const char *value) {
  int lineno = g_input ? g_input->lineno : 0;
  char *copy = xstrdup(value);
  input_push_string(copy, strlen(copy), lineno);
  g_input->alias = xstrdup(name);
}

/* Is the alias `name` being expanded (so it is not expanded again inside itself)? */
int alias_active(const char *name) {
  for (input_t *in = g_input; in; in = in->prev)
    if (in->alias && strcmp(in->alias, name) == 0) return 1;
  return 0;
}

/* Refills an fd source; returns 0 at end of input. */
static int refill(input_t *in) {
  if (in->eof) return 0;
  if (in->interactive) {
    const char *ps = g_prompt == 2 ? var_get("PS2") : var_get("PS1");
    char *prompt = prompt_expand(ps ? ps : "");
    g_prompt = 2;
    if (is_tty(in->fd)) {
      char *line;
      for (;;) {
        line = lineedit_read(in->fd, prompt);
        if (line) break;
        /* ctrl-C: the line is discarded; the parser starts over */
        free(prompt);
        g_exc = EXC_INT;
        return 0;
      }
      free(prompt);
      size_t n = strlen(line);
      if (n == 0) {
        free(line);
        in->eof = 1;
        return 0;
      }
      if (n > 4096) n = 4096; /* lineedit never returns more */
      memcpy(in->buf, line, n);
      free(line);
      in->bpos = 0;
      in->blen = n;
      return 1;
    }
    xwrite_all(1, prompt, strlen(prompt)); /* busybox: prompts go to stdout */
    free(prompt);
  }
  for (;;) {
    ssize_t n = read(in->fd, in->buf, 4096);
    if (n < 0 && errno == EINTR) {
      if (g_gotsig) dotrap();
      continue;
    }
    if (n <= 0) {
      in->eof = 1;
      return 0;
    }
    in->bpos = 0;
    in->blen = (size_t)n;
    return 1;
  }
}

int in_getc(void) {
  input_t *in = g_input;
  int c;
  if (!in) return -1;
  if (in->npb > 0) {
    c = in->pb[--in->npb];
  } else if (in->fd < 0) {
    if (in->spos >= in->slen) {
      if (in->alias) {
        int lineno = in->lineno;
        input_pop();
        if (g_input) g_input->lineno = lineno;
        return in_getc();
      }
      return -1;
    }
    c = (unsigned char)in->str[in->spos++];
  } else {
    if (in->bpos >= in->blen && !refill(in)) return -1;
    c = (unsigned char)in->buf[in->bpos++];
  }
  if (c == '\n') in->lineno++;
  for (int i = 0; i < in->ncapture; i++) sb_addc(in->capture[i], c);
  return c;
}

void in_ungetc(int c) {
  input_t *in = g_input;
  if (c < 0 || !in) return;
  if (in->npb < (int)(sizeof in->pb / sizeof in->pb[0])) in->pb[in->npb++] = c;
  if (c == '\n') in->lineno--;
  for (int i = 0; i < in->ncapture; i++)
    if (in->capture[i]->len > 0) in->capture[i]->s[--in->capture[i]->len] = 0;
}
