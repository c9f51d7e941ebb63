/*
 * redis-server: startup, logging, the event loop and shutdown.
 *
 * The loop waits in WASI's poll_oneoff (called directly, not through
 * wasi-libc's poll(), whose arrays live on the stack) on the listening
 * sockets, every client that may send (unless its unsent replies exceed
 * OUTPUT_HIGH_WATER: back-pressure) and every client with replies pending,
 * plus a clock for serverCron (expiry, idle timeouts, shutdown) at `hz`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "server.h"

void free_watchers(void *w);

struct server server;
static FILE *logfp;

static volatile sig_atomic_t got_signal;

static void on_signal(int sig) {
  if (!got_signal) got_signal = sig;
}

void server_log(int level, const char *fmt, ...) {
  if (level < server.loglevel) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  time_t secs = ts.tv_sec;
  localtime_r(&secs, &tm);
  char when[64];
  strftime(when, sizeof when, "%d %b %Y %H:%M:%S", &tm);
  static const char marks[] = ".-*#";
  FILE *f = logfp ? logfp : stdout;
  fprintf(f, "%d:%c %s.%03d %c %s\n", (int)getpid(), server.verbose_role, when, (int)(ts.tv_nsec / 1000000), marks[level], msg);
  fflush(f);
}

/* ------------------------------------------------------------------ listening */

static int listen_on(const char *spec) {
  const char *step = "address";
  int optional = spec[0] == '-';
  const char *addr = optional ? spec + 1 : spec;
  int v6 = strchr(addr, ':') != NULL;
  union {
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
  } sa;
  memset(&sa, 0, sizeof sa);
  socklen_t len;
  if (v6) {
    sa.v6.sin6_family = AF_INET6;
    sa.v6.sin6_port = htons((uint16_t)server.port);
    if (strcmp(addr, "::*") != 0 && inet_pton(AF_INET6, addr, &sa.v6.sin6_addr) != 1) {
      errno = EINVAL;
      goto failed;
    }
    len = sizeof sa.v6;
  } else {
    sa.v4.sin_family = AF_INET;
    sa.v4.sin_port = htons((uint16_t)server.port);
    if (strcmp(addr, "*") != 0 && inet_pton(AF_INET, addr, &sa.v4.sin_addr) != 1) {
      errno = EINVAL;
      goto failed;
    }
    len = sizeof sa.v4;
  }
  step = "socket";
  int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (s < 0) goto failed;
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (v6) setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  step = "bind";
  if (bind(s, (struct sockaddr *)&sa, len) < 0 || (step = "listen", listen(s, 511) < 0)) {
    int e = errno;
    close(s);
    errno = e;
    goto failed;
  }
  return s;
failed:
  if (optional && (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT || errno == EINVAL)) return -2;
  server_log(LL_WARNING, "Warning: Could not create server TCP listening socket %s:%d: %s: %s", addr, server.port, step, strerror(errno));
  return -1;
}

static void format_addr(const struct sockaddr *sa, char *out, size_t n) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *a = (const void *)sa;
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
    port = ntohs(a->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const void *)sa;
    inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof ip);
    port = ntohs(a->sin6_port);
  }
  snprintf(out, n, "%s:%d", ip, port);
}

static int is_loopback(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return (ntohl(((const struct sockaddr_in *)(const void *)sa)->sin_addr.s_addr) >> 24) == 127;
  if (sa->sa_family == AF_INET6) {
    static const unsigned char lo[16] = {[15] = 1};
    return memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, lo, 16) == 0;
  }
  return 0;
}

