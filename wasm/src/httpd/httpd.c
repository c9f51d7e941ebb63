/*
 * httpd: a static-file HTTP/1.1 server for Drydock's nginx stand-in image.
 *
 *   httpd [-p PORT] [-r ROOT] [-a ADDRESS] [-q]
 *
 * Serves ROOT (default /usr/share/nginx/html, else the working directory) on
 * PORT (default 80): GET and HEAD, index.html for directories (a directory
 * without its trailing slash is redirected, as nginx does), 404/403/405/400
 * pages, keep-alive with pipelining, any number of connections at once in a
 * single poll() loop (no threads). One access-log line per request on stdout
 * in nginx's "combined" format (-q: none). SIGTERM and SIGINT stop at once;
 * SIGQUIT stops accepting and finishes the requests in progress (nginx's
 * graceful shutdown). Exit status 0 after a signal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SERVER_NAME "drydock-httpd/0.1"
#define MAX_CONNS 1000
#define REQ_MAX 8192
#define OUT_MAX 65536
#define KEEPALIVE_MS 75000

enum phase { READING, WRITING };

struct conn {
  int fd;
  enum phase phase;
  char req[REQ_MAX];
  size_t req_len;
  char out[OUT_MAX];
  size_t out_len, out_at;
  int file;          /* file being sent, or -1 */
  long long file_left;
  int keep_alive;
  long long idle_since_ms;
  char peer[INET6_ADDRSTRLEN];
};

static struct conn *conns[MAX_CONNS];
static int nconns;
static const char *root = NULL;
static int quiet = 0;
static volatile sig_atomic_t stop_now = 0, stop_graceful = 0;

