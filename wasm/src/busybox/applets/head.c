/*
 * head [-n [-]N[bkm]] [-c [-]N[bkm]] [-qv] [FILE...]: the first N lines or
 * bytes, or everything but the last N (negative counts). "-N" is "-n N".
 * With several files each gets a "==> FILE <==" header.
 */
#include "../libbb.h"

/* Rewrites the obsolete "-N" into "-n N". */
static char **fix_obsolete(int *argc, char **argv) {
  if (argv[1] && argv[1][0] == '-' && bb_isdigit((unsigned char)argv[1][1])) {
    char **n = xmalloc(sizeof(char *) * (size_t)(*argc + 2));
    n[0] = argv[0];
    n[1] = "-n";
    n[2] = argv[1] + 1;
    memcpy(n + 3, argv + 2, sizeof(char *) * (size_t)(*argc - 1));
    (*argc)++;
    return n;
  }
  return argv;
}

static int head_stream(FILE *f, int bytes, int all_but, unsigned long long count) {
  if (!all_but) {
    if (bytes) {
      static char buf[65536];
      while (count > 0) {
        size_t want = count < sizeof buf ? (size_t)count : sizeof buf;
        size_t n = fread(buf, 1, want, f);
        if (n == 0) break;
        fwrite(buf, 1, n, stdout);
        count -= n;
      }
    } else {
      int c;
      while (count > 0 && (c = getc(f)) != EOF) {
        putchar(c);
        if (c == '\n') count--;
      }
    }
    return ferror(f) ? -1 : 0;
  }
  /* All but the last `count`: read everything, then print the prefix. */
  strbuf sb = {0};
  static char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_append(&sb, buf, n);
  size_t end = sb.len;
  if (bytes) {
    end = count >= sb.len ? 0 : sb.len - (size_t)count;
  } else {
    /* Walk back over `count` lines (a last line without '\n' counts as one). */
    size_t pos = sb.len;
    unsigned long long lines = 0;
    if (pos > 0 && sb.data[pos - 1] != '\n') {
      lines = 1;
      while (pos > 0 && sb.data[pos - 1] != '\n') pos--;
    }
    while (lines < count && pos > 0) {
      pos--; /* the '\n' ending this line */
      while (pos > 0 && sb.data[pos - 1] != '\n') pos--;
      lines++;
    }
    end = lines < count ? 0 : pos;
  }
  fwrite(sb.data, 1, end, stdout);
  free(sb.data);
  return ferror(f) ? -1 : 0;
}

int head_main(int argc, char **argv) {
  argv = fix_obsolete(&argc, argv);
  char *lines = 0, *bytes = 0;
  unsigned opt = getopt32(argv, "n:c:qv", &lines, &bytes);
  /* The last of -n/-c wins. */
  int use_bytes = getopt32_seq[1] > getopt32_seq[0];
  const char *count_str = use_bytes ? bytes : (lines ? lines : "10");
  int all_but = 0;
  if (*count_str == '-') {
    all_but = 1;
    count_str++;
  } else if (*count_str == '+') {
    count_str++;
  }
  unsigned long long count = xatoull_sfx(count_str, bkm_suffixes);
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int headers = (opt & 8) || (argv[1] && !(opt & 4));
  int status = 0;
  const char *sep = "";
  for (; *argv; argv++) {
    FILE *f = fopen_or_warn_stdin(*argv);
    if (!f) {
      status = 1;
      continue;
    }
    if (headers) {
      printf("%s==> %s <==\n", sep, strcmp(*argv, "-") == 0 ? "standard input" : *argv);
      sep = "\n";
    }
    if (head_stream(f, use_bytes, all_but, count) < 0) {
      bb_perror_msg("%s", *argv);
      status = 1;
    }
    fclose_if_not_stdin(f);
  }
  if (fflush_all()) return 1;
  return status;
}
