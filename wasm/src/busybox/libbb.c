/* libbb.c: messages, memory, options, numbers, I/O and small helpers shared by the applets (libbb.h). */
#include "libbb.h"

#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

const char *applet_name = "busybox";
int xfunc_error_retval = 1;

/* ---------------------------------------------------------------- messages */

static void verror_msg(const char *fmt, va_list ap, const char *strerr) {
  fflush(stdout);
  strbuf sb = {0};
  sb_puts(&sb, applet_name);
  sb_puts(&sb, ": ");
  char tmp[512];
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  if (n >= (int)sizeof tmp) {
    char *big = xmalloc((size_t)n + 1);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    sb_puts(&sb, big);
    free(big);
  } else {
    sb_puts(&sb, tmp);
  }
  if (strerr) {
    sb_puts(&sb, ": ");
    sb_puts(&sb, strerr);
  }
  sb_putc(&sb, '\n');
  full_write(2, sb.data, sb.len);
  free(sb.data);
}

void bb_error_msg(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror_msg(fmt, ap, 0);
  va_end(ap);
}

void bb_perror_msg(const char *fmt, ...) {
  const char *err = strerror(errno);
  va_list ap;
  va_start(ap, fmt);
  verror_msg(fmt, ap, err);
  va_end(ap);
}

void bb_error_msg_and_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror_msg(fmt, ap, 0);
  va_end(ap);
  fflush_stdout_and_exit(xfunc_error_retval);
}

void bb_perror_msg_and_die(const char *fmt, ...) {
  const char *err = strerror(errno);
  va_list ap;
  va_start(ap, fmt);
  verror_msg(fmt, ap, err);
  va_end(ap);
  fflush_stdout_and_exit(xfunc_error_retval);
}

void bb_perror_cant_open(const char *path) { bb_perror_msg("can't open '%s'", path); }

int fflush_all(void) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    int saved = errno;
    clearerr(stdout);
    errno = saved;
    if (errno == 0) errno = EIO;
    /* Not through bb_perror_msg (it flushes stdout again). */
    const char *err = strerror(errno);
    char msg[256];
    int n = snprintf(msg, sizeof msg, "%s: write error: %s\n", applet_name, err);
    full_write(2, msg, (size_t)n);
    return 1;
  }
  return 0;
}

void fflush_stdout_and_exit(int status) {
  if (fflush_all()) status = 1;
  exit(status);
}

/* ---------------------------------------------------------------- memory */

static _Noreturn void oom(void) {
  full_write(2, applet_name, strlen(applet_name));
  full_write(2, ": out of memory\n", 16);
  exit(1);
}

void *xmalloc(size_t size) {
  void *p = malloc(size ? size : 1);
  if (!p) oom();
  return p;
}

void *xzalloc(size_t size) {
  void *p = calloc(1, size ? size : 1);
  if (!p) oom();
  return p;
}

void *xrealloc(void *p, size_t size) {
  p = realloc(p, size ? size : 1);
  if (!p) oom();
  return p;
}

char *xstrdup(const char *s) {
  char *p = strdup(s);
  if (!p) oom();
  return p;
}

