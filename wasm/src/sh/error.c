/*
 * Messages in ash's formats, and output: unbuffered writes for the shell's
 * own messages, and a small buffer for builtins' stdout (flushed when the
 * builtin returns, or captured into memory for an in-process $(...)).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

extern int g_lineno;
const char *g_cmdname;
const char *g_arg0_msg = "sh";
int g_errlinno;

void xwrite_all(int fd, const char *s, size_t n) {
  while (n > 0) {
    ssize_t r = write(fd, s, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return;
    }
    s += r;
    n -= (size_t)r;
  }
}

void out_str(const char *s) { xwrite_all(1, s, strlen(s)); }

void outf(int fd, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
  if (n > 0) xwrite_all(fd, buf, (size_t)n);
}

/* "arg0: [cmd: ][line N: ]message", as ash's ash_vmsg. */
void sh_error(const char *fmt, ...) {
  sbuf_t sb = {0};
  const char *arg0 = g_arg0_msg ? g_arg0_msg : "sh";
  sb_printf(&sb, "%s: ", arg0);
  if (g_cmdname) {
    if (strcmp(arg0, g_cmdname) != 0) sb_printf(&sb, "%s: ", g_cmdname);
    if (!g_interactive || (g_input && g_input->fd > 0)) sb_printf(&sb, "line %d: ", g_lineno);
  }
  va_list ap;
  va_start(ap, fmt);
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sb_adds(&sb, msg);
  sb_addc(&sb, '\n');
  bout_flush();
  xwrite_all(2, sb.s, sb.len);
  sb_free(&sb);
}

/* "sh: message" (busybox applet style, used by echo/printf/test/read). */
void sh_warnx(const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  bout_flush();
  outf(2, "sh: %s\n", msg);
}

/* ash's errmsg(): short texts for missing files. */
const char *errmsg_open(int err, int creating) {
  if (err == ENOENT || err == ENOTDIR) return creating ? "nonexistent directory" : "no such file";
  return strerror(err);
}

/* ------------------------------------------------------------------ builtin output */

static char bbuf[4096];
static size_t blen;
static int bfd = 1;
sbuf_t *g_bout_capture;
int g_bout_error;

void bout_init(int fd) {
  bout_flush();
  bfd = fd;
  g_bout_error = 0;
}

void bout_flush(void) {
  if (blen == 0) return;
  if (g_bout_capture) {
    sb_addn(g_bout_capture, bbuf, blen);
    blen = 0;
    return;
  }
  const char *s = bbuf;
  size_t n = blen;
  blen = 0;
  while (n > 0) {
    ssize_t r = write(bfd, s, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (!g_bout_error) g_bout_error = errno ? errno : EIO;
      return;
    }
    s += r;
    n -= (size_t)r;
  }
}

void bputn(const char *s, size_t n) {
  while (n > 0) {
    if (blen == sizeof bbuf) bout_flush();
    size_t k = sizeof bbuf - blen;
    if (k > n) k = n;
    memcpy(bbuf + blen, s, k);
    blen += k;
    s += k;
    n -= k;
  }
}

void bputs(const char *s) { bputn(s, strlen(s)); }

void bputc(int c) {
  char ch = (char)c;
  bputn(&ch, 1);
}

void bprintf(const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n >= (int)sizeof buf) {
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    bputn(big, (size_t)n);
    free(big);
    return;
  }
  if (n > 0) bputn(buf, (size_t)n);
}
