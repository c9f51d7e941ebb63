/*
 * echo [-neE] [ARG...]: BusyBox's echo. Options are recognised only while an
 * argument consists of '-' and the letters n, e, E; "--" is printed. With -e,
 * backslash escapes are expanded (\c stops all output; \0NNN and \NNN are octal).
 */
#include "../libbb.h"

int echo_main(int argc, char **argv) {
  int newline = 1, escapes = 0;
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || !a[1] || strspn(a + 1, "neE") != strlen(a + 1)) break;
    for (const char *p = a + 1; *p; p++) {
      if (*p == 'n') newline = 0;
      else if (*p == 'e') escapes = 1;
      else escapes = 0;
    }
  }
  strbuf out = {0};
  for (int first = 1; i < argc; i++, first = 0) {
    if (!first) sb_putc(&out, ' ');
    const char *p = argv[i];
    if (!escapes) {
      sb_puts(&out, p);
      continue;
    }
    while (*p) {
      if (*p != '\\' || !p[1]) {
        sb_putc(&out, *p++);
        continue;
      }
      p++;
      if (*p == 'c') {
        fwrite(out.data, 1, out.len, stdout);
        return fflush_all();
      }
      if (*p == '0' && p[1] >= '0' && p[1] <= '7') p++;
      else if (*p == '0') {
        sb_putc(&out, 0);
        p++;
        continue;
      }
      const char *before = p;
      int c = bb_process_escape_sequence(&p);
      /* Unknown escapes (p did not move) keep the backslash and the character. */
      sb_putc(&out, p == before ? '\\' : (char)c);
    }
  }
  if (newline) sb_putc(&out, '\n');
  if (out.len) fwrite(out.data, 1, out.len, stdout);
  return fflush_all();
}
