/*
 * The prompt's line editor (what linenoise does for the real redis-cli):
 * Drydock's terminals have no line discipline, so the terminal is put in raw
 * mode while a line is read and this code echoes and edits. Keys:
 * printable characters, Backspace, Delete, Left/Right, Home/End, ctrl-A/E/B/F,
 * ctrl-K, ctrl-U, ctrl-W, ctrl-L, Up/Down and ctrl-P/N (history), Enter;
 * ctrl-C and ctrl-D on an empty line end the prompt (redis-cli then exits).
 * A line longer than the terminal scrolls sideways, as linenoise's
 * single-line mode does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

#define MAXLINE 65536
#define HISTORY_MAX 100

static char *history[HISTORY_MAX];
static int nhistory;

void lineedit_history_add(const char *line) {
  if (!*line) return;
  if (nhistory && strcmp(history[nhistory - 1], line) == 0) return;
  if (nhistory == HISTORY_MAX) {
    free(history[0]);
    memmove(history, history + 1, sizeof history[0] * (HISTORY_MAX - 1));
    nhistory--;
  }
  history[nhistory++] = strdup(line);
}

typedef struct {
  int in, out;
  const char *prompt;
  size_t plen;
  char *buf;
  size_t len, pos;
  int cols;
} editor;

static void emit(editor *e, const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(e->out, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static int is_cont(char c) { return ((unsigned char)c & 0xc0) == 0x80; }

static size_t columns(const char *s, size_t n) {
  size_t cols = 0;
  for (size_t i = 0; i < n; i++)
    if (!is_cont(s[i])) cols++;
  return cols;
}

static void refresh(editor *e) {
  const char *buf = e->buf;
  size_t len = e->len, pos = e->pos;
  /* scroll so that the cursor stays on screen */
  while (e->plen + columns(buf, pos) >= (size_t)e->cols && pos > 0) {
    size_t step = 1;
    while (step < pos && is_cont(buf[step])) step++;
    buf += step;
    len -= step;
    pos -= step;
  }
  while (e->plen + columns(buf, len) > (size_t)e->cols && len > pos) len--;
  buf_t b = {0};
  buf_puts(&b, "\r");
  buf_puts(&b, e->prompt);
  buf_append(&b, buf, len);
  buf_puts(&b, "\x1b[0K");
  buf_printf(&b, "\r\x1b[%zuC", e->plen + columns(buf, pos));
  if (e->plen + columns(buf, pos) == 0) buf_puts(&b, "\r");
  emit(e, b.data, b.len);
  buf_free(&b);
}

static void insert(editor *e, const char *s, size_t n) {
  if (e->len + n >= MAXLINE) return;
  memmove(e->buf + e->pos + n, e->buf + e->pos, e->len - e->pos);
  memcpy(e->buf + e->pos, s, n);
  e->len += n;
  e->pos += n;
  e->buf[e->len] = 0;
}

static void delete_range(editor *e, size_t from, size_t to) {
  memmove(e->buf + from, e->buf + to, e->len - to);
  e->len -= to - from;
  e->buf[e->len] = 0;
  if (e->pos > to) e->pos -= to - from;
  else if (e->pos > from) e->pos = from;
}

static size_t prev_char(editor *e, size_t pos) {
  if (pos > 0) pos--;
  while (pos > 0 && is_cont(e->buf[pos])) pos--;
  return pos;
}

static size_t next_char(editor *e, size_t pos) {
  if (pos < e->len) pos++;
  while (pos < e->len && is_cont(e->buf[pos])) pos++;
  return pos;
}

static void set_line(editor *e, const char *s) {
  size_t n = strlen(s);
  if (n >= MAXLINE) n = MAXLINE - 1;
  memcpy(e->buf, s, n);
  e->buf[n] = 0;
  e->len = e->pos = n;
}

static int read_byte(int fd, unsigned char *c) {
  for (;;) {
    ssize_t n = read(fd, c, 1);
    if (n == 1) return 1;
    if (n == 0) return 0;
  }
}

