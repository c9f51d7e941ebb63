/*
 * md5sum, sha1sum, sha256sum [-c [-s] [-w]] [FILE...]: print "HEX  NAME"
 * lines, or check such lines (-c: "NAME: OK" / "NAME: FAILED").
 */
#include "../hash.h"
#include "../libbb.h"

/* The digest of a file as lowercase hex (static buffer), or NULL (message printed). */
static const char *hash_file(const char *path, enum hash_kind kind) {
  static char hex[65];
  int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
  if (fd < 0) {
    bb_perror_cant_open(path);
    return 0;
  }
  struct hash_ctx c;
  hash_init(&c, kind);
  static uint8_t buf[65536];
  ssize_t n;
  while ((n = safe_read(fd, buf, sizeof buf)) > 0) hash_update(&c, buf, (size_t)n);
  if (fd) close(fd);
  if (n < 0) {
    bb_perror_msg("%s", path);
    return 0;
  }
  uint8_t digest[32];
  hash_final(&c, digest);
  for (int i = 0; i < c.digest_len; i++) snprintf(hex + i * 2, 3, "%02x", digest[i]);
  return hex;
}

static int hash_main(int argc, char **argv, enum hash_kind kind) {
  unsigned opt = getopt32(argv, "cswbt");
  enum { C = 1, S = 2, W = 4 };
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int status = 0;
  size_t hexlen = kind == HASH_MD5 ? 32 : kind == HASH_SHA1 ? 40 : 64;
  if (!(opt & C)) {
    for (; *argv; argv++) {
      const char *h = hash_file(*argv, kind);
      if (!h) {
        status = 1;
        continue;
      }
      printf("%s  %s\n", h, *argv);
    }
    if (fflush_all()) return 1;
    return status;
  }
  for (; *argv; argv++) {
    FILE *f = fopen_or_warn_stdin(*argv);
    if (!f) {
      status = 1;
      continue;
    }
    char *line = 0;
    size_t cap = 0;
    ssize_t n;
    int failed = 0, count = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
      if (n && line[n - 1] == '\n') line[--n] = 0;
      /* "HEX  NAME" (or "HEX *NAME" for binary mode). */
      if ((size_t)n < hexlen + 2 || line[hexlen] != ' ' || (line[hexlen + 1] != ' ' && line[hexlen + 1] != '*')) {
        if (opt & W) bb_error_msg("invalid format");
        continue;
      }
      line[hexlen] = 0;
      const char *name = line + hexlen + 2;
      count++;
      const char *h = hash_file(name, kind);
      int ok = h && strcasecmp(h, line) == 0;
      if (!ok) failed++;
      if (!(opt & S)) printf("%s: %s\n", name, ok ? "OK" : "FAILED");
    }
    free(line);
    fclose_if_not_stdin(f);
    if (failed) {
      if (!(opt & S)) bb_error_msg("WARNING: %d of %d computed checksums did NOT match", failed, count);
      status = 1;
    }
  }
  if (fflush_all()) return 1;
  return status;
}

int md5sum_main(int argc, char **argv) { return hash_main(argc, argv, HASH_MD5); }
int sha1sum_main(int argc, char **argv) { return hash_main(argc, argv, HASH_SHA1); }
int sha256sum_main(int argc, char **argv) { return hash_main(argc, argv, HASH_SHA256); }
