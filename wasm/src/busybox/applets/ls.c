/*
 * ls [-1AaCxdLHRFplinshrSXvctu] [-w WIDTH] [--full-time] [--color[=WHEN]]
 *    [--group-directories-first] [FILE...]
 *
 * BusyBox's ls: one name per line unless stdout is a terminal (then columns
 * as wide as the terminal) or -C/-x; -l prints BusyBox's long format
 * ("%-10s %4lu %-8.8s %-8.8s %9llu MMM DD HH:MM NAME"); files named on the
 * command line are listed before directories; colours only with --color.
 */
#include <sys/ioctl.h>
#include "../libbb.h"

enum {
  OPT_1 = 1 << 0,
  OPT_A = 1 << 1,
  OPT_a = 1 << 2,
  OPT_C = 1 << 3,
  OPT_x = 1 << 4,
  OPT_d = 1 << 5,
  OPT_L = 1 << 6,
  OPT_H = 1 << 7,
  OPT_R = 1 << 8,
  OPT_F = 1 << 9,
  OPT_p = 1 << 10,
  OPT_l = 1 << 11,
  OPT_i = 1 << 12,
  OPT_n = 1 << 13,
  OPT_s = 1 << 14,
  OPT_h = 1 << 15,
  OPT_r = 1 << 16,
  OPT_S = 1 << 17,
  OPT_X = 1 << 18,
  OPT_v = 1 << 19,
  OPT_c = 1 << 20,
  OPT_t = 1 << 21,
  OPT_u = 1 << 22,
  OPT_w = 1 << 23,
  OPT_g = 1 << 24,
  OPT_full_time = 1 << 25,
  OPT_group_dirs = 1 << 26,
  OPT_color = 1 << 27,
};

struct dnode {
  char *name;     /* as displayed */
  char *fullname; /* path to stat */
  struct stat st;
  int is_cmdline;
};

static unsigned opt;
static unsigned term_width = 80;
static int use_color;
static int status;
static time_t now;

static time_t when(const struct stat *st) {
  if (opt & OPT_c) return st->st_ctime;
  if (opt & OPT_u) return st->st_atime;
  return st->st_mtime;
}

static char indicator(mode_t mode) {
  if (S_ISDIR(mode)) return '/';
  if (!(opt & OPT_F)) return 0;
  if (S_ISLNK(mode)) return '@';
  if (S_ISFIFO(mode)) return '|';
  if (S_ISSOCK(mode)) return '=';
  if (S_ISREG(mode) && (mode & 0111)) return '*';
  return 0;
}

static unsigned name_len(const struct dnode *dn) {
  unsigned len = (unsigned)strlen(dn->name);
  if ((opt & (OPT_F | OPT_p)) && indicator(dn->st.st_mode)) len++;
  return len;
}

static const char *color_of(const struct dnode *dn) {
  mode_t m = dn->st.st_mode;
  if (S_ISDIR(m)) return "1;34";
  if (S_ISLNK(m)) return "1;36"; /* broken or not; a broken link's target is shown in red */
  if (S_ISFIFO(m)) return "0;33";
  if (S_ISSOCK(m)) return "1;35";
  if (S_ISCHR(m) || S_ISBLK(m)) return "1;33";
  if (m & 0111) return "1;32";
  return "0;0";
}

