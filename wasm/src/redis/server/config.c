/*
 * Configuration: a config file and/or --name value options, parsed the way
 * Redis does (the file's lines, then one line per command-line option, each
 * split with sdssplitargs). Directives that change behaviour here: port,
 * bind, protected-mode, requirepass, databases, loglevel, logfile, hz,
 * maxclients, timeout, dir, pidfile. The rest of Redis's common directives
 * are accepted and shown by CONFIG GET, without effect (there is no
 * persistence, replication or eviction). Anything else is a fatal error
 * with Redis's "FATAL CONFIG FILE ERROR" report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "server.h"

enum kind { K_STRING, K_INT, K_BOOL, K_ENUM, K_MULTI };

typedef struct param {
  const char *name;
  enum kind kind;
  char value[256];
  long long min, max;
  const char *choices; /* K_ENUM: "a|b|c" */
  int immutable;
} param;

static param params[] = {
    {"port", K_INT, "6379", 0, 65535, NULL, 1},
    {"bind", K_MULTI, "* -::*", 0, 0, NULL, 1},
    {"protected-mode", K_BOOL, "no", 0, 0, NULL, 0},
    {"requirepass", K_STRING, "", 0, 0, NULL, 0},
    {"databases", K_INT, "16", 1, 1024, NULL, 1},
    {"loglevel", K_ENUM, "notice", 0, 0, "debug|verbose|notice|warning|nothing", 0},
    {"logfile", K_STRING, "", 0, 0, NULL, 1},
    {"hz", K_INT, "10", 1, 500, NULL, 0},
    {"maxclients", K_INT, "10000", 1, 100000, NULL, 0},
    {"timeout", K_INT, "0", 0, 2147483647, NULL, 0},
    {"dir", K_STRING, "", 0, 0, NULL, 0},
    {"pidfile", K_STRING, "", 0, 0, NULL, 1},
    {"daemonize", K_BOOL, "no", 0, 0, NULL, 1},
    {"supervised", K_ENUM, "no", 0, 0, "upstart|systemd|auto|no", 1},
    {"tcp-backlog", K_INT, "511", 0, 2147483647, NULL, 1},
    {"tcp-keepalive", K_INT, "300", 0, 2147483647, NULL, 0},
    {"save", K_MULTI, "", 0, 0, NULL, 0},
    {"appendonly", K_BOOL, "no", 0, 0, NULL, 0},
    {"appendfsync", K_ENUM, "everysec", 0, 0, "always|everysec|no", 0},
    {"appendfilename", K_STRING, "appendonly.aof", 0, 0, NULL, 1},
    {"dbfilename", K_STRING, "dump.rdb", 0, 0, NULL, 0},
    {"maxmemory", K_STRING, "0", 0, 0, NULL, 0},
    {"maxmemory-policy", K_ENUM, "noeviction", 0, 0,
     "volatile-lru|allkeys-lru|volatile-lfu|allkeys-lfu|volatile-random|allkeys-random|volatile-ttl|noeviction", 0},
    {"always-show-logo", K_BOOL, "no", 0, 0, NULL, 1},
    {"set-proc-title", K_BOOL, "yes", 0, 0, NULL, 1},
    {"stop-writes-on-bgsave-error", K_BOOL, "yes", 0, 0, NULL, 0},
    {"rdbcompression", K_BOOL, "yes", 0, 0, NULL, 0},
    {"rdbchecksum", K_BOOL, "yes", 0, 0, NULL, 1},
    {"io-threads", K_INT, "1", 1, 128, NULL, 1},
    {"lazyfree-lazy-eviction", K_BOOL, "no", 0, 0, NULL, 0},
    {"notify-keyspace-events", K_STRING, "", 0, 0, NULL, 0},
    {"slowlog-log-slower-than", K_INT, "10000", -1, 9223372036854775807LL, NULL, 0},
    {"slowlog-max-len", K_INT, "128", 0, 9223372036854775807LL, NULL, 0},
    {"latency-monitor-threshold", K_INT, "0", 0, 9223372036854775807LL, NULL, 0},
    {"replica-read-only", K_BOOL, "yes", 0, 0, NULL, 0},
    {"cluster-enabled", K_BOOL, "no", 0, 0, NULL, 1},
    {"enable-debug-command", K_ENUM, "no", 0, 0, "yes|no|local", 1},
    {"proto-max-bulk-len", K_STRING, "536870912", 0, 0, NULL, 0},
    {"client-query-buffer-limit", K_STRING, "1073741824", 0, 0, NULL, 0},
};
#define NPARAMS (sizeof params / sizeof params[0])

