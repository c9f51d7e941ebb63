/*
 * tr [-cds] STRING1 [STRING2]: translates, deletes (-d) or squeezes (-s)
 * characters. Strings take backslash escapes, ranges (a-z), classes
 * ([:alpha:]...) and [=c=]; STRING2 is padded with its last character; -c
 * complements STRING1. "[" is otherwise an ordinary character, as in BusyBox.
 */
#include <ctype.h>
#include "../libbb.h"

static size_t expand(const char *arg, unsigned char *buf) {
  size_t pos = 0;
  while (*arg) {
    if (*arg == '\\') {
      arg++;
      if (!*arg) {
        buf[pos++] = '\\';
        break;
      }
      const char *before = arg;
      int c = bb_process_escape_sequence(&arg);
      if (arg == before) {
        c = (unsigned char)*arg++;
      }
      buf[pos++] = (unsigned char)c;
      continue;
    }
    if (arg[1] == '-') {
      unsigned ac = (unsigned char)arg[2];
      if (ac == 0) {
        buf[pos++] = (unsigned char)*arg++;
        continue;
      }
      unsigned i = (unsigned char)*arg;
      arg += 3;
      if (ac == '\\') {
        const char *z = arg;
        ac = (unsigned)bb_process_escape_sequence(&z);
        if (z == arg && *z) ac = (unsigned char)*z++;
        arg = z;
      }
      if (i > ac) bb_error_msg_and_die("range-endpoints of '%c-%c' are in reverse collating sequence order", i, ac);
      while (i <= ac && pos < 4096) buf[pos++] = (unsigned char)i++;
      continue;
    }
    if (*arg == '[') {
      if (arg[1] == ':') {
        const char *end = strstr(arg + 2, ":]");
        if (end) {
          static const char *const names[] = {"alpha", "alnum", "digit", "lower", "upper", "space", "blank",
                                              "punct", "cntrl", "xdigit", "print", "graph"};
          size_t n = (size_t)(end - (arg + 2));
          int k;
          for (k = 0; k < 12; k++) {
            if (strlen(names[k]) == n && strncmp(names[k], arg + 2, n) == 0) break;
          }
          if (k < 12) {
            for (int c = 0; c < 256; c++) {
              int in = 0;
              switch (k) {
                case 0: in = isalpha(c); break;
                case 1: in = isalnum(c); break;
                case 2: in = isdigit(c); break;
                case 3: in = islower(c); break;
                case 4: in = isupper(c); break;
                case 5: in = isspace(c); break;
                case 6: in = c == ' ' || c == '\t'; break;
                case 7: in = ispunct(c); break;
                case 8: in = iscntrl(c); break;
                case 9: in = isxdigit(c); break;
                case 10: in = isprint(c); break;
                case 11: in = isgraph(c); break;
              }
              if (in) buf[pos++] = (unsigned char)c;
            }
            arg = end + 2;
            continue;
          }
        }
      } else if (arg[1] == '=' && arg[2] && arg[3] == '=' && arg[4] == ']') {
        buf[pos++] = (unsigned char)arg[2];
        arg += 5;
        continue;
      }
    }
    buf[pos++] = (unsigned char)*arg++;
  }
  return pos;
}

int tr_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "cdsCt");
  enum { C = 1, D = 2, S = 4 };
  if (opt & 8) opt |= C;
  argv += optind;
  if (!argv[0]) bb_show_usage();
  static unsigned char set1[8192], set2[8192];
  size_t n1 = expand(argv[0], set1), n2 = 0;
  if (argv[1]) n2 = expand(argv[1], set2);
  else if (!(opt & (D | S))) bb_show_usage();
  unsigned char in_set1[256] = {0}, in_set2[256] = {0};
  for (size_t i = 0; i < n1; i++) in_set1[set1[i]] = 1;
  if (opt & C) {
    /* The complement, in ascending order. */
    size_t k = 0;
    for (int c = 0; c < 256; c++) {
      if (!in_set1[c]) set1[k++] = (unsigned char)c;
    }
    n1 = k;
    memset(in_set1, 0, sizeof in_set1);
    for (size_t i = 0; i < n1; i++) in_set1[set1[i]] = 1;
  }
  unsigned char map[256];
  for (int c = 0; c < 256; c++) map[c] = (unsigned char)c;
  int translate = argv[1] && !(opt & D);
  if (translate) {
    if (n2 == 0) bb_error_msg_and_die("when not truncating set1, string2 must be non-empty");
    for (size_t i = 0; i < n1; i++) map[set1[i]] = set2[i < n2 ? i : n2 - 1];
  }
  /* The squeeze set: STRING2 when given (after translating or deleting), else STRING1. */
  if (opt & S) {
    if (argv[1]) {
      for (size_t i = 0; i < n2; i++) in_set2[set2[i]] = 1;
    } else {
      memcpy(in_set2, in_set1, sizeof in_set2);
    }
  }
  static unsigned char buf[65536], out[65536];
  ssize_t n;
  int last = -1;
  while ((n = safe_read(0, buf, sizeof buf)) > 0) {
    size_t o = 0;
    for (ssize_t i = 0; i < n; i++) {
      unsigned char c = buf[i];
      if ((opt & D) && in_set1[c]) continue;
      c = map[c];
      if ((opt & S) && in_set2[c] && last == c) continue;
      out[o++] = c;
      last = c;
    }
    if (full_write(1, out, o) != (ssize_t)o) bb_perror_msg_and_die("write error");
  }
  return 0;
}