static void accept_clients(int ls) {
  for (int i = 0; i < 1000; i++) {
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    int fd = accept4(ls, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EINTR) server_log(LL_WARNING, "Accepting client connection: %s", strerror(errno));
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    server.stat_connections++;
    if (server.nclients >= server.max_clients) {
      static const char err[] = "-ERR max number of clients reached\r\n";
      send(fd, err, sizeof err - 1, MSG_NOSIGNAL);
      close(fd);
      server.stat_rejected_conn++;
      continue;
    }
    if (server.protected_mode && !server.requirepass && !is_loopback((struct sockaddr *)&peer)) {
      static const char err[] =
          "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. "
          "In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to "
          "Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET "
          "protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however "
          "MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
          "Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected "
          "mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it "
          "with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to "
          "do one of the above things in order for the server to start accepting connections from the outside.\r\n";
      send(fd, err, sizeof err - 1, MSG_NOSIGNAL);
      close(fd);
      server.stat_rejected_conn++;
      continue;
    }
    client *c = create_client(fd);
    format_addr((struct sockaddr *)&peer, c->addr, sizeof c->addr);
    struct sockaddr_storage local;
    socklen_t llen = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0) format_addr((struct sockaddr *)&local, c->laddr, sizeof c->laddr);
    server.clients = realloc(server.clients, sizeof *server.clients * (size_t)(server.nclients + 1));
    server.clients[server.nclients++] = c;
    server_log(LL_VERBOSE, "Accepted %s", c->addr);
  }
}

/* ------------------------------------------------------------------ moving bytes */

/* Sends what is pending; marks the client for closing on a fatal error. */
static void write_to_client(client *c) {
  while (c->outpos < c->out.len) {
    ssize_t n = send(c->fd, c->out.data + c->outpos, c->out.len - c->outpos, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) break;
      c->flags |= CLIENT_CLOSE_ASAP;
      return;
    }
    c->outpos += (size_t)n;
    server.stat_net_out += n;
  }
  if (c->outpos == c->out.len) {
    c->out.len = c->outpos = 0;
    if (c->out.cap > 64 * 1024) buf_free(&c->out); /* give back the memory of a big reply */
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) c->flags |= CLIENT_CLOSE_ASAP;
  } else if (c->outpos > 1024 * 1024 && c->outpos > c->out.len / 2) {
    buf_consume(&c->out, c->outpos);
    c->outpos = 0;
  }
}

static void read_from_client(client *c) {
  size_t want = 64 * 1024;
  if (c->bulklen > 0 && (size_t)c->bulklen + 2 > want) want = (size_t)c->bulklen + 2; /* one big argument */
  if (want > 1024 * 1024) want = 1024 * 1024;
  buf_reserve(&c->query, want);
  ssize_t n = recv(c->fd, c->query.data + c->query.len, want, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    server_log(LL_VERBOSE, "Reading from client: %s", strerror(errno));
    c->flags |= CLIENT_CLOSE_ASAP;
    return;
  }
  if (n == 0) {
    server_log(LL_VERBOSE, "Client closed connection id=%lld addr=%s", c->id, c->addr);
    c->flags |= CLIENT_CLOSE_ASAP;
    return;
  }
  c->query.len += (size_t)n;
  c->query.data[c->query.len] = 0;
  server.stat_net_in += n;
  c->last_interaction_ms = mstime();
  process_input(c);
}

static void remove_closed_clients(void) {
  for (int i = server.nclients - 1; i >= 0; i--) {
    client *c = server.clients[i];
    if (c->flags & CLIENT_CLOSE_ASAP) {
      free_client(c);
      server.clients[i] = server.clients[--server.nclients];
    }
  }
}

/* ------------------------------------------------------------------ the loop */

static void cron(void) {
  db_active_expire(1000000 / server.hz / 4);
  int timeout = config_timeout();
  if (timeout > 0) {
    long long now = mstime();
    for (int i = 0; i < server.nclients; i++) {
      client *c = server.clients[i];
      if (now - c->last_interaction_ms > (long long)timeout * 1000 && c->outpos == c->out.len) {
        server_log(LL_VERBOSE, "Closing idle client");
        c->flags |= CLIENT_CLOSE_ASAP;
      }
    }
  }
}

static void prepare_shutdown_and_exit(void) {
  server_log(LL_NOTICE, "User requested shutdown...");
  /* No persistence: nothing to save (see README). Flush what clients are owed. */
  for (int i = 0; i < server.nclients; i++) write_to_client(server.clients[i]);
  for (int i = 0; i < server.nlisteners; i++) close(server.listeners[i]);
  if (*config_pidfile()) unlink(config_pidfile());
  server_log(LL_WARNING, "Redis is now ready to exit, bye bye...");
  exit(0);
}