static param *find_param(const char *name) {
  for (size_t i = 0; i < NPARAMS; i++)
    if (strcasecmp(params[i].name, name) == 0) return &params[i];
  return NULL;
}

/* Checks and stores a value; NULL or an error message as Redis words it. */
static const char *set_param(param *p, int argc, arg_t *argv) {
  static char err[128];
  char joined[256] = "";
  if (p->kind == K_MULTI) {
    for (int i = 0; i < argc; i++) {
      if (i) strncat(joined, " ", sizeof joined - strlen(joined) - 1);
      strncat(joined, argv[i].ptr, sizeof joined - strlen(joined) - 1);
    }
    if (strcmp(p->name, "bind") == 0 && argc > 16) return "Too many bind addresses specified.";
    snprintf(p->value, sizeof p->value, "%s", joined);
    return NULL;
  }
  if (argc != 1) return "wrong number of arguments";
  const char *v = argv[0].ptr;
  switch (p->kind) {
    case K_INT: {
      long long n;
      if (!string2ll(v, argv[0].len, &n)) return "argument couldn't be parsed into an integer";
      if (n < p->min || n > p->max) {
        snprintf(err, sizeof err, "argument must be between %lld and %lld inclusive", p->min, p->max);
        return err;
      }
      break;
    }
    case K_BOOL:
      if (strcasecmp(v, "yes") != 0 && strcasecmp(v, "no") != 0) return "argument must be 'yes' or 'no'";
      break;
    case K_ENUM: {
      char choices[512];
      snprintf(choices, sizeof choices, "%s", p->choices);
      int ok = 0;
      for (char *save, *t = strtok_r(choices, "|", &save); t; t = strtok_r(NULL, "|", &save))
        if (strcasecmp(t, v) == 0) ok = 1;
      if (!ok) {
        snprintf(err, sizeof err, "argument(s) must be one of the following: %.80s", p->choices);
        for (char *q = err; *q; q++)
          if (*q == '|') *q = ',';
        return err;
      }
      break;
    }
    default: break;
  }
  if (strlen(v) >= sizeof p->value) return "argument too long";
  snprintf(p->value, sizeof p->value, "%s", v);
  if (p->kind == K_BOOL || p->kind == K_ENUM)
    for (char *q = p->value; *q; q++) *q = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
  return NULL;
}

static const char *value_of(const char *name) { return find_param(name)->value; }

/* Copies the parameters into the server struct (at startup and after CONFIG SET). */
static void apply(void) {
  server.port = atoi(value_of("port"));
  server.protected_mode = strcmp(value_of("protected-mode"), "yes") == 0;
  free(server.requirepass);
  server.requirepass = *value_of("requirepass") ? strdup(value_of("requirepass")) : NULL;
  server.hz = atoi(value_of("hz"));
  server.max_clients = atoi(value_of("maxclients"));
  const char *ll = value_of("loglevel");
  server.loglevel = !strcmp(ll, "debug") ? LL_DEBUG : !strcmp(ll, "verbose") ? LL_VERBOSE : !strcmp(ll, "notice") ? LL_NOTICE : LL_WARNING + (strcmp(ll, "nothing") == 0);
}

int config_timeout(void) { return atoi(value_of("timeout")); }
const char *config_logfile(void) { return value_of("logfile"); }
const char *config_pidfile(void) { return value_of("pidfile"); }

static void fatal(int line, const char *text, const char *msg) {
  fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (Redis %s) ***\n", REDIS_VERSION);
  fprintf(stderr, "Reading the configuration file, at line %d\n", line);
  fprintf(stderr, ">>> '%s'\n", text);
  fprintf(stderr, "%s\n", msg);
  exit(1);
}

static void load_string(const char *config) {
  int lineno = 0;
  const char *p = config;
  while (*p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char *line = strndup(p, n);
    p += n + (nl ? 1 : 0);
    lineno++;
    /* trim blanks; skip comments and empty lines */
    char *s = line;
    while (*s == ' ' || *s == '\t' || *s == '\r') s++;
    size_t l = strlen(s);
    while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r')) s[--l] = 0;
    if (*s == 0 || *s == '#') {
      free(line);
      continue;
    }
    arg_t *argv;
    int argc = split_args(s, l, &argv);
    if (argc < 0) fatal(lineno, s, "Unbalanced quotes in configuration line");
    if (argc == 0) {
      free(line);
      continue;
    }
    param *prm = find_param(argv[0].ptr);
    const char *err = NULL;
    if (!prm || argc < 2) err = "Bad directive or wrong number of arguments";
    else err = set_param(prm, argc - 1, argv + 1);
    if (err) fatal(lineno, s, err);
    free_args(argv, argc);
    free(line);
  }
}

