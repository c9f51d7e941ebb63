/*
 * sh: Drydock's POSIX shell, modelled on busybox ash. Shared declarations.
 * See README.md in this directory for the design (especially how subshells
 * work without fork) and the invariants each module keeps.
 */
#ifndef SH_H
#define SH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef int64_t arith_t;

/* ------------------------------------------------------------------ mem.c */

void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable string on the heap. `s` is always NUL-terminated once used. */
typedef struct sbuf {
  char *s;
  size_t len, cap;
} sbuf_t;
void sb_grow(sbuf_t *b, size_t extra);
void sb_addc(sbuf_t *b, int c);
void sb_addn(sbuf_t *b, const char *s, size_t n);
void sb_adds(sbuf_t *b, const char *s);
void sb_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(sbuf_t *b);
/* Returns the string (never NULL) and leaves the buffer empty. */
char *sb_take(sbuf_t *b);
const char *sb_str(sbuf_t *b);

/*
 * Arenas own parse trees. A top-level command's tree lives in one arena; a
 * function definition keeps a reference to the arena its body lives in, so
 * the tree outlives the command that defined it. Freed when the count drops
 * to zero.
 */
typedef struct arena arena_t;
arena_t *arena_new(void);
void *arena_alloc(arena_t *a, size_t n);
char *arena_strdup(arena_t *a, const char *s, size_t n);
void arena_ref(arena_t *a);
void arena_unref(arena_t *a);

/*
 * The expansion stack: transient allocations of one command, released with
 * streset() back to a mark taken before. Strings built during expansion and
 * argv arrays live here.
 */
typedef struct stmark {
  void *block;
  size_t used;
} stmark_t;
void *stalloc(size_t n);
char *ststrdup(const char *s);
char *ststrndup(const char *s, size_t n);
void stmark(stmark_t *m);
void streset(const stmark_t *m);

/* ----------------------------------------------------------------- parse trees */

enum {
  N_CMD,      /* simple command */
  N_PIPE,     /* pipeline (also a lone command with `!`) */
  N_AND,      /* a && b */
  N_OR,       /* a || b */
  N_SEQ,      /* a ; b */
  N_BG,       /* a & */
  N_SUBSHELL, /* ( list ) */
  N_BRACE,    /* { list; } */
  N_IF,
  N_WHILE,
  N_UNTIL,
  N_FOR,
  N_CASE,
  N_FUNC, /* name() body */
};

/* A word keeps its source text: quotes, $... and `...` are interpreted by expand.c. */
typedef struct word {
  struct word *next;
  char *text;
} word_t;

enum {
  R_IN,      /* <  */
  R_OUT,     /* >  */
  R_CLOBBER, /* >| */
  R_APPEND,  /* >> */
  R_RDWR,    /* <> */
  R_DUPIN,   /* <& */
  R_DUPOUT,  /* >& */
  R_HEREDOC, /* << and <<- (tabs already stripped) */
};

typedef struct redir {
  struct redir *next;
  int type;
  int fd;          /* the fd redirected */
  char *target;    /* word text (file, fd number or "-"); heredoc: the delimiter as written */
  char *heredoc;   /* heredoc body */
  int hd_quoted;   /* heredoc delimiter was quoted: no expansion */
} redir_t;

typedef struct caseitem {
  struct caseitem *next;
  word_t *patterns;
  struct node *body; /* may be NULL */
} caseitem_t;

typedef struct node {
  int type;
  int lineno;
  redir_t *redirs; /* compound commands and N_CMD */
  union {
    struct {
      word_t *assigns, *args;
    } cmd;
    struct {
      struct node **cmds;
      int n;
      int bang;
    } pipe;
    struct {
      struct node *left, *right;
    } bin; /* N_AND N_OR N_SEQ; N_BG uses left */
    struct {
      struct node *body;
    } group; /* N_SUBSHELL N_BRACE */
    struct {
      struct node *cond, *then, *els;
    } nif;
    struct {
      struct node *cond, *body;
    } loop;
    struct {
      char *var;
      word_t *words;
      int has_in;
      struct node *body;
    } nfor;
    struct {
      char *word;
      caseitem_t *items;
    } ncase;
    struct {
      char *name;
      struct node *body;
    } func;
  } u;
} node_t;

/* ------------------------------------------------------------------ input.c */

