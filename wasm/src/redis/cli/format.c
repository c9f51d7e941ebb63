/* redis-cli's two output formats (cliFormatReplyTTY and cliFormatReplyRaw). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void format_tty(buf_t *out, const reply *r, const char *prefix) {
  switch (r->type) {
    case REPLY_ERROR:
      buf_puts(out, "(error) ");
      buf_append(out, r->str, r->len);
      buf_puts(out, "\n");
      break;
    case REPLY_STATUS:
      buf_append(out, r->str, r->len);
      buf_puts(out, "\n");
      break;
    case REPLY_INTEGER:
      buf_printf(out, "(integer) %lld\n", r->integer);
      break;
    case REPLY_STRING:
      buf_repr(out, r->str, r->len);
      buf_puts(out, "\n");
      break;
    case REPLY_NIL:
      buf_puts(out, "(nil)\n");
      break;
    case REPLY_ARRAY: {
      if (r->elements == 0) {
        buf_puts(out, "(empty array)\n");
        break;
      }
      /* indices are right-aligned to the widest; nested arrays indent by that width + 2 */
      int width = 0;
      for (size_t i = r->elements; i; i /= 10) width++;
      char nested[256];
      snprintf(nested, sizeof nested, "%s%*s", prefix, width + 2, "");
      for (size_t i = 0; i < r->elements; i++) {
        buf_printf(out, "%s%*zu) ", i == 0 ? "" : prefix, width, i + 1);
        format_tty(out, r->element[i], nested);
      }
      break;
    }
  }
}

void format_raw(buf_t *out, const reply *r) {
  switch (r->type) {
    case REPLY_ERROR:
      buf_append(out, r->str, r->len);
      buf_puts(out, "\n");
      break;
    case REPLY_STATUS:
    case REPLY_STRING:
      buf_append(out, r->str, r->len);
      break;
    case REPLY_INTEGER:
      buf_printf(out, "%lld", r->integer);
      break;
    case REPLY_NIL:
      break;
    case REPLY_ARRAY:
      for (size_t i = 0; i < r->elements; i++) {
        if (i > 0) buf_puts(out, "\n");
        format_raw(out, r->element[i]);
      }
      break;
  }
}
