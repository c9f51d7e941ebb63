/*
 * libbb.h: helpers shared by the applets (named after BusyBox's libbb, whose
 * conventions the applets follow: error messages are "APPLET: message",
 * errors about a file name it in the message, the *_and_die variants exit 1).
 *
 * Ownership: functions returning char * return malloc'd strings the caller
 * frees, unless documented as returning a static buffer.
 */
#ifndef BUSYBOX_LIBBB_H
#define BUSYBOX_LIBBB_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define BB_VERSION_BANNER "BusyBox v1.35.0 (Drydock) multi-call binary."

/* The running applet's name ("ls"), used as the prefix of every message. */
extern const char *applet_name;
/* The exit status of the *_and_die functions and of usage errors (1; grep and sort use 2). */
extern int xfunc_error_retval;

/* ---------------------------------------------------------------- messages and exits */

void bb_error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "APPLET: MESSAGE: strerror(errno)" */
void bb_perror_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void bb_error_msg_and_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void bb_perror_msg_and_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "APPLET: can't open 'PATH': strerror(errno)" */
void bb_perror_cant_open(const char *path);
/* Prints the usage banner of the running applet to stderr and exits 1. */
_Noreturn void bb_show_usage(void);
/* Flushes stdout and exits with `status`; a failed flush is reported and exits 1. */
_Noreturn void fflush_stdout_and_exit(int status);
/* Flushes stdout; reports "write error" and returns 1 if it failed, else 0. */
int fflush_all(void);

