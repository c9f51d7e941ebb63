/*
 * wget: HTTP/1.1 GET to names and addresses, as busybox's wget:
 *   wget [-q] [-O FILE|-] [-T SEC] [-S] [-U AGENT] [--spider] URL...
 * Follows redirects; decodes chunked bodies; refuses to overwrite an
 * existing file unless -O names it.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <strings.h>
#include <sys/stat.h>
#include "netutils.h"

static int quiet = 0, show_headers = 0, spider = 0, timeout_s = 900;
static const char *agent = "Wget";

struct url {
  char host[256];
  int port;
  char path[4096];
};

static int parse_url(const char *text, struct url *u) {
  const char *p = text;
  if (strncmp(p, "http://", 7) == 0) p += 7;
  else if (strncmp(p, "https://", 8) == 0) die("https is not supported (no TLS)");
  else if (strstr(p, "://")) die("not an http or ftp url: %s", text);
  const char *slash = strchr(p, '/');
  size_t hl = slash ? (size_t)(slash - p) : strlen(p);
  if (hl == 0 || hl >= sizeof u->host) return -1;
  memcpy(u->host, p, hl);
  u->host[hl] = 0;
  u->port = 80;
  char *colon = strrchr(u->host, ':');
  if (colon) {
    *colon = 0;
    u->port = atoi(colon + 1);
  }
  snprintf(u->path, sizeof u->path, "%s", slash ? slash : "/");
  return 0;
}

/* A buffered reader over the connection, with the -T timeout. */
struct conn {
  int fd;
  char buf[65536];
  size_t at, len;
};

static ssize_t fill(struct conn *c) {
  struct pollfd p = {.fd = c->fd, .events = POLLIN};
  int n = poll(&p, 1, timeout_s * 1000);
  if (n == 0) die("download timed out");
  ssize_t r = recv(c->fd, c->buf, sizeof c->buf, 0);
  if (r < 0) die("error getting response: %s", strerror(errno));
  c->at = 0;
  c->len = (size_t)r;
  return r;
}

/* Reads a line (without CRLF) into out; returns -1 at EOF. */
static int get_line(struct conn *c, char *out, size_t size) {
  size_t n = 0;
  for (;;) {
    if (c->at == c->len && fill(c) == 0) return n ? 0 : -1;
    char ch = c->buf[c->at++];
    if (ch == '\n') break;
    if (n + 1 < size) out[n++] = ch;
  }
  if (n && out[n - 1] == '\r') n--;
  out[n] = 0;
  return 0;
}

static void progress(const char *name, long long got, long long total, int done) {
  if (quiet) return;
  int pct = total > 0 ? (int)(got * 100 / total) : (done ? 100 : 0);
  char bar[33];
  int stars = pct * 32 / 100;
  for (int i = 0; i < 32; i++) bar[i] = i < stars ? '*' : ' ';
  bar[32] = 0;
  char size[16];
  if (got < 100000) snprintf(size, sizeof size, "%5lld", got);
  else if (got < 100000LL * 1024) snprintf(size, sizeof size, "%4lldk", got / 1024);
  else snprintf(size, sizeof size, "%4lldM", got / (1024 * 1024));
  fprintf(stderr, "%-20.20s%4d%% |%s| %s  0:00:00 ETA\n", name, pct, bar, size);
}