char *xstrndup(const char *s, size_t n) {
  char *p = strndup(s, n);
  if (!p) oom();
  return p;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(0, 0, fmt, ap);
  va_end(ap);
  char *p = xmalloc((size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return p;
}

void sb_append(strbuf *sb, const char *data, size_t n) {
  if (sb->len + n + 1 > sb->cap) {
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + n + 1) cap *= 2;
    sb->data = xrealloc(sb->data, cap);
    sb->cap = cap;
  }
  memcpy(sb->data + sb->len, data, n);
  sb->len += n;
  sb->data[sb->len] = 0;
}

void sb_puts(strbuf *sb, const char *s) { sb_append(sb, s, strlen(s)); }
void sb_putc(strbuf *sb, char c) { sb_append(sb, &c, 1); }

void sb_printf(strbuf *sb, const char *fmt, ...) {
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(0, 0, fmt, ap);
  va_end(ap);
  char *p = xmalloc((size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  sb_append(sb, p, (size_t)n);
  free(p);
}

char *sb_str(strbuf *sb) {
  if (!sb->data) sb_append(sb, "", 0);
  return sb->data;
}

/* ---------------------------------------------------------------- options */

char *bb_longopt_arg[8];
int getopt32_seq[32];

void llist_add_to_end(llist **list, char *data) {
  llist *node = xzalloc(sizeof *node);
  node->data = data;
  while (*list) list = &(*list)->next;
  *list = node;
}

int argc_of(char **argv) {
  int n = 0;
  while (argv[n]) n++;
  return n;
}

struct optdef {
  unsigned char c;
  char type; /* 0, ':', '+', '*' */
  void *dest;
};

static _Noreturn void option_error(const char *fmt, const char *what) {
  fflush(stdout);
  fprintf(stderr, "%s: ", applet_name);
  fprintf(stderr, fmt, what);
  fputc('\n', stderr);
  bb_show_usage();
}

static void store_arg(struct optdef *d, char *arg) {
  if (!d->dest) return;
  switch (d->type) {
    case ':':
      *(char **)d->dest = arg;
      break;
    case '+':
      *(int *)d->dest = xatoi_positive(arg);
      break;
    case '*':
      llist_add_to_end((llist **)d->dest, arg);
      break;
  }
}

static unsigned vgetopt32(char **argv, const char *optstring, const bb_longopt *longopts, va_list ap) {
  struct optdef defs[64];
  int ndefs = 0;
  int stop_at_nonopt = 0;
  const unsigned char *p = (const unsigned char *)optstring;
  if (*p == '+') {
    stop_at_nonopt = 1;
    p++;
  }
  while (*p && ndefs < 32) {
    struct optdef *d = &defs[ndefs++];
    d->c = *p++;
    d->type = 0;
    d->dest = 0;
    if (*p == ':' || *p == '+' || *p == '*') d->type = (char)*p++;
    if (d->type) d->dest = va_arg(ap, void *);
  }
  for (int i = 0; i < 8; i++) bb_longopt_arg[i] = 0;
  for (int i = 0; i < 32; i++) getopt32_seq[i] = 0;
  int seq = 0;
  int argc = argc_of(argv);
  char **operands = xmalloc(sizeof(char *) * (size_t)(argc + 1));
  int nops = 0;
  unsigned result = 0;
  int i = 1;
  while (i < argc) {
    char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-' || a[1] == 0) {
      if (stop_at_nonopt) break;
      operands[nops++] = a;
      i++;
      continue;
    }
    if (a[1] == '-') {
      if (!longopts) option_error("unrecognized option '%s'", a);
      const char *name = a + 2;
      const char *eq = strchr(name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen(name);
      const bb_longopt *match = 0;
      int nmatch = 0;
      for (const bb_longopt *lo = longopts; lo->name; lo++) {
        if (strncmp(lo->name, name, len) != 0) continue;
        if (strlen(lo->name) == len) {
          match = lo;
          nmatch = 1;
          break;
        }
        if (!match || match->val != lo->val) nmatch++;
        match = lo;
      }
      if (!match) option_error("unrecognized option '%s'", a);
      if (nmatch > 1) option_error("option '%s' is ambiguous", a);
      int k;
      for (k = 0; k < ndefs && defs[k].c != match->val; k++) {
      }
      char *arg = eq ? (char *)eq + 1 : 0;
      if (match->has_arg == 0 && arg) {
        char buf[128];
        snprintf(buf, sizeof buf, "--%s", match->name);
        option_error("option '%s' doesn't allow an argument", buf);
      }
      if (match->has_arg == 1 && !arg) {
        if (i + 1 >= argc) {
          char buf[128];
          snprintf(buf, sizeof buf, "--%s", match->name);
          option_error("option '%s' requires an argument", buf);
        }
        arg = argv[++i];
      }
      if (k < ndefs) {
        result |= 1u << k;
        getopt32_seq[k] = ++seq;
        if (match->has_arg == 2) bb_longopt_arg[k & 7] = arg;
        else if (arg) store_arg(&defs[k], arg);
      }
      i++;
      continue;
    }
    for (int j = 1; a[j]; j++) {
      unsigned char c = (unsigned char)a[j];
      int k;
      for (k = 0; k < ndefs && (defs[k].c != c || c >= 0x80); k++) {
      }
      if (k == ndefs) {
        char buf[2] = {(char)c, 0};
        option_error("invalid option -- '%s'", buf);
      }
      result |= 1u << k;
      getopt32_seq[k] = ++seq;
      if (defs[k].type) {
        char *arg;
        if (a[j + 1]) {
          arg = a + j + 1;
        } else if (i + 1 < argc) {
          arg = argv[++i];
        } else {
          char buf[2] = {(char)c, 0};
          option_error("option requires an argument -- '%s'", buf);
        }
        store_arg(&defs[k], arg);
        break;
      }
    }
    i++;
  }
  /* Operands: the collected non-options, then everything after "--" or the first non-option. */
  int rest = argc - i;
  optind = argc - nops - rest;
  memmove(argv + optind + nops, argv + i, sizeof(char *) * (size_t)rest);
  memcpy(argv + optind, operands, sizeof(char *) * (size_t)nops);
  free(operands);
  return result;
}

unsigned getopt32(char **argv, const char *optstring, ...) {
  va_list ap;
  va_start(ap, optstring);
  unsigned r = vgetopt32(argv, optstring, 0, ap);
  va_end(ap);
  return r;
}

unsigned getopt32long(char **argv, const char *optstring, const bb_longopt *longopts, ...) {
  va_list ap;
  va_start(ap, longopts);
  unsigned r = vgetopt32(argv, optstring, longopts, ap);
  va_end(ap);
  return r;
}

/* ---------------------------------------------------------------- numbers */

const struct suffix_mult bkm_suffixes[] = {{"b", 512}, {"k", 1024}, {"m", 1024 * 1024}, {0, 0}};
const struct suffix_mult kmg_suffixes[] = {{"k", 1024},       {"K", 1024},       {"m", 1024 * 1024},
                                           {"M", 1024 * 1024}, {"g", 1024 * 1024 * 1024}, {"G", 1024 * 1024 * 1024},
                                           {0, 0}};
const struct suffix_mult dd_suffixes[] = {
    {"c", 1},           {"w", 2},           {"b", 512},
    {"kB", 1000},       {"kD", 1000},       {"k", 1024},
    {"K", 1024},        {"MB", 1000000},    {"MD", 1000000},
    {"M", 1024 * 1024}, {"GB", 1000000000}, {"GD", 1000000000},
    {"G", 1024 * 1024 * 1024}, {0, 0}};

static _Noreturn void invalid_number(const char *s) { bb_error_msg_and_die("invalid number '%s'", s); }

unsigned long long xatoull_sfx(const char *s, const struct suffix_mult *sfx) {
  if (!bb_isdigit((unsigned char)*s)) invalid_number(s);
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno) bb_error_msg_and_die("number %s is not in %llu..%llu range", s, 0ULL, ULLONG_MAX);
  if (*end) {
    if (!sfx) invalid_number(s);
    for (; sfx->suffix; sfx++) {
      if (strcmp(end, sfx->suffix) == 0) {
        if (sfx->mult && v > ULLONG_MAX / sfx->mult) bb_error_msg_and_die("number %s is not in %llu..%llu range", s, 0ULL, ULLONG_MAX);
        return v * sfx->mult;
      }
    }
    invalid_number(s);
  }
  return v;
}

unsigned long long xatoull(const char *s) { return xatoull_sfx(s, 0); }

long long xatoll(const char *s) {
  const char *p = s;
  if (*p == '-' || *p == '+') p++;
  if (!bb_isdigit((unsigned char)*p)) invalid_number(s);
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end) invalid_number(s);
  if (errno) bb_error_msg_and_die("number %s is not in %lld..%lld range", s, LLONG_MIN, LLONG_MAX);
  return v;
}

int xatoi(const char *s) {
  long long v = xatoll(s);
  if (v < INT_MIN || v > INT_MAX) bb_error_msg_and_die("number %s is not in %d..%d range", s, INT_MIN, INT_MAX);
  return (int)v;
}

int xatoi_positive(const char *s) {
  unsigned long long v = xatoull(s);
  if (v > INT_MAX) bb_error_msg_and_die("number %s is not in %d..%d range", s, 0, INT_MAX);
  return (int)v;
}

unsigned xatou(const char *s) {
  unsigned long long v = xatoull(s);
  if (v > UINT_MAX) bb_error_msg_and_die("number %s is not in %u..%u range", s, 0u, UINT_MAX);
  return (unsigned)v;
}

long bb_strtol_octal(const char *s) {
  if (!*s) return -1;
  long v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '7') return -1;
    v = v * 8 + (*s - '0');
    if (v > 07777) return -1;
  }
  return v;
}