static void on_signal(int sig) {
  if (sig == SIGQUIT) stop_graceful = 1;
  else stop_now = 1;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *mime_type(const char *path) {
  static const struct {
    const char *ext, *type;
  } types[] = {
      {".html", "text/html"}, {".htm", "text/html"}, {".css", "text/css"}, {".js", "application/javascript"},
      {".mjs", "application/javascript"}, {".json", "application/json"}, {".txt", "text/plain"},
      {".md", "text/plain"}, {".xml", "text/xml"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"}, {".ico", "image/x-icon"},
      {".webp", "image/webp"}, {".wasm", "application/wasm"}, {".pdf", "application/pdf"},
      {".woff", "font/woff"}, {".woff2", "font/woff2"},
  };
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (dot && (!slash || dot > slash)) {
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (strcasecmp(dot, types[i].ext) == 0) return types[i].type;
  }
  return "application/octet-stream";
}

static void http_date(time_t t, char *buf, size_t len) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static const char *reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Not Allowed";
    case 414: return "Request-URI Too Large";
    case 500: return "Internal Server Error";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

/* nginx's "combined" log format. */
static void access_log(struct conn *c, const char *request_line, int status, long long bytes, const char *referer,
                       const char *agent) {
  if (quiet) return;
  char when[64];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
  printf("%s - - [%s] \"%s\" %d %lld \"%s\" \"%s\"\n", c->peer, when, request_line, status, bytes,
         referer && *referer ? referer : "-", agent && *agent ? agent : "-");
  fflush(stdout);
}

/* Decodes %XX escapes in place; returns -1 for a malformed escape or an encoded NUL. */
static int url_decode(char *s) {
  char *out = s;
  for (char *p = s; *p; p++) {
    if (*p == '%') {
      int hi, lo;
      char h = p[1], l = h ? p[2] : 0;
      if (!h || !l) return -1;
      hi = h >= '0' && h <= '9' ? h - '0' : (h | 32) >= 'a' && (h | 32) <= 'f' ? (h | 32) - 'a' + 10 : -1;
      lo = l >= '0' && l <= '9' ? l - '0' : (l | 32) >= 'a' && (l | 32) <= 'f' ? (l | 32) - 'a' + 10 : -1;
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return -1;
      *out++ = (char)(hi * 16 + lo);
      p += 2;
    } else {
      *out++ = *p;
    }
  }
  *out = 0;
  return 0;
}

/* Resolves "." and ".." in an absolute URL path; a ".." above the root is an error (-1). */
static int normalize(char *path) {
  char *segs[256];
  int n = 0;
  char *save, *tok;
  int trailing = path[strlen(path) - 1] == '/';
  char copy[REQ_MAX];
  snprintf(copy, sizeof copy, "%s", path);
  for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
    if (strcmp(tok, ".") == 0) continue;
    if (strcmp(tok, "..") == 0) {
      if (n == 0) return -1;
      n--;
      continue;
    }
    if (n == 256) return -1;
    segs[n++] = tok;
  }
  char *out = path;
  *out = 0;
  size_t at = 0;
  for (int i = 0; i < n; i++) at += (size_t)sprintf(out + at, "/%s", segs[i]);
  if (n == 0 || trailing) sprintf(out + at, "/");
  return 0;
}

static void queue(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void queue(struct conn *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(c->out + c->out_len, OUT_MAX - c->out_len, fmt, ap);
  va_end(ap);
  if (n > 0) c->out_len += (size_t)n < OUT_MAX - c->out_len ? (size_t)n : OUT_MAX - c->out_len - 1;
}

static void headers(struct conn *c, int status, const char *type, long long length, time_t modified, const char *location) {
  char date[64];
  http_date(time(NULL), date, sizeof date);
  queue(c, "HTTP/1.1 %d %s\r\nServer: %s\r\nDate: %s\r\nContent-Type: %s\r\nContent-Length: %lld\r\n", status,
        reason(status), SERVER_NAME, date, type, length);
  if (modified) {
    char lm[64];
    http_date(modified, lm, sizeof lm);
    queue(c, "Last-Modified: %s\r\n", lm);
  }
  if (location) queue(c, "Location: %s\r\n", location);
  queue(c, "Connection: %s\r\n", c->keep_alive ? "keep-alive" : "close");
  if (status == 200) queue(c, "Accept-Ranges: bytes\r\n");
  queue(c, "\r\n");
}

/* An error page like nginx's; returns the body length. */
static long long error_page(struct conn *c, int status, int head) {
  char body[512];
  int n = snprintf(body, sizeof body,
                   "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
                   "<hr><center>%s</center>\r\n</body>\r\n</html>\r\n",
                   status, reason(status), status, reason(status), SERVER_NAME);
  headers(c, status, "text/html", n, 0, NULL);
  if (!head) queue(c, "%s", body);
  return head ? 0 : n;
}

static const char *header_value(char *headers_start, const char *name) {
  size_t len = strlen(name);
  for (char *line = headers_start; line && *line;) {
    char *end = strstr(line, "\r\n");
    if (!end || end == line) break;
    if (strncasecmp(line, name, len) == 0 && line[len] == ':') {
      char *v = line + len + 1;
      while (*v == ' ' || *v == '\t') v++;
      return v;
    }
    line = end + 2;
  }
  return NULL;
}

/* Copies a header value (up to CRLF) into buf. */
static void header_copy(char *headers_start, const char *name, char *buf, size_t len) {
  const char *v = header_value(headers_start, name);
  buf[0] = 0;
  if (!v) return;
  size_t n = strcspn(v, "\r\n");
  if (n >= len) n = len - 1;
  memcpy(buf, v, n);
  buf[n] = 0;
}

/* Handles the complete request at the start of c->req (ending at `end`); queues the response. */
static void handle(struct conn *c, size_t request_len) {
  char *req = c->req;
  req[request_len - 2] = 0; /* the final CRLF of the blank line */
  char *line_end = strstr(req, "\r\n");
  char request_line[1024];
  size_t rl = line_end ? (size_t)(line_end - req) : strlen(req);
  if (rl >= sizeof request_line) rl = sizeof request_line - 1;
  memcpy(request_line, req, rl);
  request_line[rl] = 0;
  char *hdrs = line_end ? line_end + 2 : req + strlen(req);
  char agent[256], referer[256], connection[64];
  header_copy(hdrs, "User-Agent", agent, sizeof agent);
  header_copy(hdrs, "Referer", referer, sizeof referer);
  header_copy(hdrs, "Connection", connection, sizeof connection);

  char method[16], target[REQ_MAX], version[16];
  int parsed = sscanf(request_line, "%15s %8191s %15s", method, target, version);
  c->keep_alive = 0;
  if (parsed == 3 && strcmp(version, "HTTP/1.1") == 0) c->keep_alive = strcasecmp(connection, "close") != 0;
  else if (parsed == 3 && strcmp(version, "HTTP/1.0") == 0) c->keep_alive = strcasecmp(connection, "keep-alive") == 0;
  if (stop_graceful) c->keep_alive = 0;
  int head = parsed >= 1 && strcmp(method, "HEAD") == 0;

  int status;
  long long sent = 0;
  if (parsed != 3 || strncmp(version, "HTTP/1.", 7) != 0 || target[0] != '/') {
    c->keep_alive = 0;
    status = 400;
    sent = error_page(c, status, head);
  } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
    status = 405;
    sent = error_page(c, status, head);
  } else {
    char *query = strpbrk(target, "?#");
    if (query) *query = 0;
    char path[REQ_MAX];
    snprintf(path, sizeof path, "%s", target);
    if (url_decode(path) < 0 || normalize(path) < 0) {
      status = 400;
      sent = error_page(c, status, head);
    } else {
      char full[REQ_MAX + 512];
      snprintf(full, sizeof full, "%s%s", root, path);
      struct stat st;
      int found = stat(full, &st) == 0;
      if (found && S_ISDIR(st.st_mode)) {
        if (path[strlen(path) - 1] != '/') {
          char location[REQ_MAX + 2];
          snprintf(location, sizeof location, "%s/", path);
          status = 301;
          char body[512];
          int n = snprintf(body, sizeof body,
                           "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n"
                           "<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>%s</center>\r\n</body>\r\n</html>\r\n",
                           SERVER_NAME);
          headers(c, status, "text/html", n, 0, location);
          if (!head) queue(c, "%s", body);
          sent = head ? 0 : n;
          access_log(c, request_line, status, sent, referer, agent);
          return;
        }
        strncat(full, "index.html", sizeof full - strlen(full) - 1);
        found = stat(full, &st) == 0;
        if (!found) {
          status = 403; /* nginx: a directory without an index (and no autoindex) is forbidden */
          sent = error_page(c, status, head);
          access_log(c, request_line, status, sent, referer, agent);
          return;
        }
      }
      int fd = found && S_ISREG(st.st_mode) ? open(full, O_RDONLY) : -1;
      if (fd < 0) {
        status = found && errno == EACCES ? 403 : 404;
        sent = error_page(c, status, head);
      } else {
        status = 200;
        headers(c, status, mime_type(full), (long long)st.st_size, st.st_mtime, NULL);
        if (head) close(fd);
        else {
          c->file = fd;
          c->file_left = st.st_size;
          sent = st.st_size;
        }
      }
    }
  }
  access_log(c, request_line, status, sent, referer, agent);
}

static void drop(int i) {
  struct conn *c = conns[i];
  if (c->file >= 0) close(c->file);
  close(c->fd);
  free(c);
  conns[i] = conns[--nconns];
}

/* Looks for a complete request in the buffer; 1 if one was handled. */
static int try_request(struct conn *c) {
  char *end = NULL;
  for (size_t i = 0; i + 3 < c->req_len; i++) {
    if (c->req[i] == '\r' && c->req[i + 1] == '\n' && c->req[i + 2] == '\r' && c->req[i + 3] == '\n') {
      end = c->req + i + 4;
      break;
    }
  }
  if (!end) return 0;
  size_t len = (size_t)(end - c->req);
  char saved[REQ_MAX];
  size_t rest = c->req_len - len;
  memcpy(saved, end, rest);
  c->out_len = c->out_at = 0;
  handle(c, len);
  memcpy(c->req, saved, rest);
  c->req_len = rest;
  c->phase = WRITING;
  return 1;
}

/* Moves bytes out; returns -1 when the connection must close. */
static int pump_out(struct conn *c) {
  for (;;) {
    if (c->out_at == c->out_len && c->file >= 0) {
      ssize_t n = read(c->file, c->out, c->file_left < OUT_MAX ? (size_t)c->file_left : OUT_MAX);
      if (n <= 0) return -1;
      c->out_len = (size_t)n;
      c->out_at = 0;
      c->file_left -= n;
      if (c->file_left == 0) {
        close(c->file);
        c->file = -1;
      }
    }
    if (c->out_at == c->out_len) break;
    ssize_t w = send(c->fd, c->out + c->out_at, c->out_len - c->out_at, MSG_NOSIGNAL);
    if (w < 0) return errno == EAGAIN ? 0 : -1;
    c->out_at += (size_t)w;
  }
  /* Response complete. */
  if (!c->keep_alive) return -1;
  c->phase = READING;
  c->out_len = c->out_at = 0;
  c->idle_since_ms = now_ms();
  return try_request(c) ? pump_out(c) : 0;
}

/* Reads what arrived; returns -1 when the connection must close. */
static int pump_in(struct conn *c) {
  for (;;) {
    if (c->req_len == REQ_MAX) {
      c->keep_alive = 0;
      c->out_len = c->out_at = 0;
      snprintf(c->req, sizeof c->req, "(request too large)");
      error_page(c, 414, 0);
      access_log(c, "-", 414, 0, "", "");
      c->req_len = 0;
      c->phase = WRITING;
      return pump_out(c);
    }
    ssize_t n = recv(c->fd, c->req + c->req_len, REQ_MAX - c->req_len, 0);
    if (n == 0) return -1;
    if (n < 0) return errno == EAGAIN ? 0 : -1;
    c->req_len += (size_t)n;
    if (c->phase == READING && try_request(c)) return pump_out(c);
  }
}

static int listen_on(const char *address, int port) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (s < 0) return -1;
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (inet_pton(AF_INET, address, &a.sin_addr) != 1) {
    errno = EINVAL;
    return -1;
  }
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 511) < 0) return -1;
  return s;
}