typedef struct input {
  struct input *prev;
  int fd;                  /* -1: a string */
  const char *str;         /* string source */
  size_t slen, spos;
  char *buf;               /* fd source buffer */
  size_t bpos, blen;
  int eof;
  int interactive;         /* read lines with prompts (lineedit on a tty) */
  int pb[8];               /* pushed-back chars */
  int npb;
  int lineno;              /* current line */
  sbuf_t *capture[16];     /* every consumed char is appended to each of these */
  int ncapture;
  int close_fd;            /* close fd when popped */
  char *alias;             /* an alias's text being read (popped at its end); its name */
} input_t;

extern input_t *g_input;
void input_push_string(const char *s, size_t n, int lineno);
void input_push_fd(int fd, int close_fd);
void input_pop(void);
void input_push_alias(const char *name, const char *value);
int alias_active(const char *name);
int in_getc(void);
void in_ungetc(int c);
/* Interactive: the next line read prints PS1 (1) or PS2 (2). */
extern int g_prompt;

/* ------------------------------------------------------------------ parser.c */

#define PARSE_EOF ((node_t *)-1)
/* Parses one complete command (up to and including a newline) from g_input.
 * Returns NULL for an empty line, PARSE_EOF at the end of input, or a tree in
 * `arena`. On a syntax error, reports it, sets the error state and returns NULL. */
node_t *parse_command(arena_t *arena);
/* Parses a whole string (eval, traps, the child's command) into one tree (NULL if empty). */
node_t *parse_string(arena_t *arena, const char *s, int lineno, int *err);
/* For expand.c: `s` starts right after "$(": parses up to the matching ')'
 * and returns the length consumed including the ')', or -1 on a syntax error. */
long parse_cmdsubst_len(const char *s, size_t n);
extern int g_parse_error; /* set by the parser on a syntax error */
int is_name(const char *s);
int is_name_n(const char *s, size_t n);
int is_name_start(int c);
int is_name_char(int c);
int is_assignment(const char *w); /* NAME=... */

/* ------------------------------------------------------------------ unparse.c */

/* Source text that parses back into an equivalent tree (heredocs included). */
void unparse(sbuf_t *out, const node_t *n);

/* ------------------------------------------------------------------ vars.c */

enum {
  V_EXPORT = 1,
  V_READONLY = 2,
  V_UNSET = 4,   /* declared (export/readonly) without a value */
};

typedef struct var {
  struct var *next;
  char *name;
  char *value; /* NULL when V_UNSET */
  int flags;
} var_t;

void vars_init(char **envp);
var_t *var_lookup(const char *name);
const char *var_get(const char *name);           /* NULL if unset */
const char *var_get_n(const char *name, size_t n);
/* Sets name=value; returns -1 (after reporting) if the variable is readonly. */
int var_set(const char *name, const char *value, int flags);
int var_set_assignment(const char *assign, int flags); /* "NAME=value" */
int var_unset(const char *name);
int var_set_int(const char *name, arith_t v);
char **vars_environ(void); /* on the expansion stack */
/* Calls fn for each variable, sorted by name. */
void vars_each_sorted(void (*fn)(var_t *v, void *ctx), void *ctx);

/* Local variables of functions (ash's `local`). */
void locals_push(void);
void locals_pop(void);
int local_declare(const char *assign);
extern int g_funcnest;

/* Positional parameters. */
typedef struct params {
  int n;
  char **v; /* v[0..n) heap strings */
} params_t;
extern params_t g_params;
extern char *g_arg0;
void params_set(int n, char **v); /* copies */
void params_free(params_t *p);

/* Functions. */
typedef struct func {
  struct func *next;
  char *name;
  node_t *body;
  arena_t *arena;
} func_t;
func_t *func_lookup(const char *name);
void func_define(const char *name, node_t *body, arena_t *arena);
int func_unset(const char *name);
extern func_t *g_funcs;

/* ------------------------------------------------------------------ options */

