/*
 * redis-cli: send one command (from the arguments) or run a prompt (no
 * command), printing replies as the real redis-cli 7 does: on a terminal
 * "(integer) 1", "\"value\"", "(nil)", "1) ..."; otherwise raw (bare values,
 * one per line; errors as "ERR ..." followed by an empty line).
 *
 *   redis-cli [-h host] [-p port] [-a password] [--user name] [-n db]
 *             [-u redis://[user:pass@]host:port/db] [-r repeat] [-i interval]
 *             [-x] [--raw] [--no-raw] [--no-auth-warning] [cmd [arg ...]]
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define VERSION "7.2.4"

static struct {
  char *host;
  int port;
  char *user, *password;
  int db;
  long repeat;
  double interval;
  int stdin_last_arg;
  int output_raw; /* raw formatting (not a terminal, or --raw) */
  int no_auth_warning;
  int interactive;
  int shutdown;
  int scan, pipe;
  char *pattern;
  long count;
} config;

static int sock = -1;
static buf_t inbuf;

static void usage(int status) {
  FILE *f = status ? stderr : stdout;
  fprintf(f,
          "redis-cli %s\n\n"
          "Usage: redis-cli [OPTIONS] [cmd [arg [arg ...]]]\n"
          "  -h <hostname>      Server hostname (default: 127.0.0.1).\n"
          "  -p <port>          Server port (default: 6379).\n"
          "  -a <password>      Password to use when connecting to the server.\n"
          "  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.\n"
          "  --pass <password>  Alias of -a for consistency with the new --user option.\n"
          "  -u <uri>           Server URI: redis://[user:pass@]host:port/db\n"
          "  -r <repeat>        Execute specified command N times.\n"
          "  -i <interval>      When -r is used, waits <interval> seconds per command.\n"
          "  -n <db>            Database number.\n"
          "  -x                 Read last argument from STDIN.\n"
          "  --raw              Use raw formatting for replies (default when STDOUT is\n"
          "                     not a tty).\n"
          "  --no-raw           Force formatted output even when STDOUT is not a tty.\n"
          "  --pipe             Transfer raw Redis protocol from stdin to server.\n"
          "  --scan             List all keys using the SCAN command.\n"
          "  --pattern <pat>    Keys pattern when using the --scan option.\n"
          "  --count <count>    Count option when using the --scan option (default: 10).\n"
          "  --no-auth-warning  Don't show warning message when using password on command\n"
          "                     line interface.\n"
          "  --help             Output this help and exit.\n"
          "  --version          Output version and exit.\n\n"
          "Examples:\n"
          "  redis-cli -h localhost -p 6379 ping\n"
          "  redis-cli set mykey somevalue\n"
          "  redis-cli get mykey\n\n"
          "When no command is given, redis-cli starts in interactive mode.\n"
          "Type \"help\" in interactive mode for information on available commands.\n\n",
          VERSION);
  exit(status);
}

/* ------------------------------------------------------------------ connection */

static const char *resolve_error(int code) {
  /* glibc's words, as the redis image (Debian) prints them */
  if (code == EAI_NONAME || code == EAI_NODATA) return "Name or service not known";
  if (code == EAI_AGAIN) return "Temporary failure in name resolution";
  return gai_strerror(code);
}

/* Connects to config.host:config.port; on failure prints redis-cli's message (unless quiet) and returns -1. */
static int connect_server(int quiet) {
  if (sock >= 0) close(sock);
  sock = -1;
  inbuf.len = 0;
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  char port[16];
  snprintf(port, sizeof port, "%d", config.port);
  int rc = getaddrinfo(config.host, port, &hints, &res);
  if (rc != 0) {
    if (!quiet) fprintf(stderr, "Could not connect to Redis at %s:%d: %s\n", config.host, config.port, resolve_error(rc));
    return -1;
  }
  int err = ECONNREFUSED;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    int s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s < 0) {
      err = errno;
      continue;
    }
    if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0) {
      int one = 1;
      setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      sock = s;
      break;
    }
    err = errno;
    close(s);
  }
  freeaddrinfo(res);
  if (sock < 0) {
    if (!quiet) fprintf(stderr, "Could not connect to Redis at %s:%d: %s\n", config.host, config.port, strerror(err));
    return -1;
  }
  return 0;
}

