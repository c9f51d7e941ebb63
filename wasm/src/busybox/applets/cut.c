/*
 * cut -b LIST | -c LIST | -f LIST [-d SEP] [-O SEP] [-s] [-D] [FILE...]
 * LIST: N, N-M, N-, -M, separated by commas; ranges are sorted and merged
 * unless -D. Lines without the delimiter are printed whole with -f unless -s.
 */
#include "../libbb.h"

struct range {
  unsigned long start, end; /* 0-based, inclusive; end ULONG_MAX = to the end */
};

static struct range *ranges;
static size_t nranges;

static int range_cmp(const void *a, const void *b) {
  const struct range *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

static void parse_list(char *list, int nosort) {
  for (char *tok = strtok(list, ","); tok; tok = strtok(0, ",")) {
    struct range r;
    char *dash = strchr(tok, '-');
    if (dash) *dash = 0;
    if (!*tok) {
      r.start = 0;
    } else {
      r.start = (unsigned long)xatoi_positive(tok);
      if (r.start) r.start--;
    }
    if (!dash) {
      r.end = r.start;
    } else if (!dash[1]) {
      r.end = ULONG_MAX;
    } else {
      r.end = (unsigned long)xatoi_positive(dash + 1);
      if (r.end == 0) bb_error_msg_and_die("invalid range %s-%s", tok, dash + 1);
      r.end--;
      if (r.end < r.start) bb_error_msg_and_die("invalid range %s-%s", tok, dash + 1);
    }
    if (!*tok && !dash) bb_error_msg_and_die("invalid byte or field list");
    ranges = xrealloc(ranges, sizeof *ranges * (nranges + 1));
    ranges[nranges++] = r;
  }
  if (nranges == 0) bb_error_msg_and_die("missing list of positions");
  if (!nosort) qsort(ranges, nranges, sizeof *ranges, range_cmp);
}

/* -b/-c: whether position i is in a range. */
static int selected(unsigned long i) {
  for (size_t k = 0; k < nranges; k++) {
    if (i >= ranges[k].start && i <= ranges[k].end) return 1;
  }
  return 0;
}

int cut_main(int argc, char **argv) {
  char *blist = 0, *clist = 0, *delim = 0, *flist = 0, *Flist = 0, *odelim = 0;
  unsigned opt = getopt32(argv, "b:c:d:f:F:O:sDn", &blist, &clist, &delim, &flist, &Flist, &odelim);
  enum { S = 64, DD = 128 };
  char *list = blist ? blist : clist ? clist : flist ? flist : Flist;
  if (!list) bb_error_msg_and_die("expected a list of bytes, characters, or fields");
  if ((blist != 0) + (clist != 0) + (flist != 0) + (Flist != 0) > 1) bb_error_msg_and_die("only one list may be specified");
  int fields = flist || Flist;
  if (delim && !fields) bb_error_msg_and_die("-d DELIM makes sense only with -f or -F");
  if ((opt & S) && !fields) bb_error_msg_and_die("-s makes sense only with -f or -F");
  char d = '\t';
  if (delim) {
    if (Flist == 0 && strlen(delim) > 1) bb_error_msg_and_die("the delimiter must be a single character");
    d = delim[0] ? delim[0] : '\n';
  }
  const char *out_delim = odelim;
  char dbuf[2] = {d, 0};
  if (!out_delim) out_delim = Flist ? " " : dbuf;
  list = xstrdup(list);
  parse_list(list, (opt & DD) != 0);
  argv += optind;
  char *stdin_only[] = {"-", 0};
  if (!argv[0]) argv = stdin_only;
  int status = 0;
  char *line = 0;
  size_t cap = 0;
  for (; *argv; argv++) {
    FILE *f = fopen_or_warn_stdin(*argv);
    if (!f) {
      status = 1;
      continue;
    }
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
      size_t len = (size_t)n;
      if (len && line[len - 1] == '\n') line[--len] = 0;
      if (!fields) {
        if (opt & DD) {
          for (size_t k = 0; k < nranges; k++) {
            for (unsigned long i = ranges[k].start; i <= ranges[k].end && i < len; i++) putchar(line[i]);
          }
        } else {
          for (size_t i = 0; i < len; i++) {
            if (selected(i)) putchar(line[i]);
          }
        }
        putchar('\n');
        continue;
      }
      /* Split into fields. */
      const char **starts = 0;
      size_t *lens = 0;
      size_t nf = 0;
      size_t i = 0;
      int has_delim = 0;
      if (Flist) {
        /* -F: runs of whitespace separate fields (leading whitespace ignored). */
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        while (i < len) {
          size_t s = i;
          while (i < len && line[i] != ' ' && line[i] != '\t') i++;
          starts = xrealloc(starts, sizeof *starts * (nf + 1));
          lens = xrealloc(lens, sizeof *lens * (nf + 1));
          starts[nf] = line + s;
          lens[nf++] = i - s;
          if (i < len) has_delim = 1;
          while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        }
      } else {
        for (;;) {
          size_t s = i;
          while (i < len && line[i] != d) i++;
          starts = xrealloc(starts, sizeof *starts * (nf + 1));
          lens = xrealloc(lens, sizeof *lens * (nf + 1));
          starts[nf] = line + s;
          lens[nf++] = i - s;
          if (i >= len) break;
          has_delim = 1;
          i++;
        }
      }
      if (!has_delim) {
        if (!(opt & S)) {
          fwrite(line, 1, len, stdout);
          putchar('\n');
        }
        free(starts);
        free(lens);
        continue;
      }
      /*
       * BusyBox's field walk: ranges in order, scanning forward through the
       * line; every range after the first starts with a delimiter, even when
       * it selects nothing ("d:e" with -f1,3 prints "d:").
       */
      size_t next = 0;
      for (size_t k = 0; k < nranges; k++) {
        if (opt & DD) next = 0;
        if (k > 0) fputs(out_delim, stdout);
        unsigned long from = ranges[k].start > next ? ranges[k].start : next;
        for (unsigned long fi = from; fi <= ranges[k].end && fi < nf; fi++) {
          if (fi > from) fputs(out_delim, stdout);
          fwrite(starts[fi], 1, lens[fi], stdout);
          next = fi + 1;
        }
      }
      putchar('\n');
      free(starts);
      free(lens);
    }
    fclose_if_not_stdin(f);
  }
  if (fflush_all()) return 1;
  return status;
}