/* In ash's order (which is also the reverse order of $-). */
enum {
  OPT_e, OPT_f, OPT_I, OPT_i, OPT_m, OPT_n, OPT_s, OPT_c, OPT_x, OPT_v, OPT_C, OPT_a, OPT_b, OPT_u, OPT_E,
  OPT_vi, OPT_pipefail,
  OPT_COUNT
};
extern char g_opt[OPT_COUNT];
extern const char *const g_optnames[OPT_COUNT];
extern const char g_optletters[OPT_COUNT];
char *options_dollar_minus(void); /* $- on the expansion stack */
/* Parses "-abc"/"+abc"/-o name; returns -1 on a bad option (after reporting). */
int options_set_letter(int c, int on);
int options_set_name(const char *name, int on);
extern int g_minus_c; /* running sh -c */

/* ------------------------------------------------------------------ expand.c */

enum {
  EXP_FULL = 1,   /* field splitting and globbing */
  EXP_TILDE = 2,  /* tilde at the start */
  EXP_ASSIGN = 4, /* tilde after ':' and '=' too */
  EXP_PATTERN = 8,/* result is a pattern: quoted chars are backslash-escaped */
  EXP_HEREDOC = 16,
  EXP_CASEWORD = 32,
};

/* Expands words into fields (NULL-terminated argv on the expansion stack).
 * Returns NULL on an expansion error (reported, error state set). */
char **expand_words(word_t *words, int *argc_out);
/* Expands one word to a single string (no splitting or globbing). */
char *expand_string(const char *text, int flags);
/* Expands a heredoc body. */
char *expand_heredoc(const char *body);
arith_t arith_eval(const char *expr, int *err);
/* For `$(...)` and backquotes: runs the command and returns its output without trailing newlines. */
char *command_subst(const char *text, size_t n, int backquoted);
extern int g_last_subst_status;
extern int g_subst_happened;

/* ------------------------------------------------------------------ match.c */

/* Shell pattern match; `pat` may contain backslash escapes. */
int pmatch(const char *pat, const char *s);
int pattern_has_magic(const char *pat);
/* Globs `pat` (escaped pattern); appends sorted matches. Returns the count. */
int glob_expand(const char *pat, char ***out, int *n, int *cap);

/* ------------------------------------------------------------------ exec.c */

enum {
  EV_EXIT = 1,   /* the shell exits after this: an external command may be exec'd */
  EV_TESTED = 2, /* the status is tested (if/while condition, && ||, !): set -e does not apply */
};

int eval(node_t *n, int flags);
int eval_string(const char *s, int flags); /* eval, traps, the child's command */
extern int g_status;      /* $? */
extern pid_t g_rootpid;   /* $$ */
extern pid_t g_lastbg;    /* $! */
extern const char *g_self; /* path to re-exec ourselves */

/* Control flow unwinding: set by break/continue/return/exit and errors. */
enum {
  SKIP_NONE = 0,
  SKIP_BREAK,
  SKIP_CONT,
  SKIP_FUNC,
};
extern int g_skip;       /* SKIP_* */
extern int g_skipcount;  /* loops left to break/continue */
extern int g_loopnest;

/* Exceptions: unwound by returning; the main loop decides what to do. */
enum {
  EXC_NONE = 0,
  EXC_ERROR, /* a shell error: a non-interactive shell exits */
  EXC_EXIT,  /* exit builtin, set -e, exit from a trap */
  EXC_INT,   /* SIGINT in an interactive shell */
};
extern int g_exc;
extern int g_exitstatus_pending; /* status for EXC_EXIT */
static inline int unwinding(void) { return g_exc != EXC_NONE || g_skip != SKIP_NONE; }
void raise_error(void);    /* EXC_ERROR with $? = 2 */
void raise_exit(int status);

int find_command_path(const char *name, char *out, size_t outlen);
/* Runs a node in a new shell process (the fork replacement). Returns the child's pid or -1. */
struct spawnfds;
pid_t spawn_subshell(node_t *n, const char *text, int in_fd, int out_fd, int bg, int extra_close_fd);

/* ------------------------------------------------------------------ redir.c */

/* Applies redirections in this process, remembering what to restore (if save). */
int redirect(redir_t *r, int save);
void redirect_pop(void);      /* undo the last redirect(…, 1) */
int redirect_depth(void);
void redirect_commit(void);   /* exec: make the last redirect(…, 1) permanent */
int redir_open_target(redir_t *r, const char *path);
/* For spawned commands: expand redirections into file actions. */
typedef struct posix_spawn_file_actions_t_ dummy_fa_t;
int redirect_to_actions(redir_t *r, void *fa);
int heredoc_fd(redir_t *r, const char *content);