static void event_loop(void) {
  size_t cap = 0;
  __wasi_subscription_t *subs = NULL;
  __wasi_event_t *events = NULL;
  long long next_cron = mstime();
  for (;;) {
    if (got_signal) {
      int sig = got_signal;
      got_signal = 0;
      fprintf(logfp ? logfp : stdout, "%d:signal-handler (%lld) Received %s scheduling shutdown...\n", (int)getpid(), (long long)time(NULL),
              sig == SIGINT ? "SIGINT" : "SIGTERM");
      fflush(logfp ? logfp : stdout);
      server.shutdown_asap = 1;
    }
    if (server.shutdown_asap) prepare_shutdown_and_exit();
    remove_closed_clients();
    long long block_ms = handle_block_timeouts(); /* replies go out in this turn's writes */

    size_t need = (size_t)server.nlisteners + 2 * (size_t)server.nclients + 1;
    if (need > cap) {
      cap = need * 2;
      subs = realloc(subs, cap * sizeof *subs);
      events = realloc(events, cap * sizeof *events);
    }
    size_t n = 0;
    for (int i = 0; i < server.nlisteners; i++) {
      memset(&subs[n], 0, sizeof subs[n]);
      subs[n].userdata = ((uint64_t)1 << 32) | (uint32_t)i;
      subs[n].u.tag = __WASI_EVENTTYPE_FD_READ;
      subs[n].u.u.fd_read.file_descriptor = (uint32_t)server.listeners[i];
      n++;
    }
    for (int i = 0; i < server.nclients; i++) {
      client *c = server.clients[i];
      int pending = c->outpos < c->out.len;
      int may_read = !(c->flags & CLIENT_CLOSE_AFTER_REPLY) && c->out.len - c->outpos <= OUTPUT_HIGH_WATER;
      if (may_read) {
        memset(&subs[n], 0, sizeof subs[n]);
        subs[n].userdata = ((uint64_t)2 << 32) | (uint32_t)i;
        subs[n].u.tag = __WASI_EVENTTYPE_FD_READ;
        subs[n].u.u.fd_read.file_descriptor = (uint32_t)c->fd;
        n++;
      }
      if (pending) {
        memset(&subs[n], 0, sizeof subs[n]);
        subs[n].userdata = ((uint64_t)3 << 32) | (uint32_t)i;
        subs[n].u.tag = __WASI_EVENTTYPE_FD_WRITE;
        subs[n].u.u.fd_write.file_descriptor = (uint32_t)c->fd;
        n++;
      }
    }
    long long now = mstime();
    long long wait_ms = next_cron - now;
    if (block_ms >= 0 && block_ms < wait_ms) wait_ms = block_ms;
    if (wait_ms < 0) wait_ms = 0;
    memset(&subs[n], 0, sizeof subs[n]);
    subs[n].userdata = 0;
    subs[n].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[n].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[n].u.u.clock.timeout = (uint64_t)wait_ms * 1000000ULL;
    n++;

    __wasi_size_t nevents = 0;
    __wasi_errno_t err = __wasi_poll_oneoff(subs, events, n, &nevents);
    if (err != 0 && err != __WASI_ERRNO_INTR) {
      server_log(LL_WARNING, "poll_oneoff failed: %s", strerror(err));
      exit(1);
    }
    if (err == 0) {
      /* reads first, so that replies produced now are written below in the same turn */
      for (__wasi_size_t i = 0; i < nevents; i++) {
        uint32_t kind = (uint32_t)(events[i].userdata >> 32), idx = (uint32_t)events[i].userdata;
        if (kind == 1) accept_clients(server.listeners[idx]);
        else if (kind == 2 && (int)idx < server.nclients) {
          client *c = server.clients[idx];
          if (!(c->flags & CLIENT_CLOSE_ASAP)) read_from_client(c);
        }
      }
    }
    /* write what every client is owed (most replies go out here without waiting for POLLOUT) */
    for (int i = 0; i < server.nclients; i++) {
      client *c = server.clients[i];
      if (c->flags & CLIENT_CLOSE_ASAP) continue;
      if (c->outpos < c->out.len) write_to_client(c);
      else if (c->flags & CLIENT_CLOSE_AFTER_REPLY) c->flags |= CLIENT_CLOSE_ASAP;
      if (c->out.len - c->outpos > PUBSUB_OUTPUT_LIMIT && client_subscriptions(c) > 0) {
        /* Redis's client-output-buffer-limit for pubsub clients (hard limit) */
        server_log(LL_WARNING, "Client id=%lld addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.", c->id, c->addr);
        c->flags |= CLIENT_CLOSE_ASAP;
        continue;
      }
      /* replies drained below the mark: run the requests held back */
      if (c->query.len > c->qpos && c->out.len - c->outpos <= OUTPUT_HIGH_WATER && !(c->flags & CLIENT_CLOSE_AFTER_REPLY)) {
        process_input(c);
        if (c->outpos < c->out.len) write_to_client(c);
      }
    }
    if (mstime() >= next_cron) {
      cron();
      next_cron = mstime() + 1000 / server.hz;
    }
  }
}