static int send_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(sock, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int send_command(int argc, arg_t *argv) {
  buf_t b = {0};
  buf_printf(&b, "*%d\r\n", argc);
  for (int i = 0; i < argc; i++) {
    buf_printf(&b, "$%zu\r\n", argv[i].len);
    buf_append(&b, argv[i].ptr, argv[i].len);
    buf_puts(&b, "\r\n");
  }
  int rc = send_all(b.data, b.len);
  buf_free(&b);
  return rc;
}

/* Reads one reply: NULL with *eof = 1 when the server closed the connection, *eof = -1 on an I/O or protocol error. */
static reply *read_reply(int *eof) {
  *eof = 0;
  for (;;) {
    reply *r;
    size_t used;
    int rc = inbuf.len ? resp_parse(inbuf.data, inbuf.len, &r, &used) : 0;
    if (rc == 1) {
      buf_consume(&inbuf, used);
      return r;
    }
    if (rc < 0) {
      *eof = -1;
      errno = EPROTO;
      return NULL;
    }
    buf_reserve(&inbuf, 65536);
    ssize_t n = recv(sock, inbuf.data + inbuf.len, 65536, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *eof = n == 0 ? 1 : -1;
      return NULL;
    }
    inbuf.len += (size_t)n;
    inbuf.data[inbuf.len] = 0;
  }
}

/* A command for the handshake (AUTH, SELECT); its reply. */
static reply *simple_command(int argc, arg_t *argv) {
  int eof;
  if (send_command(argc, argv) < 0) return NULL;
  return read_reply(&eof);
}

static void handshake(void) {
  if (config.password) {
    arg_t args[3] = {{"AUTH", 4}};
    int n = 1;
    if (config.user) args[n++] = (arg_t){config.user, strlen(config.user)};
    args[n++] = (arg_t){config.password, strlen(config.password)};
    reply *r = simple_command(n, args);
    if (r && r->type == REPLY_ERROR) fprintf(stderr, "AUTH failed: %s\n", r->str);
    reply_free(r);
  }
  if (config.db) {
    char num[16];
    snprintf(num, sizeof num, "%d", config.db);
    arg_t args[2] = {{"SELECT", 6}, {num, strlen(num)}};
    reply *r = simple_command(2, args);
    if (r && r->type == REPLY_ERROR) {
      fprintf(stderr, "Warning: SELECT %d failed: %s\n", config.db, r->str);
      config.db = 0;
    }
    reply_free(r);
  }
}

/* ------------------------------------------------------------------ output */

static void print_reply(const reply *r) {
  buf_t out = {0};
  if (config.output_raw) {
    format_raw(&out, r);
    buf_puts(&out, "\n");
  } else {
    format_tty(&out, r, "");
  }
  fwrite(out.data, 1, out.len, stdout);
  fflush(stdout);
  buf_free(&out);
}

/*
 * Sends argv and prints the reply. Returns 0, or -1 when the connection is
 * gone (after printing the error unless SHUTDOWN explains it).
 */
static int run_command(int argc, arg_t *argv) {
  config.shutdown = argc > 0 && strcasecmp(argv[0].ptr, "shutdown") == 0;
  if (send_command(argc, argv) < 0) {
    if (config.interactive) return -1;
    fprintf(stderr, "Error: %s\n", strerror(errno));
    exit(1);
  }
  int pubsub = argc > 0 && (!strcasecmp(argv[0].ptr, "subscribe") || !strcasecmp(argv[0].ptr, "psubscribe") || !strcasecmp(argv[0].ptr, "ssubscribe"));
  if (pubsub) {
    /* subscribed: print every message until the server goes away (or ctrl-C) */
    if (!config.output_raw) printf("Reading messages... (press Ctrl-C to quit)\n");
    for (;;) {
      int eof;
      reply *r = read_reply(&eof);
      if (!r) {
        fprintf(stderr, "Error: %s\n", eof == 1 ? "Server closed the connection" : strerror(errno));
        exit(1);
      }
      print_reply(r);
      reply_free(r);
    }
  }
  int eof;
  reply *r = read_reply(&eof);
  if (!r) {
    if (config.shutdown) return -1;
    if (config.interactive && eof == 1) return -1;
    fprintf(stderr, "Error: %s\n", eof == 1 ? "Server closed the connection" : strerror(errno));
    if (config.interactive) return -1;
    exit(1);
  }
  print_reply(r);
  if (r->type != REPLY_ERROR && argc == 2 && strcasecmp(argv[0].ptr, "select") == 0) config.db = atoi(argv[1].ptr);
  reply_free(r);
  return 0;
}

/* ------------------------------------------------------------------ interactive mode */

static void make_prompt(char *out, size_t n) {
  if (sock < 0) {
    snprintf(out, n, "not connected> ");
    return;
  }
  const char *fmt = strchr(config.host, ':') ? "[%s]:%d" : "%s:%d";
  char where[300];
  snprintf(where, sizeof where, fmt, config.host, config.port);
  if (config.db) snprintf(out, n, "%s[%d]> ", where, config.db);
  else snprintf(out, n, "%s> ", where);
}

static char *read_line_plain(void) {
  buf_t b = {0};
  int c;
  while ((c = getchar()) != EOF) {
    if (c == '\n') break;
    char ch = (char)c;
    buf_append(&b, &ch, 1);
  }
  if (c == EOF && b.len == 0) {
    buf_free(&b);
    return NULL;
  }
  buf_append(&b, "", 0);
  return b.data;
}

static void repl(void) {
  int tty = isatty(0);
  config.interactive = 1;
  for (;;) {
    char prompt[400];
    make_prompt(prompt, sizeof prompt);
    char *line;
    if (tty) {
      int interrupted;
      fflush(stdout);
      line = lineedit_read(0, 1, prompt, &interrupted);
    } else {
      line = read_line_plain();
    }
    if (!line) break;
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n')) line[--len] = 0;
    arg_t *argv;
    int argc = split_args(line, len, &argv);
    if (argc < 0) {
      printf("Invalid argument(s)\n");
      free(line);
      continue;
    }
    if (argc > 0 && tty) lineedit_history_add(line);
    free(line);
    if (argc == 0) {
      free_args(argv, argc);
      continue;
    }
    const char *cmd = argv[0].ptr;
    if (!strcasecmp(cmd, "quit") || !strcasecmp(cmd, "exit")) {
      free_args(argv, argc);
      break;
    }
    if (!strcasecmp(cmd, "clear")) {
      printf("\x1b[H\x1b[2J");
      free_args(argv, argc);
      continue;
    }
    if (!strcasecmp(cmd, "connect") && (argc == 2 || argc == 3)) {
      free(config.host);
      config.host = strdup(argv[1].ptr);
      config.port = argc == 3 ? atoi(argv[2].ptr) : 6379;
      config.db = 0;
      if (connect_server(0) == 0) handshake();
      free_args(argv, argc);
      continue;
    }
    if (!strcasecmp(cmd, "help")) {
      printf("redis-cli %s\nTo get help about Redis commands see https://redis.io/commands\n"
             "Type \"quit\" to exit the prompt; \"connect HOST PORT\" to connect elsewhere.\n",
             VERSION);
      free_args(argv, argc);
      continue;
    }
    /* "N command" repeats the command N times, as redis-cli does */
    long times = 1;
    int skip = 0;
    char *end;
    long n = strtol(cmd, &end, 10);
    if (argc > 1 && *end == 0 && n > 0) {
      times = n;
      skip = 1;
    }
    for (long i = 0; i < times; i++) {
      if (sock < 0) {
        if (connect_server(0) < 0) break;
        handshake();
      }
      if (run_command(argc - skip, argv + skip) < 0) {
        /* the server went away: reconnect and retry once, as redis-cli does */
        if (config.shutdown) {
          close(sock);
          sock = -1;
          break;
        }
        if (connect_server(0) < 0) break;
        handshake();
        if (run_command(argc - skip, argv + skip) < 0) {
          close(sock);
          sock = -1;
          break;
        }
      }
    }
    free_args(argv, argc);
  }
}

/* ------------------------------------------------------------------ --scan and --pipe */

/* Prints every key SCAN returns (MATCH --pattern, COUNT --count), one a line; quoted unless the output is raw. */
static int scan_mode(void) {
  char cursor[32] = "0", count[32];
  snprintf(count, sizeof count, "%ld", config.count > 0 ? config.count : 10);
  do {
    arg_t args[6] = {{"SCAN", 4}, {cursor, strlen(cursor)}, {"COUNT", 5}, {count, strlen(count)}};
    int n = 4;
    if (config.pattern) {
      args[n++] = (arg_t){"MATCH", 5};
      args[n++] = (arg_t){config.pattern, strlen(config.pattern)};
    }
    reply *r = simple_command(n, args);
    if (!r || r->type != REPLY_ARRAY || r->elements != 2 || r->element[1]->type != REPLY_ARRAY) {
      fprintf(stderr, "Error: %s\n", r && r->type == REPLY_ERROR ? r->str : "SCAN failed");
      reply_free(r);
      return 1;
    }
    snprintf(cursor, sizeof cursor, "%s", r->element[0]->str ? r->element[0]->str : "0");
    for (size_t k = 0; k < r->element[1]->elements; k++) {
      reply *key = r->element[1]->element[k];
      if (config.output_raw) {
        fwrite(key->str, 1, key->len, stdout);
      } else { /* on a terminal (or --no-raw) keys are quoted, as sdscatrepr */
        buf_t q = {0};
        buf_repr(&q, key->str, key->len);
        fwrite(q.data, 1, q.len, stdout);
        buf_free(&q);
      }
      fputc('\n', stdout);
    }
    reply_free(r);
  } while (strcmp(cursor, "0") != 0);
  fflush(stdout);
  return 0;
}

/*
 * Mass insertion as redis-cli --pipe: stdin's raw protocol goes to the
 * server, followed by an ECHO of 20 random letters; replies are counted
 * (error replies printed on stderr) until that echo comes back. Exit status 1
 * if any reply was an error.
 *
 * Writing and reading interleave (poll, non-blocking send and recv), as the
 * real one does: the server stops reading a client whose unsent replies pile
 * up, so a client that wrote everything before reading would deadlock on a
 * big input.
 */
static int pipe_mode(void) {
  /* stdin goes straight into the heap buffer: the wasm stack is 64 KiB, and a
     chunk array of that size here (inlined into main) overflowed it */
  buf_t in = {0};
  for (;;) {
    buf_reserve(&in, 65536);
    size_t n = fread(in.data + in.len, 1, 65536, stdin);
    if (n == 0) break;
    in.len += n;
  }
  unsigned char magic[20];
  getentropy(magic, sizeof magic);
  for (size_t k = 0; k < sizeof magic; k++) magic[k] = (unsigned char)('a' + magic[k] % 26);
  buf_printf(&in, "*2\r\n$4\r\nECHO\r\n$20\r\n%.20s\r\n", (const char *)magic);
  size_t sent = 0, total = in.len;
  long long replies = 0, errors = 0;
  for (int last = 0; !last;) {
    struct pollfd pfd = {.fd = sock, .events = (short)(POLLIN | (sent < total ? POLLOUT : 0))};
    if (poll(&pfd, 1, -1) < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "Error: %s\n", strerror(errno));
      return 1;
    }
    if (sent < total && (pfd.revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = send(sock, in.data + sent, total - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        fprintf(stderr, "Error writing to the server: %s\n", strerror(errno));
        return 1;
      }
      if (w > 0) sent += (size_t)w;
      if (sent == total) {
        buf_free(&in);
        printf("All data transferred. Waiting for the last reply...\n");
        fflush(stdout);
      }
    }
    if (!(pfd.revents & (POLLIN | POLLERR | POLLHUP))) continue;
    buf_reserve(&inbuf, 65536);
    ssize_t n = recv(sock, inbuf.data + inbuf.len, 65536, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    if (n <= 0) {
      fprintf(stderr, "Error reading from the server: %s\n", n == 0 ? "Server closed the connection" : strerror(errno));
      return 1;
    }
    inbuf.len += (size_t)n;
    inbuf.data[inbuf.len] = 0;
    size_t used;
    reply *r;
    while (!last && inbuf.len) {
      int rc = resp_parse(inbuf.data, inbuf.len, &r, &used);
      if (rc == 0) break;
      if (rc < 0) {
        fprintf(stderr, "Error reading from the server: Protocol error\n");
        return 1;
      }
      buf_consume(&inbuf, used);
      last = sent == total && r->type == REPLY_STRING && r->len == 20 && memcmp(r->str, magic, 20) == 0;
      if (r->type == REPLY_ERROR) {
        fprintf(stderr, "%s\n", r->str);
        errors++;
      }
      if (!last) replies++;
      reply_free(r);
    }
  }
  printf("Last reply received from server.\n");
  printf("errors: %lld, replies: %lld\n", errors, replies);
  return errors ? 1 : 0;
}

/* ------------------------------------------------------------------ main */

static void parse_uri(const char *uri) {
  const char *p = uri;
  if (strncmp(p, "redis://", 8) == 0) p += 8;
  else {
    fprintf(stderr, "Invalid URI scheme\n");
    exit(1);
  }
  const char *at = strrchr(p, '@');
  if (at) {
    const char *colon = memchr(p, ':', (size_t)(at - p));
    if (colon) {
      if (colon > p) config.user = strndup(p, (size_t)(colon - p));
      config.password = strndup(colon + 1, (size_t)(at - colon - 1));
    } else {
      config.password = strndup(p, (size_t)(at - p));
    }
    p = at + 1;
  }
  const char *slash = strchr(p, '/');
  const char *hostend = slash ? slash : p + strlen(p);
  const char *colon = memchr(p, ':', (size_t)(hostend - p));
  if (colon) {
    config.port = atoi(colon + 1);
    hostend = colon;
  }
  if (hostend > p) {
    free(config.host);
    config.host = strndup(p, (size_t)(hostend - p));
  }
  if (slash && slash[1]) config.db = atoi(slash + 1);
}

int main(int argc, char **argv) {
  config.host = strdup("127.0.0.1");
  config.port = 6379;
  config.repeat = 1;
  config.output_raw = !isatty(1);
  signal(SIGPIPE, SIG_IGN);
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    int more = i + 1 < argc;
    if (!strcmp(a, "-h") && more) {
      free(config.host);
      config.host = strdup(argv[++i]);
    } else if (!strcmp(a, "-h")) {
      usage(0);
    } else if (!strcmp(a, "-p") && more) {
      config.port = atoi(argv[++i]);
    } else if ((!strcmp(a, "-a") || !strcmp(a, "--pass")) && more) {
      config.password = argv[++i];
    } else if (!strcmp(a, "--user") && more) {
      config.user = argv[++i];
    } else if (!strcmp(a, "-n") && more) {
      config.db = atoi(argv[++i]);
    } else if (!strcmp(a, "-u") && more) {
      parse_uri(argv[++i]);
    } else if (!strcmp(a, "-r") && more) {
      config.repeat = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(a, "-i") && more) {
      config.interval = strtod(argv[++i], NULL);
    } else if (!strcmp(a, "-x")) {
      config.stdin_last_arg = 1;
    } else if (!strcmp(a, "--raw")) {
      config.output_raw = 1;
    } else if (!strcmp(a, "--no-raw")) {
      config.output_raw = 0;
    } else if (!strcmp(a, "--scan")) {
      config.scan = 1;
    } else if (!strcmp(a, "--pattern") && more) {
      config.pattern = argv[++i];
    } else if (!strcmp(a, "--count") && more) {
      config.count = strtol(argv[++i], NULL, 10);
    } else if (!strcmp(a, "--pipe")) {
      config.pipe = 1;
    } else if (!strcmp(a, "--no-auth-warning")) {
      config.no_auth_warning = 1;
    } else if (!strcmp(a, "--help")) {
      usage(0);
    } else if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
      printf("redis-cli %s\n", VERSION);
      return 0;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "Unrecognized option or bad number of args for: '%s'\n", a);
      return 1;
    } else {
      break;
    }
  }
  if (config.password && !config.no_auth_warning)
    fprintf(stderr, "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");

  int nargs = argc - i;
  if (config.scan || config.pipe) {
    if (connect_server(0) < 0) return 1;
    handshake();
    return config.scan ? scan_mode() : pipe_mode();
  }
  if (nargs == 0 && !config.stdin_last_arg) {
    if (connect_server(0) == 0) handshake();
    repl();
    return 0;
  }
  arg_t *args = calloc((size_t)nargs + 2, sizeof *args);
  for (int j = 0; j < nargs; j++) args[j] = (arg_t){argv[i + j], strlen(argv[i + j])};
  if (config.stdin_last_arg) {
    buf_t in = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) buf_append(&in, chunk, n);
    args[nargs++] = (arg_t){in.data ? in.data : "", in.len};
  }
  if (connect_server(0) < 0) return 1;
  handshake();
  for (long r = 0; config.repeat <= 0 || r < config.repeat; r++) {
    if (run_command(nargs, args) < 0) return config.shutdown ? 0 : 1;
    if (config.interval > 0) {
      struct timespec ts = {(time_t)config.interval, (long)((config.interval - (double)(time_t)config.interval) * 1e9)};
      nanosleep(&ts, NULL);
    }
  }
  return 0;
}