static int fetch(const char *text, const char *output) {
  struct url u;
  char current[4096];
  snprintf(current, sizeof current, "%s", text);
  for (int redirects = 0; redirects < 20; redirects++) {
    if (parse_url(current, &u) < 0) die("bad URL '%s'", current);
    struct in_addr ip = resolve4(u.host);
    if (!quiet) fprintf(stderr, "Connecting to %s (%s:%d)\n", u.host, inet_ntoa(ip), u.port);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(u.port);
    a.sin_addr = ip;
    fcntl(s, F_SETFL, O_NONBLOCK);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
      /* A failure right away (unreachable network, refused on a local address) is reported as busybox does. */
      if (errno != EINPROGRESS) die("can't connect to remote host (%s): %s", inet_ntoa(ip), strerror(errno));
      struct pollfd p = {.fd = s, .events = POLLOUT};
      if (poll(&p, 1, timeout_s * 1000) == 0) die("download timed out");
      int err = 0;
      socklen_t el = sizeof err;
      getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
      if (err) die("can't connect to remote host (%s): %s", inet_ntoa(ip), strerror(err));
    }
    fcntl(s, F_SETFL, 0);
    static char request[8192];
    char hostport[300];
    if (u.port == 80) snprintf(hostport, sizeof hostport, "%s", u.host);
    else snprintf(hostport, sizeof hostport, "%s:%d", u.host, u.port);
    int n = snprintf(request, sizeof request, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nConnection: close\r\n\r\n",
                     spider ? "HEAD" : "GET", u.path, hostport, agent);
    if (send(s, request, (size_t)n, MSG_NOSIGNAL) != n) die("error sending request: %s", strerror(errno));
    static struct conn c;
    c.fd = s;
    c.at = c.len = 0;
    static char line[8192];
    char status_line[512];
    if (get_line(&c, status_line, sizeof status_line) < 0) die("error getting response");
    if (show_headers) fprintf(stderr, "  %s\n", status_line);
    int status = 0;
    sscanf(status_line, "HTTP/%*s %d", &status);
    long long length = -1;
    int chunked = 0;
    char location[4096] = "";
    while (get_line(&c, line, sizeof line) == 0 && line[0]) {
      if (show_headers) fprintf(stderr, "  %s\n", line);
      if (strncasecmp(line, "Content-Length:", 15) == 0) length = atoll(line + 15);
      else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 && strstr(line + 18, "chunked")) chunked = 1;
      else if (strncasecmp(line, "Location:", 9) == 0) {
        const char *v = line + 9;
        while (*v == ' ') v++;
        snprintf(location, sizeof location, "%s", v);
      }
    }
    if (status >= 300 && status < 400 && location[0]) {
      close(s);
      if (location[0] == '/') {
        char next[4096];
        snprintf(next, sizeof next, "http://%s%s", hostport, location);
        snprintf(current, sizeof current, "%s", next);
      } else {
        snprintf(current, sizeof current, "%s", location);
      }
      continue;
    }
    if (status < 200 || status >= 300) die("server returned error: %s", status_line);
    if (spider) {
      if (!quiet) fprintf(stderr, "remote file exists\n");
      close(s);
      return 0;
    }
    const char *name = output;
    char derived[256];
    if (!name) {
      const char *base = strrchr(u.path, '/');
      base = base ? base + 1 : u.path;
      size_t bl = strcspn(base, "?#");
      if (bl == 0) snprintf(derived, sizeof derived, "index.html");
      else snprintf(derived, sizeof derived, "%.*s", (int)bl, base);
      name = derived;
    }
    int to_stdout = strcmp(name, "-") == 0;
    int fd = 1;
    if (!to_stdout) {
      fd = open(name, O_WRONLY | O_CREAT | (output ? O_TRUNC : O_EXCL), 0666);
      if (fd < 0) die("can't open '%s': %s", name, strerror(errno));
    }
    if (!quiet) fprintf(stderr, to_stdout ? "writing to stdout\n" : "saving to '%s'\n", name);
    long long got = 0;
    for (;;) {
      long long want;
      if (chunked) {
        if (get_line(&c, line, sizeof line) < 0) break;
        want = strtoll(line, NULL, 16);
        if (want == 0) break;
      } else {
        want = length >= 0 ? length - got : -1;
        if (want == 0) break;
      }
      while (want != 0) {
        if (c.at == c.len && fill(&c) == 0) {
          if (length >= 0 && got < length) die("connection closed prematurely");
          want = 0;
          break;
        }
        size_t take = c.len - c.at;
        if (want > 0 && (long long)take > want) take = (size_t)want;
        for (size_t done = 0; done < take;) {
          ssize_t w = write(fd, c.buf + c.at + done, take - done);
          if (w <= 0) die("write error: %s", strerror(errno));
          done += (size_t)w;
        }
        c.at += take;
        got += (long long)take;
        if (want > 0) want -= (long long)take;
      }
      if (chunked) get_line(&c, line, sizeof line); /* the CRLF after a chunk */
      else break;
    }
    close(s);
    progress(to_stdout ? "-" : name, got, length, 1);
    if (!to_stdout) {
      close(fd);
      if (!quiet) fprintf(stderr, "'%s' saved\n", name);
    } else if (!quiet) {
      fprintf(stderr, "written to stdout\n");
    }
    return 0;
  }
  die("too many redirections");
}

int wget_main(int argc, char **argv) {
  const char *output = NULL;
  signal(SIGPIPE, SIG_IGN);
  const char *usage = "usage: wget [-q] [-O FILE] [-T SEC] [-S] [-U AGENT] [--spider] URL...\n";
  char **urls = calloc((size_t)argc, sizeof *urls);
  int nurls = 0, options = 1;
  /* Options may come after the URLs, as with busybox's getopt. */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!options || a[0] != '-' || !a[1]) {
      urls[nurls++] = argv[i];
      continue;
    }
    if (strcmp(a, "--") == 0) options = 0;
    else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) quiet = 1;
    else if (strcmp(a, "-S") == 0 || strcmp(a, "--server-response") == 0) show_headers = 1;
    else if (strcmp(a, "--spider") == 0) spider = 1;
    else if (strcmp(a, "-O") == 0 && i + 1 < argc) output = argv[++i];
    else if (strncmp(a, "-O", 2) == 0 && a[2]) output = a + 2;
    else if (strcmp(a, "-T") == 0 && i + 1 < argc) timeout_s = atoi(argv[++i]);
    else if (strncmp(a, "--timeout=", 10) == 0) timeout_s = atoi(a + 10);
    else if (strcmp(a, "-U") == 0 && i + 1 < argc) agent = argv[++i];
    else if (strncmp(a, "--user-agent=", 13) == 0) agent = a + 13;
    else if (strncmp(a, "--output-document=", 18) == 0) output = a + 18;
    else if (strcmp(a, "-c") == 0 || strcmp(a, "-nv") == 0 || strcmp(a, "--no-check-certificate") == 0) continue;
    else {
      fputs(usage, stderr);
      return 1;
    }
  }
  if (nurls == 0) {
    fputs(usage, stderr);
    return 1;
  }
  for (int i = 0; i < nurls; i++)
    if (fetch(urls[i], output) != 0) return 1;
  return 0;
}