static void usage(void) {
  fprintf(stderr,
          "Usage: ./redis-server [/path/to/redis.conf] [options] [-]\n"
          "       ./redis-server - (read config from stdin)\n"
          "       ./redis-server -v or --version\n"
          "       ./redis-server -h or --help\n\n"
          "Examples:\n"
          "       ./redis-server (run the server with default conf)\n"
          "       echo 'maxmemory 128mb' | ./redis-server -\n"
          "       ./redis-server /etc/redis/6379.conf\n"
          "       ./redis-server --port 7777\n"
          "       ./redis-server /etc/myredis.conf --loglevel verbose -\n"
          "       ./redis-server /etc/myredis.conf --loglevel verbose\n\n"
          "This is Drydock's redis-server: an in-memory subset of Redis (no persistence).\n");
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  server.verbose_role = 'C';
  server.loglevel = LL_NOTICE;
  server.executable = argv[0];
  if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
    printf("Redis server v=%s sha=00000000:0 malloc=libc bits=32 build=drydock\n", REDIS_VERSION);
    return 0;
  }
  if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    usage();
    return 0;
  }
  uint8_t seed[16 + 20];
  getentropy(seed, sizeof seed);
  dict_seed(seed);
  srand(seed[0] | seed[1] << 8 | seed[2] << 16);
  for (int i = 0; i < 20; i++) snprintf(server.run_id + 2 * i, 3, "%02x", seed[16 + i]);

  load_config(argc, argv);
  if (*config_logfile()) {
    logfp = fopen(config_logfile(), "a");
    if (!logfp) {
      fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
      return 1;
    }
  }
  server_log(LL_NOTICE, "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  server_log(LL_NOTICE, "Redis version=%s, bits=32, commit=00000000, modified=0, pid=%d, just started", REDIS_VERSION, (int)getpid());
  if (server.config_file) server_log(LL_NOTICE, "Configuration loaded");
  else
    server_log(LL_WARNING,
               "Warning: no config file specified, using the default config. In order to specify a config file use %s /path/to/redis.conf",
               argv[0]);
  server.verbose_role = 'M';
  server.start_ms = mstime();
  server.pubsub_channels = dict_new(clist_free);
  server.dbs = calloc((size_t)server.databases, sizeof *server.dbs);
  for (int i = 0; i < server.databases; i++) {
    server.dbs[i].id = i;
    server.dbs[i].keys = dict_new(obj_free);
    server.dbs[i].watched = dict_new(free_watchers);
    server.dbs[i].blocking = dict_new(clist_free);
  }

  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  server_log(LL_NOTICE, "monotonic clock: POSIX clock_gettime");
  for (int i = 0; i < server.bind_count; i++) {
    int s = listen_on(server.bind_addrs[i]);
    if (s == -1) {
      server_log(LL_WARNING, "Failed listening on port %d (tcp), aborting.", server.port);
      return 1;
    }
    if (s >= 0) server.listeners[server.nlisteners++] = s;
  }
  if (server.nlisteners == 0) {
    server_log(LL_WARNING, "Configured to not listen anywhere, exiting.");
    return 1;
  }
  server_log(LL_NOTICE, "Running mode=standalone, port=%d.", server.port);
  if (*config_pidfile()) {
    FILE *pf = fopen(config_pidfile(), "w");
    if (pf) {
      fprintf(pf, "%d\n", (int)getpid());
      fclose(pf);
    }
  }
  server_log(LL_NOTICE, "Server initialized");
  server_log(LL_NOTICE, "Ready to accept connections tcp");
  event_loop();
  return 0;
}