int load_config(int argc, char **argv) {
  buf_t config = {0};
  buf_puts(&config, "");
  int j = 1;
  if (argc >= 2 && argv[1][0] != '-') {
    server.config_file = argv[1];
    j = 2;
    FILE *f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
    if (!f) {
      fprintf(stderr, "Fatal error, can't open config file '%s': %s\n", argv[1], strerror(errno));
      exit(1);
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&config, chunk, n);
    if (f != stdin) fclose(f);
    if (server.config_file[0] != '/' && f != stdin) {
      char cwd[1024];
      if (getcwd(cwd, sizeof cwd)) {
        char *abs = malloc(strlen(cwd) + strlen(argv[1]) + 2);
        sprintf(abs, "%s/%s", cwd, argv[1]);
        server.config_file = abs;
      }
    }
  } else if (argc >= 2 && strcmp(argv[1], "-") == 0) {
    j = 2;
  }
  /* Options: "--name value ..." becomes the line `name "value" ...`; a lone "-" is ignored. */
  int options = 0;
  for (; j < argc; j++) {
    const char *a = argv[j];
    if (a[0] == '-' && a[1] == '-' && a[2]) {
      buf_append(&config, "\n", 1);
      buf_puts(&config, a + 2);
      options++;
    } else {
      buf_append(&config, " ", 1);
      buf_repr(&config, a, strlen(a));
    }
  }
  if (options || config.len) buf_append(&config, "\n", 1);
  load_string(config.data ? config.data : "");
  buf_free(&config);

  const char *bind = value_of("bind");
  char tmp[256];
  snprintf(tmp, sizeof tmp, "%s", bind);
  server.bind_count = 0;
  for (char *save, *t = strtok_r(tmp, " ", &save); t && server.bind_count < 16; t = strtok_r(NULL, " ", &save))
    server.bind_addrs[server.bind_count++] = strdup(t);
  server.databases = atoi(value_of("databases"));
  const char *dir = value_of("dir");
  if (*dir && chdir(dir) != 0) {
    fprintf(stderr, "Can't chdir to '%s': %s\n", dir, strerror(errno));
    exit(1);
  }
  apply();
  return 0;
}

void config_get(const char *pattern, size_t plen, void (*fn)(void *ctx, const char *name, const char *value), void *ctx) {
  for (size_t i = 0; i < NPARAMS; i++) {
    if (string_match(pattern, plen, params[i].name, strlen(params[i].name), 1)) {
      if (strcmp(params[i].name, "dir") == 0) {
        static char cwd[1024];
        fn(ctx, "dir", getcwd(cwd, sizeof cwd) ? cwd : "/");
      } else {
        fn(ctx, params[i].name, params[i].value);
      }
    }
  }
}

const char *config_set(const char *name, const char *value) {
  static char err[300];
  param *p = find_param(name);
  if (!p) {
    snprintf(err, sizeof err, "Unknown option or number of arguments for CONFIG SET - '%.128s'", name);
    return err;
  }
  if (p->immutable) {
    snprintf(err, sizeof err, "CONFIG SET failed (possibly related to argument '%.128s') - can't set immutable config", p->name);
    return err;
  }
  arg_t *argv;
  int argc = p->kind == K_MULTI ? split_args(value, strlen(value), &argv) : 1;
  arg_t one = {(char *)value, strlen(value)};
  if (p->kind != K_MULTI) argv = &one;
  if (argc < 0) return "CONFIG SET failed: unbalanced quotes";
  const char *e = set_param(p, argc, argv);
  if (p->kind == K_MULTI) free_args(argv, argc);
  if (e) {
    snprintf(err, sizeof err, "CONFIG SET failed (possibly related to argument '%.128s') - %s", p->name, e);
    return err;
  }
  if (strcmp(p->name, "dir") == 0 && chdir(p->value) != 0) {
    snprintf(err, sizeof err, "CONFIG SET failed (possibly related to argument 'dir') - No such file or directory");
    return err;
  }
  apply();
  return NULL;
}