/* Prints one entry; returns the number of columns used. */
static unsigned display_single(const struct dnode *dn) {
  unsigned column = 0;
  const struct stat *st = &dn->st;
  if (opt & OPT_i) column += (unsigned)printf("%7llu ", (unsigned long long)st->st_ino);
  if (opt & OPT_s) column += (unsigned)printf("%6llu ", (unsigned long long)(st->st_blocks >> 1));
  if (opt & OPT_l) {
    column += (unsigned)printf("%-10s ", bb_mode_string(st->st_mode));
    column += (unsigned)printf("%4lu ", (unsigned long)st->st_nlink);
    if (opt & OPT_n) {
      if (opt & OPT_g) column += (unsigned)printf("%-8u ", (unsigned)st->st_gid);
      else column += (unsigned)printf("%-8u %-8u ", (unsigned)st->st_uid, (unsigned)st->st_gid);
    } else {
      if (!(opt & OPT_g)) column += (unsigned)printf("%-8.8s ", uid_name(st->st_uid));
      column += (unsigned)printf("%-8.8s ", gid_name(st->st_gid));
    }
    if (S_ISBLK(st->st_mode) || S_ISCHR(st->st_mode)) {
      column += (unsigned)printf("%4u, %3u ", (unsigned)((st->st_rdev >> 8) & 0xfff),
                                 (unsigned)((st->st_rdev & 0xff) | ((st->st_rdev >> 12) & 0xfff00)));
    } else if (opt & OPT_h) {
      column += (unsigned)printf("%7s ", make_human_readable_str((unsigned long long)st->st_size, 1, 0));
    } else {
      column += (unsigned)printf("%9llu ", (unsigned long long)st->st_size);
    }
    time_t t = when(st);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[64];
    if (opt & OPT_full_time) {
      strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000", &tm);
      column += (unsigned)printf("%s ", buf);
    } else {
      time_t age = now - t;
      if (age < 3600L * 24 * 365 / 2 && age > -15 * 60) strftime(buf, sizeof buf, "%b %e %H:%M", &tm);
      else strftime(buf, sizeof buf, "%b %e  %Y", &tm);
      column += (unsigned)printf("%s ", buf);
    }
  }
  if (use_color) printf("\033[%sm", color_of(dn));
  column += (unsigned)printf("%s", dn->name);
  if (use_color) printf("\033[m");
  if ((opt & (OPT_F | OPT_p)) && indicator(st->st_mode)) {
    putchar(indicator(st->st_mode));
    column++;
  }
  if ((opt & OPT_l) && S_ISLNK(st->st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlink(dn->fullname, target, sizeof target - 1);
    if (n >= 0) {
      target[n] = 0;
      printf(" -> ");
      if (use_color) {
        struct stat ts;
        struct dnode t = {target, dn->fullname, {0}, 0};
        if (stat(dn->fullname, &ts) == 0) t.st = ts;
        printf("\033[%sm%s\033[m", stat(dn->fullname, &ts) == 0 ? color_of(&t) : "1;31", target);
      } else {
        fputs(target, stdout);
      }
      if ((opt & OPT_F)) {
        struct stat ts;
        if (stat(dn->fullname, &ts) == 0 && indicator(ts.st_mode)) putchar(indicator(ts.st_mode));
      }
      column += 4 + (unsigned)n;
    }
  }
  return column;
}

static void showfiles(struct dnode **dn, unsigned nfiles) {
  unsigned ncols, nrows, column_width = 0;
  if (opt & (OPT_l | OPT_1)) {
    ncols = 1;
  } else {
    for (unsigned i = 0; i < nfiles; i++) {
      unsigned len = name_len(dn[i]);
      if (column_width < len) column_width = len;
    }
    column_width += 2 + ((opt & OPT_i) ? 8 : 0) + ((opt & OPT_s) ? 5 : 0);
    ncols = term_width / column_width;
  }
  if (ncols > 1) {
    nrows = nfiles / ncols;
    if (nrows * ncols < nfiles) nrows++;
  } else {
    nrows = nfiles;
    ncols = 1;
  }
  for (unsigned row = 0; row < nrows; row++) {
    unsigned column = 0, nexttab = 0;
    for (unsigned nc = 0; nc < ncols; nc++) {
      unsigned i = (opt & OPT_x) ? row * ncols + nc : nc * nrows + row;
      if (i >= nfiles) continue;
      if (column > 0) {
        nexttab -= column;
        printf("%*s", (int)nexttab, "");
        column += nexttab;
      }
      nexttab = column + column_width;
      column += display_single(dn[i]);
    }
    putchar('\n');
  }
}

static const char *extension(const char *name) {
  const char *dot = strrchr(name, '.');
  return dot ? dot : "";
}

static int compare(const void *a, const void *b) {
  const struct dnode *x = *(struct dnode *const *)a, *y = *(struct dnode *const *)b;
  long long dif = 0;
  if (opt & OPT_group_dirs) {
    dif = (long long)S_ISDIR(y->st.st_mode) - (long long)S_ISDIR(x->st.st_mode);
  }
  if (dif == 0) {
    if (opt & OPT_S) {
      dif = (long long)y->st.st_size - (long long)x->st.st_size;
    } else if (opt & OPT_t) {
      dif = (long long)when(&y->st) - (long long)when(&x->st);
    } else if (opt & OPT_X) {
      dif = strcmp(extension(x->name), extension(y->name));
    } else if (opt & OPT_v) {
      dif = strverscmp(x->name, y->name);
    }
  }
  if (dif == 0) dif = strcmp(x->name, y->name);
  if (opt & OPT_r) dif = -dif;
  return dif < 0 ? -1 : dif > 0;
}

static void sort_nodes(struct dnode **dn, unsigned n) { qsort(dn, n, sizeof *dn, compare); }

static struct dnode *new_node(const char *name, const char *fullname, int follow) {
  struct dnode *dn = xzalloc(sizeof *dn);
  dn->name = xstrdup(name);
  dn->fullname = xstrdup(fullname);
  int ok = follow ? stat(fullname, &dn->st) : -1;
  if (ok < 0 && lstat(fullname, &dn->st) < 0) {
    bb_perror_msg("%s", fullname);
    status = 1;
    free(dn->name);
    free(dn->fullname);
    free(dn);
    return 0;
  }
  return dn;
}

static void free_nodes(struct dnode **dn, unsigned n) {
  for (unsigned i = 0; i < n; i++) {
    free(dn[i]->name);
    free(dn[i]->fullname);
    free(dn[i]);
  }
  free(dn);
}

static void list_dir(const char *path, int show_header, int *printed_something);

static void print_total(struct dnode **dn, unsigned n) {
  unsigned long long blocks = 0;
  for (unsigned i = 0; i < n; i++) blocks += (unsigned long long)dn[i]->st.st_blocks;
  if (opt & OPT_h) printf("total %-7s\n", make_human_readable_str((blocks >> 1) * 1024, 0, 0));
  else printf("total %llu\n", blocks >> 1);
}

static void list_dir(const char *path, int show_header, int *printed_something) {
  if (show_header) {
    if (*printed_something) putchar('\n');
    printf("%s:\n", path);
  }
  *printed_something = 1;
  DIR *d = opendir(path);
  if (!d) {
    bb_perror_msg("can't open '%s'", path);
    status = 1;
    return;
  }
  unsigned n = 0, cap = 16;
  struct dnode **dn = xmalloc(sizeof *dn * cap);
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *name = e->d_name;
    if (name[0] == '.') {
      if (!(opt & (OPT_a | OPT_A))) continue;
      if (!(opt & OPT_a) && is_dot_or_dotdot(name)) continue;
    }
    char *full = concat_path_file(path, name);
    struct dnode *node = new_node(name, full, (opt & OPT_L) != 0);
    free(full);
    if (!node) continue;
    if (n == cap) dn = xrealloc(dn, sizeof *dn * (cap *= 2));
    dn[n++] = node;
  }
  closedir(d);
  sort_nodes(dn, n);
  if (opt & (OPT_l | OPT_s)) print_total(dn, n);
  showfiles(dn, n);
  if (opt & OPT_R) {
    for (unsigned i = 0; i < n; i++) {
      if (S_ISDIR(dn[i]->st.st_mode) && !is_dot_or_dotdot(dn[i]->name)) list_dir(dn[i]->fullname, 1, printed_something);
    }
  }
  free_nodes(dn, n);
}

