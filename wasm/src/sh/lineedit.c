/*
 * Line editing for the interactive shell on a terminal: the terminal is put
 * in raw mode while a line is read (Drydock's kernel has no line
 * discipline, so the shell echoes and edits itself). Keys: printable
 * characters, Backspace, Delete, Left/Right, Home/End, ctrl-A/E/B/F, ctrl-U
 * (kill to start), ctrl-K (kill to end), ctrl-W (kill word), ctrl-L (clear),
 * ctrl-C (abandon the line), ctrl-D (end of input on an empty line, else
 * delete), Up/Down (history).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "drydock.h"
#include "sh.h"

#define MAXLINE 4000
#define HISTORY 100
#define L_ICANON 0000002
#define L_ECHO 0000010
#define L_ISIG 0000001
#define L_IEXTEN 0100000
#define I_ICRNL 0000400
#define I_IXON 0002000
#define O_OPOST 0000001
#define O_ONLCR 0000004
#define CC_VMIN 6
#define CC_VTIME 5

static char *history[HISTORY];
static int nhistory;

typedef struct {
  int out;
  const char *prompt;
  /* The end of a line as written: "\n" when the terminal turns it into CR LF (OPOST|ONLCR), else "\r\n". */
  const char *nl;
  char buf[MAXLINE + 1];
  int len, pos;
} ed_t;

static void put(ed_t *e, const char *s, size_t n) { xwrite_all(e->out, s, n); }

/* UTF-8: the cursor moves over whole characters; continuation bytes are 10xxxxxx. */
static int is_cont(char c) { return ((unsigned char)c & 0xc0) == 0x80; }
static int prev_char(ed_t *e, int pos) {
  if (pos > 0) pos--;
  while (pos > 0 && is_cont(e->buf[pos])) pos--;
  return pos;
}
static int next_char(ed_t *e, int pos) {
  if (pos < e->len) pos++;
  while (pos < e->len && is_cont(e->buf[pos])) pos++;
  return pos;
}
static int columns(ed_t *e, int from, int to) {
  int n = 0;
  for (int i = from; i < to; i++)
    if (!is_cont(e->buf[i])) n++;
  return n;
}
static void delete_range(ed_t *e, int from, int to) {
  memmove(e->buf + from, e->buf + to, (size_t)(e->len - to));
  e->len -= to - from;
}
static void puts_(ed_t *e, const char *s) { put(e, s, strlen(s)); }

static void redraw(ed_t *e) {
  sbuf_t sb = {0};
  sb_addc(&sb, '\r');
  sb_adds(&sb, e->prompt);
  sb_addn(&sb, e->buf, (size_t)e->len);
  sb_adds(&sb, "\x1b[K");
  if (e->len > e->pos) sb_printf(&sb, "\x1b[%dD", columns(e, e->pos, e->len));
  put(e, sb.s, sb.len);
  sb_free(&sb);
}

static void set_line(ed_t *e, const char *s) {
  e->len = (int)strlen(s);
  if (e->len > MAXLINE) e->len = MAXLINE;
  memcpy(e->buf, s, (size_t)e->len);
  e->pos = e->len;
  redraw(e);
}

static void add_history(const char *line) {
  size_t n = strlen(line);
  while (n > 0 && line[n - 1] == '\n') n--;
  if (n == 0) return;
  if (nhistory > 0 && strlen(history[nhistory - 1]) == n && strncmp(history[nhistory - 1], line, n) == 0) return;
  if (nhistory == HISTORY) {
    free(history[0]);
    memmove(history, history + 1, sizeof(char *) * (HISTORY - 1));
    nhistory--;
  }
  history[nhistory++] = xstrndup(line, n);
}

static int read_byte(int fd, unsigned char *c) {
  for (;;) {
    ssize_t r = read(fd, c, 1);
    if (r == 1) return 1;
    if (r < 0 && errno == EINTR) {
      if (g_pending_sig[2] && !g_trap[2]) {
        /* SIGINT while editing: as ctrl-C */
        g_pending_sig[2] = 0;
        *c = 3;
        return 1;
      }
      if (g_gotsig) dotrap();
      continue;
    }
    return 0;
  }
}