/* ---------------------------------------------------------------- I/O */

ssize_t safe_read(int fd, void *buf, size_t count) {
  ssize_t n;
  do {
    n = read(fd, buf, count);
  } while (n < 0 && errno == EINTR);
  /* WASI refuses fd_read on a directory with EBADF; Linux says EISDIR. */
  if (n < 0 && errno == EBADF) {
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) errno = EISDIR;
    else errno = EBADF;
  }
  return n;
}

ssize_t full_read(int fd, void *buf, size_t count) {
  size_t done = 0;
  while (done < count) {
    ssize_t n = safe_read(fd, (char *)buf + done, count - done);
    if (n < 0) return done ? (ssize_t)done : -1;
    if (n == 0) break;
    done += (size_t)n;
  }
  return (ssize_t)done;
}

ssize_t full_write(int fd, const void *buf, size_t count) {
  size_t done = 0;
  while (done < count) {
    ssize_t n = write(fd, (const char *)buf + done, count - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return done ? (ssize_t)done : -1;
    }
    done += (size_t)n;
  }
  return (ssize_t)done;
}

long long bb_copyfd_size(int src, int dst, long long size) {
  static char *buf;
  enum { BUFSZ = 64 * 1024 };
  if (!buf) buf = xmalloc(BUFSZ);
  long long total = 0;
  while (size < 0 || total < size) {
    size_t want = BUFSZ;
    if (size >= 0 && (long long)want > size - total) want = (size_t)(size - total);
    ssize_t n = safe_read(src, buf, want);
    if (n < 0) {
      bb_perror_msg("read error");
      return -1;
    }
    if (n == 0) break;
    if (full_write(dst, buf, (size_t)n) != n) {
      bb_perror_msg("write error");
      return -1;
    }
    total += n;
  }
  return total;
}

