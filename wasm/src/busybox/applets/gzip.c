/*
 * gzip [-cfkdt123456789] [FILE...], gunzip [-cfkt] [FILE...], zcat [FILE...]:
 * FILE becomes FILE.gz (and back), keeping its mode; without files (or
 * with -c) data goes from stdin/files to stdout.
 */
#include "../gzip.h"
#include "../libbb.h"

enum { OPT_c = 1, OPT_f = 2, OPT_k = 4, OPT_d = 8, OPT_t = 16, OPT_v = 32, OPT_n = 64, OPT_q = 128 };

static int read_all(int fd, struct outbuf *buf) {
  static uint8_t chunk[65536];
  ssize_t n;
  while ((n = safe_read(fd, chunk, sizeof chunk)) > 0) outbuf_append(buf, chunk, (size_t)n);
  return n < 0 ? -1 : 0;
}

/* Compresses or decompresses one input; returns 0 or 1 (error). */
static int process(const char *path, unsigned opt, int level, int decompress) {
  int to_stdout = (opt & OPT_c) || strcmp(path, "-") == 0;
  char *outname = 0;
  if (!to_stdout && !(opt & OPT_t)) {
    size_t len = strlen(path);
    if (decompress) {
      if (len > 3 && strcmp(path + len - 3, ".gz") == 0) outname = xstrndup(path, len - 3);
      else if (len > 4 && strcmp(path + len - 4, ".tgz") == 0) outname = xasprintf("%.*s.tar", (int)(len - 4), path);
      else {
        bb_error_msg("%s: unknown suffix - ignored", path);
        return 1;
      }
    } else {
      outname = xasprintf("%s.gz", path);
    }
  }
  int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
  if (fd < 0) {
    bb_perror_msg("%s", path);
    free(outname);
    return 1;
  }
  struct stat st;
  fstat(fd, &st);
  if (fd && S_ISDIR(st.st_mode)) {
    bb_error_msg("%s is a directory -- ignored", path);
    close(fd);
    free(outname);
    return 1;
  }
  struct outbuf in = {0}, out = {0};
  if (read_all(fd, &in) < 0) {
    bb_perror_msg("read error");
    if (fd) close(fd);
    return 1;
  }
  if (fd) close(fd);
  if (decompress) {
    const char *err = 0;
    if (gunzip_buffer(in.data, in.len, &out, &err) < 0) {
      bb_error_msg("%s", err);
      free(outname);
      return 1;
    }
    if (err) bb_error_msg("%s", err);
  } else {
    /* No name and no time in the header, as BusyBox writes it. */
    gzip_buffer(in.data, in.len, 0, level, &out);
  }
  free(in.data);
  if (opt & OPT_t) {
    free(out.data);
    return 0;
  }
  if (to_stdout) {
    if (!decompress && isatty(1) && !(opt & OPT_f)) {
      bb_error_msg_and_die("compressed data not written to a terminal. Use -f to force compression.");
    }
    fflush(stdout);
    if (full_write(1, out.data, out.len) != (ssize_t)out.len) bb_perror_msg_and_die("write error");
    free(out.data);
    return 0;
  }
  struct stat exists;
  if (lstat(outname, &exists) == 0) {
    if (!(opt & OPT_f)) {
      errno = EEXIST;
      bb_perror_msg("can't open '%s'", outname);
      free(outname);
      free(out.data);
      return 1;
    }
    unlink(outname);
  }
  int ofd = open(outname, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (ofd < 0) {
    bb_perror_cant_open(outname);
    free(outname);
    free(out.data);
    return 1;
  }
  if (full_write(ofd, out.data, out.len) != (ssize_t)out.len) {
    bb_perror_msg("write error");
    close(ofd);
    unlink(outname);
    return 1;
  }
  free(out.data);
  /* The new file gets the original's mode (not its times, as BusyBox). */
  fchmod(ofd, st.st_mode & 07777);
  close(ofd);
  if (!(opt & OPT_k) && unlink(path) < 0) bb_perror_msg("can't remove '%s'", path);
  free(outname);
  return 0;
}

static int gzip_common(int argc, char **argv, int decompress) {
  /* Levels -1..-9 are options too. */
  int level = 6;
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] >= '1' && argv[i][1] <= '9' && !argv[i][2]) {
      level = argv[i][1] - '0';
      argv[i] = "-n";
    }
  }
  static const bb_longopt longopts[] = {{"stdout", 0, 'c'}, {"to-stdout", 0, 'c'}, {"force", 0, 'f'}, {"keep", 0, 'k'},
                                        {"decompress", 0, 'd'}, {"uncompress", 0, 'd'}, {"test", 0, 't'},
                                        {"verbose", 0, 'v'}, {"quiet", 0, 'q'}, {"best", 0, 0x80}, {"fast", 0, 0x81},
                                        {0, 0, 0}};
  unsigned opt = getopt32long(argv, "cfkdtvnq\x80\x81", longopts);
  if (opt & 0x100) level = 9;
  if (opt & 0x200) level = 1;
  if (opt & OPT_d) decompress = 1;
  if (strcmp(applet_name, "zcat") == 0) opt |= OPT_c;
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int status = 0;
  for (; *argv; argv++) status |= process(*argv, opt, level, decompress);
  return status;
}

int gzip_main(int argc, char **argv) { return gzip_common(argc, argv, 0); }
int gunzip_main(int argc, char **argv) { return gzip_common(argc, argv, 1); }
int zcat_main(int argc, char **argv) { return gzip_common(argc, argv, 1); }