char *lineedit_read(int in, int out, const char *prompt, int *interrupted) {
  struct termios orig, raw;
  *interrupted = 0;
  int have_termios = tcgetattr(in, &orig) == 0;
  if (have_termios) {
    raw = orig;
    raw.c_iflag &= ~(unsigned)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_oflag &= ~(unsigned)OPOST;
    raw.c_cflag |= CS8;
    raw.c_lflag &= ~(unsigned)(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(in, TCSANOW, &raw);
  }
  editor e = {in, out, prompt, strlen(prompt), malloc(MAXLINE + 1), 0, 0, 80};
  e.buf[0] = 0;
  struct winsize ws;
  if (ioctl(out, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) e.cols = ws.ws_col;
  int hist_at = nhistory;
  char *saved = NULL; /* the line being typed while browsing history */
  char *result = NULL;
  emit(&e, prompt, e.plen);
  for (;;) {
    unsigned char c;
    if (!read_byte(in, &c)) {
      if (e.len == 0) break;
      result = strdup(e.buf);
      break;
    }
    if (c == '\r' || c == '\n') {
      result = strdup(e.buf);
      break;
    }
    if (c == 3) { /* ctrl-C */
      *interrupted = 1;
      emit(&e, "^C", 2);
      break;
    }
    if (c == 4) { /* ctrl-D */
      if (e.len == 0) break;
      if (e.pos < e.len) delete_range(&e, e.pos, next_char(&e, e.pos));
    } else if (c == 127 || c == 8) {
      if (e.pos > 0) delete_range(&e, prev_char(&e, e.pos), e.pos);
    } else if (c == 1) {
      e.pos = 0;
    } else if (c == 5) {
      e.pos = e.len;
    } else if (c == 2) {
      e.pos = prev_char(&e, e.pos);
    } else if (c == 6) {
      e.pos = next_char(&e, e.pos);
    } else if (c == 11) {
      delete_range(&e, e.pos, e.len);
    } else if (c == 21) {
      delete_range(&e, 0, e.pos);
    } else if (c == 23) {
      size_t p = e.pos;
      while (p > 0 && e.buf[p - 1] == ' ') p--;
      while (p > 0 && e.buf[p - 1] != ' ') p--;
      delete_range(&e, p, e.pos);
    } else if (c == 12) {
      emit(&e, "\x1b[H\x1b[2J", 7);
    } else if (c == 16 || c == 14) {
      goto history_move;
    } else if (c == 27) {
      unsigned char s0, s1, s2;
      if (!read_byte(in, &s0) || !read_byte(in, &s1)) break;
      if (s0 == '[' && s1 >= '0' && s1 <= '9') {
        if (!read_byte(in, &s2)) break;
        if (s2 == '~') {
          if (s1 == '3' && e.pos < e.len) delete_range(&e, e.pos, next_char(&e, e.pos));
          else if (s1 == '1' || s1 == '7') e.pos = 0;
          else if (s1 == '4' || s1 == '8') e.pos = e.len;
        }
      } else if (s0 == '[' || s0 == 'O') {
        switch (s1) {
          case 'A': c = 16; goto history_move;
          case 'B': c = 14; goto history_move;
          case 'C': e.pos = next_char(&e, e.pos); break;
          case 'D': e.pos = prev_char(&e, e.pos); break;
          case 'H': e.pos = 0; break;
          case 'F': e.pos = e.len; break;
        }
      }
    } else if (c >= 32 || c == '\t') {
      char ch = c == '\t' ? ' ' : (char)c;
      insert(&e, &ch, 1);
    }
    refresh(&e);
    continue;
  history_move:
    if (c == 16 && hist_at > 0) {
      if (hist_at == nhistory) {
        free(saved);
        saved = strdup(e.buf);
      }
      set_line(&e, history[--hist_at]);
    } else if (c == 14 && hist_at < nhistory) {
      hist_at++;
      set_line(&e, hist_at == nhistory ? (saved ? saved : "") : history[hist_at]);
    }
    refresh(&e);
  }
  if (have_termios) tcsetattr(in, TCSANOW, &orig);
  emit(&e, "\r\n", 2);
  free(saved);
  free(e.buf);
  return result;
}
