/* yes [STRING...]: prints the strings (or "y") forever, until the reader goes away (SIGPIPE). */
#include "../libbb.h"

int yes_main(int argc, char **argv) {
  strbuf line = {0};
  if (argc < 2) {
    sb_puts(&line, "y");
  } else {
    for (int i = 1; i < argc; i++) {
      if (i > 1) sb_putc(&line, ' ');
      sb_puts(&line, argv[i]);
    }
  }
  sb_putc(&line, '\n');
  /* Fill a buffer with whole lines so each write is big. */
  strbuf block = {0};
  while (block.len < 8192) sb_append(&block, line.data, line.len);
  for (;;) {
    if (full_write(1, block.data, block.len) < 0) return 1;
  }
}