char *lineedit_read(int fd, const char *prompt) {
  struct drydock_termios old, raw;
  int have_tty = __drydock_tcgetattr(fd, &old) == 0;
  ed_t *e = xzalloc(sizeof *e);
  e->out = is_tty(1) ? 1 : 2;
  e->prompt = prompt;
  e->nl = have_tty && (old.c_oflag & (O_OPOST | O_ONLCR)) == (O_OPOST | O_ONLCR) ? "\n" : "\r\n";
  if (have_tty) {
    raw = old;
    raw.c_lflag &= ~(uint32_t)(L_ICANON | L_ECHO | L_ISIG | L_IEXTEN);
    raw.c_iflag &= ~(uint32_t)(I_ICRNL | I_IXON);
    raw.c_cc[CC_VMIN] = 1;
    raw.c_cc[CC_VTIME] = 0;
    __drydock_tcsetattr(fd, 0, &raw);
  }
  puts_(e, prompt);
  int hist = nhistory;
  char *saved_current = NULL;
  char *result = NULL;
  for (;;) {
    unsigned char c;
    if (!read_byte(fd, &c)) {
      result = e->len ? xstrndup(e->buf, (size_t)e->len) : xstrdup("");
      if (e->len) puts_(e, e->nl);
      break;
    }
    if (c == '\r' || c == '\n') {
      puts_(e, e->nl);
      e->buf[e->len] = 0;
      result = xmalloc((size_t)e->len + 2);
      memcpy(result, e->buf, (size_t)e->len);
      result[e->len] = '\n';
      result[e->len + 1] = 0;
      add_history(result);
      break;
    }
    if (c == 3) { /* ctrl-C */
      puts_(e, "^C");
      puts_(e, e->nl);
      result = NULL;
      break;
    }
    if (c == 4) { /* ctrl-D */
      if (e->len == 0) {
        result = xstrdup("");
        break;
      }
      if (e->pos < e->len) {
        delete_range(e, e->pos, next_char(e, e->pos));
        redraw(e);
      }
      continue;
    }
    if (c == 127 || c == 8) {
      if (e->pos > 0) {
        int p = prev_char(e, e->pos);
        delete_range(e, p, e->pos);
        e->pos = p;
        redraw(e);
      }
      continue;
    }
    if (c == 21) { /* ctrl-U */
      memmove(e->buf, e->buf + e->pos, (size_t)(e->len - e->pos));
      e->len -= e->pos;
      e->pos = 0;
      redraw(e);
      continue;
    }
    if (c == 11) { /* ctrl-K */
      e->len = e->pos;
      redraw(e);
      continue;
    }
    if (c == 23) { /* ctrl-W */
      int p = e->pos;
      while (p > 0 && e->buf[p - 1] == ' ') p--;
      while (p > 0 && e->buf[p - 1] != ' ') p--;
      memmove(e->buf + p, e->buf + e->pos, (size_t)(e->len - e->pos));
      e->len -= e->pos - p;
      e->pos = p;
      redraw(e);
      continue;
    }
    if (c == 1) {
      e->pos = 0;
      redraw(e);
      continue;
    }
    if (c == 5) {
      e->pos = e->len;
      redraw(e);
      continue;
    }
    if (c == 2 || c == 6) {
      e->pos = c == 2 ? prev_char(e, e->pos) : next_char(e, e->pos);
      redraw(e);
      continue;
    }
    if (c == 12) {
      puts_(e, "\x1b[H\x1b[J");
      redraw(e);
      continue;
    }
    if (c == 27) {
      unsigned char a, b;
      if (!read_byte(fd, &a)) continue;
      if (a != '[' && a != 'O') continue;
      if (!read_byte(fd, &b)) continue;
      if (b >= '0' && b <= '9') {
        unsigned char t;
        while (read_byte(fd, &t) && t != '~' && !(t >= 'A' && t <= 'Z')) {
        }
        if (b == '3' && e->pos < e->len) {
          delete_range(e, e->pos, next_char(e, e->pos));
        } else if (b == '1' || b == '7') {
          e->pos = 0;
        } else if (b == '4' || b == '8') {
          e->pos = e->len;
        }
        redraw(e);
        continue;
      }
      switch (b) {
        case 'A':
          if (hist > 0) {
            if (hist == nhistory) {
              free(saved_current);
              saved_current = xstrndup(e->buf, (size_t)e->len);
            }
            hist--;
            set_line(e, history[hist]);
          }
          break;
        case 'B':
          if (hist < nhistory) {
            hist++;
            set_line(e, hist == nhistory ? (saved_current ? saved_current : "") : history[hist]);
          }
          break;
        case 'C':
          e->pos = next_char(e, e->pos);
          redraw(e);
          break;
        case 'D':
          e->pos = prev_char(e, e->pos);
          redraw(e);
          break;
        case 'H':
          e->pos = 0;
          redraw(e);
          break;
        case 'F':
          e->pos = e->len;
          redraw(e);
          break;
      }
      continue;
    }
    if (c < 32 && c != '\t') continue;
    if (e->len >= MAXLINE) continue;
    memmove(e->buf + e->pos + 1, e->buf + e->pos, (size_t)(e->len - e->pos));
    e->buf[e->pos++] = (char)c;
    e->len++;
    if (e->pos == e->len) put(e, (const char *)&c, 1);
    else redraw(e);
  }
  if (have_tty) __drydock_tcsetattr(fd, 0, &old);
  free(saved_current);
  free(e);
  return result;
}
