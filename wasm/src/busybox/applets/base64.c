/* base64 [-d] [-w COL] [FILE]: encodes (lines of 76 columns, -w 0: one line) or decodes (-d). */
#include "../libbb.h"

static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_main(int argc, char **argv) {
  char *wrap_str = 0;
  unsigned opt = getopt32(argv, "dw:", &wrap_str);
  argv += optind;
  if (argv[0] && argv[1]) bb_show_usage();
  int fd = argv[0] ? xopen(argv[0], O_RDONLY) : 0;
  size_t len;
  char *data;
  {
    strbuf sb = {0};
    static char buf[65536];
    ssize_t n;
    while ((n = safe_read(fd, buf, sizeof buf)) > 0) sb_append(&sb, buf, (size_t)n);
    if (n < 0) bb_perror_msg_and_die("read error");
    data = sb_str(&sb);
    len = sb.len;
  }
  if (opt & 1) {
    strbuf out = {0};
    unsigned acc = 0;
    int bits = 0;
    int pad = 0;
    for (size_t i = 0; i < len; i++) {
      unsigned char c = (unsigned char)data[i];
      if (c == '\n' || c == '\r') continue;
      if (c == '=') {
        pad = 1;
        continue;
      }
      const char *p = strchr(table, c);
      if (!p || !c) {
        fwrite(out.data ? out.data : "", 1, out.len, stdout);
        fflush_all();
        bb_error_msg_and_die("invalid input");
      }
      if (pad) {
        /* Data after padding starts a new group (concatenated encodings). */
        acc = 0;
        bits = 0;
        pad = 0;
      }
      acc = (acc << 6) | (unsigned)(p - table);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        sb_putc(&out, (char)((acc >> bits) & 0xff));
      }
    }
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    if (bits >= 6 && !pad) {
      fflush_all();
      bb_error_msg_and_die("truncated input");
    }
    return fflush_all();
  }
  long wrap = wrap_str ? (long)xatoull(wrap_str) : 76;
  long col = 0;
  for (size_t i = 0; i < len; i += 3) {
    unsigned v = (unsigned char)data[i] << 16;
    if (i + 1 < len) v |= (unsigned char)data[i + 1] << 8;
    if (i + 2 < len) v |= (unsigned char)data[i + 2];
    char q[4] = {table[(v >> 18) & 63], table[(v >> 12) & 63], i + 1 < len ? table[(v >> 6) & 63] : '=',
                 i + 2 < len ? table[v & 63] : '='};
    for (int k = 0; k < 4; k++) {
      if (wrap && col == wrap) {
        putchar('\n');
        col = 0;
      }
      putchar(q[k]);
      col++;
    }
  }
  /* Empty input gives empty output. */
  if (col) putchar('\n');
  return fflush_all();
}