int main(int argc, char **argv) {
  int port = 80;
  const char *address = "0.0.0.0";
  int opt;
  /* -f (foreground) and -v (verbose) are busybox httpd's: this server never daemonizes. */
  while ((opt = getopt(argc, argv, "p:r:h:a:qfv")) != -1) {
    switch (opt) {
      case 'p': {
        /* busybox: -p [IP:]PORT */
        char *colon = strrchr(optarg, ':');
        if (colon) {
          *colon = 0;
          address = optarg;
          port = atoi(colon + 1);
        } else {
          port = atoi(optarg);
        }
        break;
      }
      case 'f':
      case 'v': break;
      case 'r':
      case 'h': root = optarg; break;
      case 'a': address = optarg; break;
      case 'q': quiet = 1; break;
      default:
        fprintf(stderr, "usage: httpd [-f] [-p [IP:]PORT] [-h|-r ROOT] [-a ADDRESS] [-q]\n");
        return 2;
    }
  }
  static char cwd[4096];
  struct stat st;
  if (!root) root = stat("/usr/share/nginx/html", &st) == 0 ? "/usr/share/nginx/html" : getcwd(cwd, sizeof cwd);
  if (!root || stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "httpd: document root %s: %s\n", root ? root : "?", strerror(errno ? errno : ENOTDIR));
    return 1;
  }
  /* Strip a trailing slash so root + "/path" has one. */
  static char rootbuf[4096];
  snprintf(rootbuf, sizeof rootbuf, "%s", root);
  size_t rlen = strlen(rootbuf);
  while (rlen > 1 && rootbuf[rlen - 1] == '/') rootbuf[--rlen] = 0;
  if (strcmp(rootbuf, "/") == 0) rootbuf[0] = 0;
  root = rootbuf;

  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGQUIT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  int ls = listen_on(address, port);
  if (ls < 0) {
    fprintf(stderr, "httpd: bind() to %s:%d failed (%d: %s)\n", address, port, errno, strerror(errno));
    return 1;
  }
  fprintf(stderr, "httpd: serving %s on %s:%d\n", *root ? root : "/", address, port);

  static struct pollfd fds[MAX_CONNS + 1];
  while (!stop_now) {
    if (stop_graceful && ls >= 0) {
      close(ls);
      ls = -1;
    }
    if (stop_graceful && nconns == 0) break;
    int n = 0;
    if (ls >= 0) {
      fds[n].fd = ls;
      fds[n].events = nconns < MAX_CONNS ? POLLIN : 0;
      n++;
    }
    int first = n;
    long long now = now_ms();
    int timeout = -1;
    for (int i = 0; i < nconns; i++) {
      struct conn *c = conns[i];
      fds[n].fd = c->fd;
      fds[n].events = c->phase == READING ? POLLIN : POLLOUT;
      n++;
      if (c->phase == READING) {
        long long left = c->idle_since_ms + KEEPALIVE_MS - now;
        if (left < 0) left = 0;
        if (timeout < 0 || left < timeout) timeout = (int)left;
      }
    }
    if (n == 0) break;
    if (ls >= 0 && fds[0].events == 0) fds[0].events = POLLIN; /* wasi-libc's poll needs an event */
    int ready = poll(fds, (nfds_t)n, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("httpd: poll");
      return 1;
    }
    /* Connections first (the array may shrink), walking backwards. */
    for (int j = n - 1; j >= first; j--) {
      int i = j - first;
      struct conn *c = conns[i];
      int rc = 0;
      if (fds[j].revents & (POLLIN | POLLHUP | POLLERR)) rc = c->phase == READING ? pump_in(c) : pump_out(c);
      else if (fds[j].revents & POLLOUT) rc = pump_out(c);
      else if (c->phase == READING && now_ms() - c->idle_since_ms >= KEEPALIVE_MS) rc = -1;
      if (rc < 0) drop(i);
    }
    if (ls >= 0 && (fds[0].revents & POLLIN)) {
      for (;;) {
        if (nconns >= MAX_CONNS) break;
        struct sockaddr_in peer;
        socklen_t plen = sizeof peer;
        int fd = accept4(ls, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK);
        if (fd < 0) break;
        struct conn *c = calloc(1, sizeof *c);
        if (!c) {
          close(fd);
          break;
        }
        c->fd = fd;
        c->file = -1;
        c->phase = READING;
        c->idle_since_ms = now_ms();
        inet_ntop(AF_INET, &peer.sin_addr, c->peer, sizeof c->peer);
        conns[nconns++] = c;
      }
    }
  }
  while (nconns > 0) drop(nconns - 1);
  if (ls >= 0) close(ls);
  return 0;
}