/* ---------------------------------------------------------------- memory (exit on failure) */

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer. */
typedef struct {
  char *data;
  size_t len, cap;
} strbuf;
void sb_append(strbuf *sb, const char *data, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_putc(strbuf *sb, char c);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* NUL-terminates and returns the data (still owned by sb). */
char *sb_str(strbuf *sb);

/* ---------------------------------------------------------------- options */

/*
 * getopt32: BusyBox-style option parsing. `optstring` lists option letters;
 * "x:" takes an argument (stored through the next char ** vararg), "x+" takes
 * a number (int *), "x*" collects every occurrence (llist ** vararg). A
 * leading '+' stops at the first non-option; otherwise non-options are moved
 * after the options, as glibc does. Returns a bit mask: bit i is set when the
 * i-th option letter of optstring was given. On return, argv + optind are the
 * operands. Unknown options print glibc's message and the usage, exit 1.
 * Long options: `longopts` maps "--name" to an option character of optstring
 * (characters >= 0x80 stand for long-only options).
 */
typedef struct bb_longopt {
  const char *name;
  int has_arg; /* 0 none, 1 required, 2 optional (--name=VALUE only) */
  unsigned char val;
} bb_longopt;
typedef struct llist {
  char *data;
  struct llist *next;
} llist;
unsigned getopt32(char **argv, const char *optstring, ...);
unsigned getopt32long(char **argv, const char *optstring, const bb_longopt *longopts, ...);
/* With getopt32long: the argument of an optional-argument long option, or NULL. */
extern char *bb_longopt_arg[8];
/* After getopt32: when option bit i was last given (0: never); the larger, the later. */
extern int getopt32_seq[32];
void llist_add_to_end(llist **list, char *data);
int argc_of(char **argv);

/* ---------------------------------------------------------------- numbers */

struct suffix_mult {
  const char *suffix;
  unsigned long long mult;
};
extern const struct suffix_mult bkm_suffixes[];    /* b k m (head/tail -c) */
extern const struct suffix_mult kmg_suffixes[];    /* k K m M g G */
extern const struct suffix_mult dd_suffixes[];     /* c w b kB k K MB M GB G ... */
/* Parses a non-negative decimal number with an optional suffix; dies with "invalid number 'S'". */
unsigned long long xatoull_sfx(const char *s, const struct suffix_mult *sfx);
unsigned long long xatoull(const char *s);
long long xatoll(const char *s);
int xatoi(const char *s);
int xatoi_positive(const char *s);
unsigned xatou(const char *s);
/* Parses an octal mode "755"; -1 if not octal. */
long bb_strtol_octal(const char *s);

/* ---------------------------------------------------------------- files and I/O */

ssize_t safe_read(int fd, void *buf, size_t count);
/* Reads until count bytes or EOF; returns bytes read or -1. */
ssize_t full_read(int fd, void *buf, size_t count);
ssize_t full_write(int fd, const void *buf, size_t count);
/* Copies src to dst until EOF (or `size` bytes if size >= 0); returns bytes or -1 (message printed). */
long long bb_copyfd_size(int src, int dst, long long size);
/*
 * Opening files, with BusyBox's two wordings of the failure:
 *   fopen_or_warn*, fd_or_warn_stdin: "APPLET: PATH: strerror"
 *   open_or_warn*, xopen*, xfopen:    "APPLET: can't open 'PATH': strerror"
 * "-" is stdin for the *_stdin variants; failures return NULL / -1.
 */
FILE *fopen_or_warn_stdin(const char *path);
FILE *fopen_or_warn(const char *path, const char *mode);
int fd_or_warn_stdin(const char *path);
FILE *xfopen(const char *path, const char *mode);
/* Gives a stream a 64 KiB buffer: every read or write is a system call to the kernel (wasi-libc's BUFSIZ is 1 KiB). */
void bb_big_buffer(FILE *f);
int open_or_warn(const char *path, int flags);
int open_or_warn_stdin(const char *path);
int xopen(const char *path, int flags);
int xopen3(const char *path, int flags, mode_t mode);
/* Closes a stream opened by fopen_or_warn_stdin (stdin is left open). */
void fclose_if_not_stdin(FILE *f);
/* Reads a whole line including '\n' into *line (malloc'd, grown as needed); returns its length or -1 at EOF. */
ssize_t bb_getline(char **line, size_t *cap, FILE *f);
/* Reads the whole file (or stdin for "-"); returns malloc'd NUL-terminated data or NULL (message printed). */
char *xmalloc_read_file(const char *path, size_t *len);
/* Reads a small file without messages; NULL on error. */
char *read_small_file(const char *path, size_t *len);

/* "dir" + "/" + "name" (no doubled slash). */
char *concat_path_file(const char *dir, const char *name);
/* The last path component: "a/b/" -> "b/" (nostrip) ; bb_basename strips trailing slashes into a copy. */
const char *bb_get_last_path_component_nostrip(const char *path);
char *bb_basename_dup(const char *path);
/* Pointer to the last char of s if it equals c, else NULL. */
char *last_char_is(const char *s, int c);
int is_dot_or_dotdot(const char *name);

/* ---------------------------------------------------------------- file modes, owners */

/* "drwxr-xr-x" (static buffer). */
const char *bb_mode_string(mode_t mode);
/* Applies a chmod-style mode ("755", "u+x,go-w", "=r") to *mode; 0 on success. */
int bb_parse_mode(const char *s, mode_t *mode);
/* The user or group name, or the number as text when there is none (static buffer). */
const char *uid_name(uid_t uid);
const char *gid_name(gid_t gid);
/* Looks up a user or group by name or number; -1 when unknown. */
long xname2uid(const char *name);
long xname2gid(const char *name);

/* ---------------------------------------------------------------- trees */

enum {
  ACTION_RECURSE = 1,
  ACTION_FOLLOWLINKS = 2,      /* follow every symlink */
  ACTION_FOLLOWLINKS_L0 = 4,   /* follow symlinks named on the command line */
  ACTION_DEPTHFIRST = 8,       /* directory action after the contents */
};
/*
 * Walks `path`. fileAction is called for non-directories, dirAction for
 * directories (before their contents, or after with ACTION_DEPTHFIRST); a
 * dirAction returning 2 skips the directory's contents ("prune"); returning 0
 * marks failure. Returns 1 when every action succeeded. Errors reading a
 * path are reported as "APPLET: PATH: strerror".
 */
typedef int (*bb_action)(const char *path, struct stat *st, void *user, int depth);
int recursive_action(const char *path, unsigned flags, bb_action fileAction, bb_action dirAction, void *user, int depth);

enum {
  FILEUTILS_PRESERVE_STATUS = 1 << 0,
  FILEUTILS_DEREFERENCE = 1 << 1,
  FILEUTILS_RECUR = 1 << 2,
  FILEUTILS_FORCE = 1 << 3,
  FILEUTILS_INTERACTIVE = 1 << 4,
  FILEUTILS_MAKE_HARDLINK = 1 << 5,
  FILEUTILS_MAKE_SOFTLINK = 1 << 6,
  FILEUTILS_DEREF_SOFTLINK = 1 << 7,
  FILEUTILS_DEREFERENCE_L0 = 1 << 8,
  FILEUTILS_VERBOSE = 1 << 9,
  FILEUTILS_UPDATE = 1 << 10,
  FILEUTILS_NO_TARGET_DIR = 1 << 11,
  FILEUTILS_IGNORE_CHMOD_ERR = 1 << 12,
  FILEUTILS_NO_CLOBBER = 1 << 13,
};
/* Reads a y/n answer from stdin: 1 for yes. */
int bb_ask_y_confirmation(void);
/* cp's core: copies source to dest; returns 0 on success, -1 on failure (messages printed). */
int copy_file(const char *source, const char *dest, int flags);
/* rm's core: returns 0 on success, -1 on failure (messages printed). */
int remove_file(const char *path, int flags);
/* mkdir -p: creates path and its parents with `mode` (-1: default); 0 on success, -1 with a message. */
int bb_make_directory(char *path, long mode, int parents);

/* ---------------------------------------------------------------- dates (datestr.c) */

/* Parses BusyBox's `date -d` / `touch -d` formats into *tm (pre-filled with now); dies with "invalid date 'S'". */
void parse_datestr(const char *s, struct tm *tm);
/* timegm(tm), dying with "invalid date 'S'" when it cannot be represented. */
time_t validate_tm_time(const char *s, struct tm *tm);

/* ---------------------------------------------------------------- formatting */

/*
 * BusyBox's make_human_readable_str: "1.5K", "243M", "0". val is multiplied by
 * block_size when > 1; block_size 0 prints no fractional digit (rounded);
 * display_unit > 0 prints val / display_unit without a unit.
 */
const char *make_human_readable_str(unsigned long long size, unsigned long block_size, unsigned long display_unit);
/* Escapes for printf/echo: processes one backslash escape at *s (after the backslash); returns the byte. */
int bb_process_escape_sequence(const char **s);

/* ---------------------------------------------------------------- signals, processes */

/* "TERM", "SIGTERM" or "15" -> 15; -1 when unknown. */
int get_signum(const char *name);
/* 15 -> "TERM"; NULL when unknown. */
const char *get_signame(int sig);
/* Starts argv with PATH search and waits; returns the wait status, or -1 with errno (not reported). */
int spawn_and_wait(char **argv);
/* The applet table (main.c): a function, or NULL if `name` is not an applet. */
typedef int (*applet_main_fn)(int argc, char **argv);
applet_main_fn find_applet(const char *name);

/* ---------------------------------------------------------------- small things */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
static inline int bb_isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int bb_isdigit(int c) { return c >= '0' && c <= '9'; }
char *skip_whitespace(const char *s);
char *skip_non_whitespace(const char *s);
/* Index of `key` in a NUL-separated, double-NUL-terminated list; -1 when absent. */
int index_in_strings(const char *strings, const char *key);
/* Monotonic milliseconds. */
unsigned long long monotonic_ms(void);

#endif