/* Big stdio buffers: every read is a system call to the kernel (wasi-libc's BUFSIZ is 1 KiB). */
void bb_big_buffer(FILE *f) { setvbuf(f, 0, _IOFBF, 64 * 1024); }

FILE *fopen_or_warn(const char *path, const char *mode) {
  FILE *f = fopen(path, mode);
  if (!f) bb_perror_msg("%s", path);
  else bb_big_buffer(f);
  return f;
}

FILE *fopen_or_warn_stdin(const char *path) {
  if (strcmp(path, "-") == 0) return stdin;
  return fopen_or_warn(path, "r");
}

FILE *xfopen(const char *path, const char *mode) {
  FILE *f = fopen(path, mode);
  if (!f) bb_perror_msg_and_die("can't open '%s'", path);
  bb_big_buffer(f);
  return f;
}

int fd_or_warn_stdin(const char *path) {
  if (strcmp(path, "-") == 0) return 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0) bb_perror_msg("%s", path);
  return fd;
}

void fclose_if_not_stdin(FILE *f) {
  if (f != stdin) fclose(f);
}

int open_or_warn(const char *path, int flags) {
  int fd = open(path, flags, 0666);
  if (fd < 0) bb_perror_cant_open(path);
  return fd;
}

int open_or_warn_stdin(const char *path) {
  if (strcmp(path, "-") == 0) return 0;
  return open_or_warn(path, O_RDONLY);
}