int ls_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {
      {"full-time", 0, 0x80}, {"group-directories-first", 0, 0x81}, {"color", 2, 0x82}, {0, 0, 0}};
  char *width = 0;
  opt = getopt32long(argv, "1AaCxdLHRFplinshrSXvctuw:g\x80\x81\x82", longopts, &width);
  now = time(0);
  if (opt & OPT_full_time) opt |= OPT_l;
  if (opt & OPT_g) opt |= OPT_l;
  if (opt & OPT_n) opt |= OPT_l;
  if (opt & OPT_color) {
    const char *when_arg = bb_longopt_arg[27 & 7];
    if (!when_arg || strcmp(when_arg, "always") == 0 || strcmp(when_arg, "yes") == 0 || strcmp(when_arg, "force") == 0) {
      use_color = 1;
    } else if (strcmp(when_arg, "auto") == 0 || strcmp(when_arg, "tty") == 0 || strcmp(when_arg, "if-tty") == 0) {
      use_color = isatty(1);
    }
  }
  int tty = isatty(1);
  if (tty) {
    struct winsize ws;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) term_width = ws.ws_col;
  }
  if (width) term_width = xatou(width);
  /* Columns on a terminal (or with -C/-x), one per line otherwise. */
  if (!(opt & (OPT_C | OPT_x)) && !tty) opt |= OPT_1;
  if (opt & (OPT_C | OPT_x)) opt &= ~(unsigned)OPT_1;
  argv += optind;
  char *dot[] = {".", 0};
  if (!argv[0]) argv = dot;
  int follow_cmdline = (opt & (OPT_L | OPT_H)) || !(opt & (OPT_l | OPT_d | OPT_F));
  unsigned nargs = (unsigned)argc_of(argv);
  struct dnode **files = xmalloc(sizeof *files * (nargs + 1));
  struct dnode **dirs = xmalloc(sizeof *dirs * (nargs + 1));
  unsigned nfiles = 0, ndirs = 0;
  for (unsigned i = 0; i < nargs; i++) {
    struct dnode *dn = new_node(argv[i], argv[i], follow_cmdline);
    if (!dn) continue;
    dn->is_cmdline = 1;
    if (S_ISDIR(dn->st.st_mode) && !(opt & OPT_d)) dirs[ndirs++] = dn;
    else files[nfiles++] = dn;
  }
  int printed = 0;
  if (nfiles) {
    sort_nodes(files, nfiles);
    showfiles(files, nfiles);
    printed = 1;
  }
  sort_nodes(dirs, ndirs);
  int headers = nargs > 1 || (opt & OPT_R);
  for (unsigned i = 0; i < ndirs; i++) list_dir(dirs[i]->fullname, headers, &printed);
  if (fflush_all()) return 1;
  return status;
}
