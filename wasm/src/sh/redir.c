/*
 * Redirections applied in the shell process itself (builtins, functions,
 * compound commands, exec). Each redirect(…, save=1) pushes a frame holding
 * close-on-exec copies (fd >= 10) of the fds it replaced; redirect_pop()
 * puts them back. Spawned commands get file actions instead (exec.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sh.h"

int redir_default_flags(int type, int *flags);

typedef struct saved_fd {
  int fd;
  int copy; /* -1: fd was closed before */
} saved_fd_t;

typedef struct rframe {
  struct rframe *prev;
  saved_fd_t saved[16];
  int n;
} rframe_t;

static rframe_t *frames;
static int depth;

static void remember(rframe_t *f, int fd) {
  if (!f) return;
  for (int i = 0; i < f->n; i++)
    if (f->saved[i].fd == fd) return;
  if (f->n >= 16) return;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  f->saved[f->n].fd = fd;
  f->saved[f->n].copy = copy;
  f->n++;
}

static int dup_target(const char *t) {
  if (strcmp(t, "-") == 0) return -1;
  if (!*t) return -2;
  long v = 0;
  for (const char *p = t; *p; p++) {
    if (*p < '0' || *p > '9') return -2;
    v = v * 10 + (*p - '0');
    if (v > 100000) return -2;
  }
  return (int)v;
}

static void place(int newfd, int fd) {
  if (newfd == fd) return;
  dup2(newfd, fd);
  close(newfd);
}

int redirect(redir_t *r, int save) {
  rframe_t *f = NULL;
  if (save) {
    f = xzalloc(sizeof *f);
    f->prev = frames;
    frames = f;
    depth++;
  }
  stmark_t mark;
  stmark(&mark);
  int result = 0;
  for (; r; r = r->next) {
    if (r->type == R_HEREDOC) {
      const char *content = r->hd_quoted ? r->heredoc : expand_heredoc(r->heredoc ? r->heredoc : "");
      if (!content) {
        result = -1;
        break;
      }
      int fd = heredoc_fd(r, content);
      if (fd < 0) {
        result = -1;
        break;
      }
      remember(f, r->fd);
      place(fd, r->fd);
      continue;
    }
    char *t = expand_string(r->target, EXP_TILDE);
    if (!t) {
      result = -1;
      break;
    }
    if (r->type == R_DUPIN || r->type == R_DUPOUT) {
      int src = dup_target(t);
      if (src == -1) {
        remember(f, r->fd);
        close(r->fd);
        continue;
      }
      if (src >= 0) {
        if (fcntl(src, F_GETFD) < 0) {
          sh_error("%d: %s", src, strerror(EBADF));
          result = -1;
          break;
        }
        if (src == r->fd) continue;
        remember(f, r->fd);
        dup2(src, r->fd);
        continue;
      }
      if (r->type == R_DUPIN) {
        sh_error("%s: bad fd", t);
        result = -1;
        break;
      }
      int fd = redir_open_target(r, t);
      if (fd < 0) {
        result = -1;
        break;
      }
      remember(f, r->fd);
      if (r->fd == 1) {
        remember(f, 2);
        dup2(fd, 2);
      }
      place(fd, r->fd);
      continue;
    }
    int fd = redir_open_target(r, t);
    if (fd < 0) {
      result = -1;
      break;
    }
    remember(f, r->fd);
    place(fd, r->fd);
  }
  streset(&mark);
  return result;
}

void redirect_pop(void) {
  rframe_t *f = frames;
  if (!f) return;
  frames = f->prev;
  depth--;
  bout_flush();
  for (int i = f->n - 1; i >= 0; i--) {
    if (f->saved[i].copy >= 0) {
      dup2(f->saved[i].copy, f->saved[i].fd);
      close(f->saved[i].copy);
    } else {
      close(f->saved[i].fd);
    }
  }
  free(f);
}

int redirect_depth(void) { return depth; }

void redirect_commit(void) {
  rframe_t *f = frames;
  if (!f) return;
  frames = f->prev;
  depth--;
  for (int i = 0; i < f->n; i++)
    if (f->saved[i].copy >= 0) close(f->saved[i].copy);
  free(f);
}