int xopen3(const char *path, int flags, mode_t mode) {
  int fd = open(path, flags, mode);
  if (fd < 0) bb_perror_msg_and_die("can't open '%s'", path);
  return fd;
}

int xopen(const char *path, int flags) { return xopen3(path, flags, 0666); }

ssize_t bb_getline(char **line, size_t *cap, FILE *f) { return getline(line, cap, f); }

char *xmalloc_read_file(const char *path, size_t *lenp) {
  int fd = open_or_warn_stdin(path);
  if (fd < 0) return 0;
  strbuf sb = {0};
  static char buf[65536];
  for (;;) {
    ssize_t n = safe_read(fd, buf, sizeof buf);
    if (n < 0) {
      bb_perror_msg("read error");
      if (fd) close(fd);
      free(sb.data);
      return 0;
    }
    if (n == 0) break;
    sb_append(&sb, buf, (size_t)n);
  }
  if (fd) close(fd);
  if (lenp) *lenp = sb.len;
  return sb_str(&sb);
}

char *read_small_file(const char *path, size_t *lenp) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  strbuf sb = {0};
  char buf[4096];
  ssize_t n;
  while ((n = safe_read(fd, buf, sizeof buf)) > 0) sb_append(&sb, buf, (size_t)n);
  close(fd);
  if (n < 0) {
    free(sb.data);
    return 0;
  }
  if (lenp) *lenp = sb.len;
  return sb_str(&sb);
}

char *concat_path_file(const char *dir, const char *name) {
  if (!dir) dir = "";
  while (*name == '/') name++;
  const char *sep = last_char_is(dir, '/') || !*dir ? "" : "/";
  return xasprintf("%s%s%s", dir, sep, name);
}

const char *bb_get_last_path_component_nostrip(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash || (slash == path && !slash[1])) return path;
  return slash + 1;
}

char *bb_basename_dup(const char *path) {
  char *copy = xstrdup(path);
  size_t n = strlen(copy);
  while (n > 1 && copy[n - 1] == '/') copy[--n] = 0;
  char *slash = strrchr(copy, '/');
  if (slash && slash[1]) memmove(copy, slash + 1, strlen(slash + 1) + 1);
  return copy;
}

char *last_char_is(const char *s, int c) {
  if (!s || !*s) return 0;
  const char *last = s + strlen(s) - 1;
  return *last == c ? (char *)last : 0;
}

int is_dot_or_dotdot(const char *name) {
  return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

/* ---------------------------------------------------------------- modes, owners */

const char *bb_mode_string(mode_t mode) {
  static char buf[11];
  static const char types[] = "?pc?d?b?-?l?s???";
  buf[0] = types[(mode >> 12) & 15];
  const char *rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; i++) buf[1 + i] = (mode & (0400 >> i)) ? rwx[i] : '-';
  if (mode & S_ISUID) buf[3] = (mode & S_IXUSR) ? 's' : 'S';
  if (mode & S_ISGID) buf[6] = (mode & S_IXGRP) ? 's' : 'S';
  if (mode & S_ISVTX) buf[9] = (mode & S_IXOTH) ? 't' : 'T';
  buf[10] = 0;
  return buf;
}

