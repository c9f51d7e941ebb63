/*
 * read: one byte at a time (so that the rest of the input stays for whoever
 * reads next), backslash processing unless -r, IFS splitting with the last
 * variable taking the rest of the line. Options: -r -p -n -s -t -u -d.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

static int is_ifs_ws(char c, const char *ifs) { return (c == ' ' || c == '\t' || c == '\n') && strchr(ifs, c); }

int bi_read(int argc, char **argv) {
  int raw = 0, nchars = -1, fd = 0, i = 1;
  double timeout = -1;
  const char *prompt = NULL;
  char delim = '\n';
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (strcmp(argv[i], "--") == 0) {
      i++;
      break;
    }
    for (const char *p = argv[i] + 1; *p; p++) {
      char o = *p;
      if (o == 'r') raw = 1;
      else if (o == 's') {
      } else if (o == 'p' || o == 'n' || o == 't' || o == 'u' || o == 'd') {
        const char *val = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!val) {
          sh_error("-%c: option requires an argument", o);
          return 2;
        }
        if (o == 'p') prompt = val;
        else if (o == 'n') nchars = atoi(val);
        else if (o == 'u') fd = atoi(val);
        else if (o == 'd') delim = val[0];
        else if (o == 't') timeout = strtod(val, NULL);
        break;
      } else {
        sh_error("illegal option -%c", o);
        return 2;
      }
    }
  }
  for (int k = i; k < argc; k++) {
    if (!is_name(argv[k])) {
      sh_warnx("read: '%s': bad variable name", argv[k]);
      return 1;
    }
  }
  if (prompt && is_tty(fd)) xwrite_all(2, prompt, strlen(prompt));
  sbuf_t line = {0};
  sbuf_t esc = {0}; /* 1 for characters that were backslash-escaped */
  int status = 0;
  int count = 0;
  /* A seekable input is read in blocks and the offset put back after the
   * line (what a byte-at-a-time read would leave); pipes go byte by byte. */
  char block[512];
  size_t bpos = 0, blen = 0;
  off_t start = lseek(fd, 0, SEEK_CUR);
  int seekable = start >= 0 && timeout < 0;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  off_t consumed = 0;
  for (;;) {
    if (nchars >= 0 && count >= nchars) break;
    char c;
    ssize_t r;
    if (seekable) {
      if (bpos == blen) {
        ssize_t got = read(fd, block, sizeof block);
        if (got < 0 && errno == EINTR) {
          if (g_gotsig) {
            dotrap();
            if (g_exc) break;
          }
          continue;
        }
        blen = got > 0 ? (size_t)got : 0;
        bpos = 0;
      }
      if (bpos < blen) {
        c = block[bpos++];
        consumed++;
        r = 1;
      } else {
        r = 0;
      }
    } else {
      if (timeout >= 0) {
        /* -t: give up (status 1) when no input comes in time */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double left = timeout - ((double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9);
        struct pollfd pfd = {fd, POLLIN, 0};
        int pr = left > 0 ? poll(&pfd, 1, (int)(left * 1000)) : 0;
        if (pr < 0 && errno == EINTR) continue;
        if (pr == 0) {
          status = 1;
          break;
        }
      }
      r = read(fd, &c, 1);
    }
    if (r < 0 && errno == EINTR) {
      if (g_gotsig) {
        dotrap();
        if (g_exc) break;
      }
      continue;
    }
    if (r <= 0) {
      status = 1;
      break;
    }
    count++;
    if (c == delim) break;
    if (!raw && c == '\\') {
      char d;
      if (seekable) {
        if (bpos == blen) {
          ssize_t got = read(fd, block, sizeof block);
          blen = got > 0 ? (size_t)got : 0;
          bpos = 0;
        }
        r = bpos < blen ? 1 : 0;
        if (r) d = block[bpos++], consumed++;
      } else {
        r = read(fd, &d, 1);
      }
      if (r <= 0) {
        status = 1;
        break;
      }
      if (d == '\n') continue;
      sb_addc(&line, d);
      sb_addc(&esc, 1);
      continue;
    }
    sb_addc(&line, c);
    sb_addc(&esc, 0);
  }
  if (seekable) lseek(fd, start + consumed, SEEK_SET);
  const char *s = sb_str(&line);
  const char *e = sb_str(&esc);
  size_t n = line.len;
  if (i >= argc) {
    var_set("REPLY", s, 0);
    sb_free(&line);
    sb_free(&esc);
    return status;
  }
  const char *ifs = var_get("IFS");
  if (!ifs) ifs = " \t\n";
  size_t p = 0;
  for (; i < argc; i++) {
    while (p < n && !e[p] && is_ifs_ws(s[p], ifs)) p++;
    if (i == argc - 1) {
      /* the rest, without trailing IFS whitespace */
      size_t end = n;
      while (end > p && !e[end - 1] && is_ifs_ws(s[end - 1], ifs)) end--;
      /* a single trailing non-whitespace separator is dropped too */
      if (end > p && !e[end - 1] && strchr(ifs, s[end - 1]) && !is_ifs_ws(s[end - 1], ifs)) {
        int other = 0;
        for (size_t k = p; k + 1 < end; k++)
          if (!e[k] && strchr(ifs, s[k]) && !is_ifs_ws(s[k], ifs)) other = 1;
        if (!other) end--;
      }
      char *v = ststrndup(s + p, end - p);
      var_set(argv[i], v, 0);
      break;
    }
    size_t start = p;
    while (p < n && !(!e[p] && strchr(ifs, s[p]))) p++;
    char *v = ststrndup(s + start, p - start);
    if (var_set(argv[i], v, 0) < 0) break;
    if (p < n) {
      int ws = is_ifs_ws(s[p], ifs);
      p++;
      while (p < n && !e[p] && is_ifs_ws(s[p], ifs)) p++;
      if (ws && p < n && !e[p] && strchr(ifs, s[p])) {
        p++;
        while (p < n && !e[p] && is_ifs_ws(s[p], ifs)) p++;
      }
    }
  }
  sb_free(&line);
  sb_free(&esc);
  return status;
}