/* ------------------------------------------------------------------ jobs.c */

typedef struct job {
  struct job *next;
  pid_t pid;
  int status;
  int done;
  int bg;
  int num;   /* job number shown by an interactive shell on a terminal (0: none) */
  char *cmd; /* its text, for the "Done" notice */
} job_t;
void job_add(pid_t pid, int bg);
/* Waits for pid; returns its exit status as $? (128+sig). */
int job_wait(pid_t pid);
int job_wait_all(void);
int job_wait_one(pid_t pid, int *found);
void jobs_reap(void);
int job_count_bg(void);
void job_set_notice(pid_t pid, const char *cmd);
void jobs_notify(void);
int status_from_wait(int wstatus);
void report_signaled(int wstatus, int foreground);

/* ------------------------------------------------------------------ trap.c */

#define MAXSIG 65
extern char *g_trap[MAXSIG];     /* action; "" = ignore; NULL = default */
extern volatile int g_pending_sig[MAXSIG];
extern volatile int g_gotsig;
extern int g_trap_inherited_listing; /* in a subshell: `trap` lists the parent's traps */
extern char *g_parent_trap[MAXSIG];
void trap_init(void);
void dotrap(void);
void trap_run_exit(void);
int signal_number(const char *name);
const char *signal_name(int sig);
void signals_for_interactive(void);
void trap_reset_for_subshell(void);
void setsignal(int sig);
int trap_any_set(void);

/* ------------------------------------------------------------------ error.c */

extern const char *g_cmdname; /* the builtin running (for messages) */
extern const char *g_arg0_msg; /* "sh" or the script name */
extern int g_errlinno;
/* "sh: [cmd: line N: ]msg" as ash prints it. */
void sh_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "sh: msg" with no command or line. */
void sh_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errmsg_open(int err, int creating);
void xwrite_all(int fd, const char *s, size_t n);
void out_str(const char *s); /* stdout, unbuffered write */
void outf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------ builtins */

typedef int (*builtin_fn)(int argc, char **argv);
enum { BI_SPECIAL = 1, BI_REGULAR = 2, BI_ASSIGN = 4 /* export/readonly/local: arguments are assignments */ };
typedef struct builtin {
  const char *name;
  builtin_fn fn;
  int flags;
} builtin_t;
const builtin_t *builtin_lookup(const char *name);
int bi_echo(int argc, char **argv);
int bi_printf(int argc, char **argv);
int bi_test(int argc, char **argv);
int bi_read(int argc, char **argv);
int bi_cd(int argc, char **argv);
int bi_pwd(int argc, char **argv);
int bi_trap(int argc, char **argv);
int bi_kill(int argc, char **argv);
int bi_wait(int argc, char **argv);
int bi_jobs(int argc, char **argv);
int bi_getopts(int argc, char **argv);
int bi_umask(int argc, char **argv);
int bi_ulimit(int argc, char **argv);
int bi_alias(int argc, char **argv);
int bi_unalias(int argc, char **argv);
const char *alias_get(const char *name);

/* builtin output goes through a small buffer flushed at the end of each builtin */
void bout_init(int fd);
void bout_flush(void);
void bputs(const char *s);
void bputn(const char *s, size_t n);
void bputc(int c);
void bprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int g_bout_error;

/* ------------------------------------------------------------------ cd.c */

void pwd_init(void);
const char *pwd_logical(void);

/* ------------------------------------------------------------------ lineedit.c */

/* Reads one line from a terminal with editing; returns a heap string with
 * the newline, "" at EOF (ctrl-D on an empty line), or NULL on ctrl-C. */
char *lineedit_read(int fd, const char *prompt);
int is_tty(int fd);

/* ------------------------------------------------------------------ subshell.c */

/* Serializes the shell state and the command for a child shell. */
void state_serialize(sbuf_t *out, const char *command);
int state_load_and_run(int fd);
#define SUBSHELL_FLAG "--drydock-subshell"

/* ------------------------------------------------------------------ main.c */

void sh_exit(int status) __attribute__((noreturn));
extern int g_interactive;
extern int g_is_subshell;
int cmdloop(int top);
char *prompt_expand(const char *ps);
extern int g_evalnest; /* evaluation depth of eval/./trap: errors unwind to the top */

#endif