int bb_parse_mode(const char *s, mode_t *current) {
  static const mode_t who_mask[] = {S_ISUID | S_IRWXU, S_ISGID | S_IRWXG, S_IRWXO, S_ISUID | S_ISGID | S_ISVTX | 0777};
  if (bb_isdigit((unsigned char)*s)) {
    long v = bb_strtol_octal(s);
    if (v < 0) return -1;
    /* Like coreutils and busybox: octal modes for directories keep setuid/setgid unless given with 5 digits. */
    *current = (mode_t)v | (*current & S_IFMT);
    return 0;
  }
  mode_t new_mode = *current;
  const char *p = s;
  for (;;) {
    mode_t wholist = 0;
    for (;; p++) {
      if (*p == 'u') wholist |= who_mask[0];
      else if (*p == 'g') wholist |= who_mask[1];
      else if (*p == 'o') wholist |= who_mask[2];
      else if (*p == 'a') wholist |= who_mask[3];
      else break;
    }
    if (*p != '+' && *p != '-' && *p != '=') return -1;
    while (*p == '+' || *p == '-' || *p == '=') {
      char op = *p++;
      mode_t perm = 0;
      /* "u=g": copy permissions from another class. */
      if (*p == 'u' || *p == 'g' || *p == 'o') {
        mode_t src = new_mode;
        mode_t bits = *p == 'u' ? (src & S_IRWXU) >> 6 : *p == 'g' ? (src & S_IRWXG) >> 3 : src & S_IRWXO;
        perm = bits * 0111;
        p++;
      } else {
        for (;; p++) {
          if (*p == 'r') perm |= 0444;
          else if (*p == 'w') perm |= 0222;
          else if (*p == 'x') perm |= 0111;
          else if (*p == 'X') {
            if (S_ISDIR(new_mode) || (new_mode & 0111)) perm |= 0111;
          } else if (*p == 's') perm |= S_ISUID | S_ISGID;
          else if (*p == 't') perm |= S_ISVTX;
          else break;
        }
      }
      mode_t mask = wholist;
      if (!wholist) {
        /* No "who": like "a", but bits set in the umask are not affected. */
        mode_t um = umask(0);
        umask(um);
        mask = who_mask[3] & ~um;
      }
      perm &= mask;
      switch (op) {
        case '+':
          new_mode |= perm;
          break;
        case '-':
          new_mode &= ~perm;
          break;
        case '=':
          new_mode = (new_mode & ~mask) | perm;
          break;
      }
    }
    if (*p == 0) break;
    if (*p != ',') return -1;
    p++;
  }
  *current = new_mode;
  return 0;
}

const char *uid_name(uid_t uid) {
  static char buf[32];
  struct passwd *pw = getpwuid(uid);
  if (pw) {
    snprintf(buf, sizeof buf, "%s", pw->pw_name);
  } else {
    snprintf(buf, sizeof buf, "%u", (unsigned)uid);
  }
  return buf;
}

const char *gid_name(gid_t gid) {
  static char buf[32];
  struct group *gr = getgrgid(gid);
  if (gr) {
    snprintf(buf, sizeof buf, "%s", gr->gr_name);
  } else {
    snprintf(buf, sizeof buf, "%u", (unsigned)gid);
  }
  return buf;
}

long xname2uid(const char *name) {
  struct passwd *pw = getpwnam(name);
  if (pw) return pw->pw_uid;
  char *end;
  unsigned long v = strtoul(name, &end, 10);
  if (*name && !*end) return (long)v;
  return -1;
}

long xname2gid(const char *name) {
  struct group *gr = getgrnam(name);
  if (gr) return gr->gr_gid;
  char *end;
  unsigned long v = strtoul(name, &end, 10);
  if (*name && !*end) return (long)v;
  return -1;
}

/* ---------------------------------------------------------------- formatting */

const char *make_human_readable_str(unsigned long long val, unsigned long block_size, unsigned long display_unit) {
  static const char units[] = {0, 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'};
  static char buf[32];
  if (val == 0) return "0";
  if (block_size > 1) val *= block_size;
  if (display_unit) {
    val += display_unit / 2;
    val /= display_unit;
    snprintf(buf, sizeof buf, "%llu", val);
    return buf;
  }
  unsigned frac = 0;
  int u = 0;
  while (val >= 1024) {
    u++;
    frac = (((unsigned)(val % 1024)) * 10 + 1024 / 2) / 1024;
    val /= 1024;
  }
  if (frac >= 10) {
    val++;
    frac = 0;
  }
  if (block_size == 0) {
    /* No fractional digit: round. */
    if (frac >= 5) val++;
    if (units[u]) snprintf(buf, sizeof buf, "%llu%c", val, units[u]);
    else snprintf(buf, sizeof buf, "%llu", val);
  } else if (u) {
    snprintf(buf, sizeof buf, "%llu.%u%c", val, frac, units[u]);
  } else {
    snprintf(buf, sizeof buf, "%llu", val);
  }
  return buf;
}

int bb_process_escape_sequence(const char **ptr) {
  const char *p = *ptr;
  int c = (unsigned char)*p;
  int num = 0;
  if (c >= '0' && c <= '7') {
    /* up to 3 octal digits */
    int i = 0;
    while (i < 3 && *p >= '0' && *p <= '7') {
      num = num * 8 + (*p - '0');
      p++;
      i++;
    }
    *ptr = p;
    return num & 0xff;
  }
  if (c == 'x' && isxdigit((unsigned char)p[1])) {
    p++;
    int i = 0;
    while (i < 2 && isxdigit((unsigned char)*p)) {
      num = num * 16 + (isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
      p++;
      i++;
    }
    *ptr = p;
    return num;
  }
  static const char from[] = "abefnrtv\\";
  static const char to[] = "\a\b\033\f\n\r\t\v\\";
  const char *k = c ? strchr(from, c) : 0;
  if (k) {
    *ptr = p + 1;
    return (unsigned char)to[k - from];
  }
  /* Not an escape: the backslash itself. */
  return '\\';
}

/* ---------------------------------------------------------------- signals, processes */

static const char *const signames[] = {
    [1] = "HUP",   [2] = "INT",    [3] = "QUIT",  [4] = "ILL",   [5] = "TRAP",   [6] = "ABRT",    [7] = "BUS",
    [8] = "FPE",   [9] = "KILL",   [10] = "USR1", [11] = "SEGV", [12] = "USR2",  [13] = "PIPE",   [14] = "ALRM",
    [15] = "TERM", [16] = "STKFLT", [17] = "CHLD", [18] = "CONT", [19] = "STOP", [20] = "TSTP",   [21] = "TTIN",
    [22] = "TTOU", [23] = "URG",   [24] = "XCPU", [25] = "XFSZ", [26] = "VTALRM", [27] = "PROF", [28] = "WINCH",
    [29] = "POLL", [30] = "PWR",   [31] = "SYS",
};

const char *get_signame(int sig) {
  if (sig > 0 && sig < (int)ARRAY_SIZE(signames)) return signames[sig];
  return 0;
}

int get_signum(const char *name) {
  if (bb_isdigit((unsigned char)*name)) {
    char *end;
    long v = strtol(name, &end, 10);
    if (*end || v < 0 || v > 64) return -1;
    return (int)v;
  }
  if (strncasecmp(name, "SIG", 3) == 0) name += 3;
  for (int i = 1; i < (int)ARRAY_SIZE(signames); i++) {
    if (strcasecmp(name, signames[i]) == 0) return i;
  }
  if (strcasecmp(name, "IO") == 0) return 29;
  if (strcasecmp(name, "IOT") == 0) return 6;
  if (strcasecmp(name, "CLD") == 0) return 17;
  if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
    int base = toupper((unsigned char)name[3]) == 'I' ? 34 : 64;
    if (!name[5]) return base;
    char *end;
    long off = strtol(name + 5, &end, 10);
    if (*end) return -1;
    return base + (int)off;
  }
  return -1;
}

extern char **environ;

int spawn_and_wait(char **argv) {
  pid_t pid;
  fflush_all();
  int err = posix_spawnp(&pid, argv[0], 0, 0, argv, environ);
  if (err) {
    errno = err;
    return -1;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

/* ---------------------------------------------------------------- small things */

char *skip_whitespace(const char *s) {
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f') s++;
  return (char *)s;
}

char *skip_non_whitespace(const char *s) {
  while (*s && !bb_isspace((unsigned char)*s)) s++;
  return (char *)s;
}

int index_in_strings(const char *strings, const char *key) {
  int i = 0;
  while (*strings) {
    if (strcmp(strings, key) == 0) return i;
    strings += strlen(strings) + 1;
    i++;
  }
  return -1;
}

unsigned long long monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}
