/*
 * tar c|x|t [-zvOhmokp] [-f TARFILE] [-C DIR] [-T FILE] [-X FILE]
 *     [--exclude PATTERN] [--strip-components N] [--no-recursion] [--numeric-owner] [FILE...]
 *
 * Archives are GNU-style ustar as BusyBox writes them ("ustar  " magic,
 * user and group names, "././@LongLink" entries for names over 100 bytes)
 * and read with GNU long names and pax "path"/"linkpath"/"size" records.
 * Compressed archives (-z; as BusyBox, not detected without it) go through the
 * in-memory gzip of gzip.h. Extraction strips leading "/" and everything up
 * to the last "/../" (as BusyBox), and never writes through a symlink that
 * the same extraction created.
 */
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include "../gzip.h"
#include "../libbb.h"

enum {
  OPT_c = 1 << 0, OPT_x = 1 << 1, OPT_t = 1 << 2, OPT_z = 1 << 3, OPT_v = 1 << 4, OPT_O = 1 << 5, OPT_h = 1 << 6,
  OPT_m = 1 << 7, OPT_o = 1 << 8, OPT_k = 1 << 9, OPT_p = 1 << 10, OPT_f = 1 << 11, OPT_C = 1 << 12, OPT_T = 1 << 13,
  OPT_X = 1 << 14, OPT_exclude = 1 << 15, OPT_strip = 1 << 16, OPT_norecurse = 1 << 17, OPT_numeric = 1 << 18,
  OPT_overwrite = 1 << 19, OPT_a = 1 << 20, OPT_j = 1 << 21, OPT_J = 1 << 22, OPT_Z = 1 << 23,
};

static unsigned opt;
static llist *excludes;
static int status;
static FILE *verbose_out;

static int excluded(const char *name) {
  const char *base = bb_get_last_path_component_nostrip(name);
  for (llist *e = excludes; e; e = e->next) {
    if (fnmatch(e->data, name, 0) == 0 || fnmatch(e->data, base, 0) == 0) return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- writing */

struct header {
  char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8], typeflag, linkname[100], magic[8],
      uname[32], gname[32], devmajor[8], devminor[8], prefix[155], pad[12];
};
_Static_assert(sizeof(struct header) == 512, "a tar header is 512 bytes");

static void octal(char *field, size_t width, unsigned long long v) {
  /* width-1 digits and a NUL, as BusyBox writes them. */
  snprintf(field, width, "%0*llo", (int)width - 1, v);
}

static void finish_header(struct header *h) {
  memcpy(h->magic, "ustar  ", 8);
  memset(h->chksum, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; i++) sum += ((unsigned char *)h)[i];
  snprintf(h->chksum, 8, "%06o", sum);
  h->chksum[7] = ' ';
}

static void write_long_name(struct outbuf *out, char type, const char *name) {
  struct header h;
  memset(&h, 0, sizeof h);
  strcpy(h.name, "././@LongLink");
  octal(h.mode, 8, 0);
  octal(h.uid, 8, 0);
  octal(h.gid, 8, 0);
  octal(h.size, 12, strlen(name) + 1);
  octal(h.mtime, 12, 0);
  h.typeflag = type;
  finish_header(&h);
  outbuf_append(out, &h, 512);
  size_t n = strlen(name) + 1;
  outbuf_append(out, name, n);
  static const char zeros[512];
  if (n % 512) outbuf_append(out, zeros, 512 - n % 512);
}

struct hardlink {
  dev_t dev;
  ino_t ino;
  char *name;
};
static struct hardlink *links;
static size_t nlinks;

static void add_entry(struct outbuf *out, const char *path, const char *name, int depth);

static void add_dir_contents(struct outbuf *out, const char *path, const char *name, int depth) {
  DIR *d = opendir(path);
  if (!d) {
    bb_perror_msg("can't open '%s'", path);
    status = 1;
    return;
  }
  char **names = 0;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (is_dot_or_dotdot(e->d_name)) continue;
    if (n == cap) names = xrealloc(names, sizeof *names * (cap = cap ? cap * 2 : 16));
    names[n++] = xstrdup(e->d_name);
  }
  closedir(d);
  for (size_t i = 0; i < n; i++) {
    char *cpath = concat_path_file(path, names[i]);
    char *cname = concat_path_file(name, names[i]);
    add_entry(out, cpath, cname, depth + 1);
    free(cpath);
    free(cname);
    free(names[i]);
  }
  free(names);
}

static void add_entry(struct outbuf *out, const char *path, const char *name, int depth) {
  if (excluded(name)) return;
  struct stat st;
  if (((opt & OPT_h) ? stat(path, &st) : lstat(path, &st)) < 0) {
    bb_perror_msg("%s", path);
    status = 1;
    return;
  }
  struct header h;
  memset(&h, 0, sizeof h);
  char *member = xstrdup(name);
  if (S_ISDIR(st.st_mode) && !last_char_is(member, '/')) {
    char *m = xasprintf("%s/", member);
    free(member);
    member = m;
  }
  octal(h.mode, 8, st.st_mode & 07777);
  octal(h.uid, 8, st.st_uid);
  octal(h.gid, 8, st.st_gid);
  octal(h.mtime, 12, (unsigned long long)st.st_mtime);
  octal(h.size, 12, 0);
  if (!(opt & OPT_numeric)) {
    struct passwd *pw = getpwuid(st.st_uid);
    if (pw) snprintf(h.uname, sizeof h.uname, "%s", pw->pw_name);
    struct group *gr = getgrgid(st.st_gid);
    if (gr) snprintf(h.gname, sizeof h.gname, "%s", gr->gr_name);
  }
  char target[PATH_MAX] = "";
  int is_hardlink = 0;
  if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
    for (size_t i = 0; i < nlinks; i++) {
      if (links[i].dev == st.st_dev && links[i].ino == st.st_ino) {
        snprintf(target, sizeof target, "%s", links[i].name);
        is_hardlink = 1;
        break;
      }
    }
    if (!is_hardlink) {
      links = xrealloc(links, sizeof *links * (nlinks + 1));
      links[nlinks++] = (struct hardlink){st.st_dev, st.st_ino, xstrdup(member)};
    }
  }
  int fd = -1;
  if (is_hardlink) {
    h.typeflag = '1';
  } else if (S_ISREG(st.st_mode)) {
    fd = open(path, O_RDONLY);
    if (fd < 0) {
      bb_perror_msg("can't open '%s'", path);
      status = 1;
      free(member);
      return;
    }
    h.typeflag = '0';
    octal(h.size, 12, (unsigned long long)st.st_size);
  } else if (S_ISDIR(st.st_mode)) {
    h.typeflag = '5';
  } else if (S_ISLNK(st.st_mode)) {
    h.typeflag = '2';
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0) {
      bb_perror_msg("can't read link '%s'", path);
      status = 1;
      free(member);
      return;
    }
    target[n] = 0;
  } else if (S_ISFIFO(st.st_mode)) {
    h.typeflag = '6';
  } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    h.typeflag = S_ISCHR(st.st_mode) ? '3' : '4';
    octal(h.devmajor, 8, (st.st_rdev >> 8) & 0xfff);
    octal(h.devminor, 8, (st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00));
  } else {
    bb_error_msg("%s: socket ignored", path);
    free(member);
    return;
  }
  if (strlen(target) > 100) write_long_name(out, 'K', target);
  if (strlen(member) > 100) write_long_name(out, 'L', member);
  strncpy(h.name, member, sizeof h.name);
  strncpy(h.linkname, target, sizeof h.linkname);
  finish_header(&h);
  outbuf_append(out, &h, 512);
  if (opt & OPT_v) fprintf(verbose_out, "%s\n", member);
  if (fd >= 0) {
    static uint8_t buf[65536];
    ssize_t n;
    size_t total = 0;
    while ((n = safe_read(fd, buf, sizeof buf)) > 0 && total < (size_t)st.st_size) {
      size_t take = (size_t)n;
      if (total + take > (size_t)st.st_size) take = (size_t)st.st_size - total;
      outbuf_append(out, buf, take);
      total += take;
    }
    close(fd);
    /* A file that shrank while being read is padded with zeros to its header's size. */
    static const char zeros[512];
    while (total < (size_t)st.st_size) {
      size_t take = (size_t)st.st_size - total > 512 ? 512 : (size_t)st.st_size - total;
      outbuf_append(out, zeros, take);
      total += take;
    }
    if (total % 512) outbuf_append(out, zeros, 512 - total % 512);
  }
  if (S_ISDIR(st.st_mode) && !(opt & OPT_norecurse)) add_dir_contents(out, path, member, depth);
  free(member);
}

/* ---------------------------------------------------------------- reading */

struct entry {
  char *name;
  char *linkname;
  char type;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  unsigned long long size;
  time_t mtime;
  char uname[33], gname[33];
  unsigned major, minor;
  const uint8_t *data;
};

static unsigned long long parse_octal(const char *p, size_t n) {
  /* GNU base-256 for large values. */
  if ((unsigned char)p[0] & 0x80) {
    unsigned long long v = (unsigned char)p[0] & 0x7f;
    for (size_t i = 1; i < n; i++) v = (v << 8) | (unsigned char)p[i];
    return v;
  }
  unsigned long long v = 0;
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == 0)) i++;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) v = v * 8 + (unsigned)(p[i] - '0');
  return v;
}

static int header_ok(const uint8_t *b) {
  unsigned sum = 0;
  int ssum = 0;
  for (int i = 0; i < 512; i++) {
    unsigned char c = (i >= 148 && i < 156) ? ' ' : b[i];
    sum += c;
    ssum += (signed char)c;
  }
  unsigned long long want = parse_octal((const char *)b + 148, 8);
  return want == sum || (long long)want == ssum;
}

/* Strips leading "/" and everything up to the last "/../", warning once (BusyBox's strip_unsafe_prefix). */
static const char *strip_unsafe(const char *s) {
  const char *cp = s;
  for (;;) {
    if (*cp == '/') {
      cp++;
      continue;
    }
    if (strncmp(cp, "../", 3) == 0) {
      cp += 3;
      continue;
    }
    const char *mid = strstr(cp, "/../");
    if (!mid) break;
    cp = mid + 4;
  }
  if (strcmp(cp, "..") == 0) cp += 2;
  if (cp != s) {
    static int warned;
    if (!warned) {
      warned = 1;
      bb_error_msg("removing leading '%.*s' from member names", (int)(cp - s), s);
    }
  }
  return cp;
}

/* Symlinks created by this extraction: nothing is written through them. */
static char **made_links;
static size_t nmade_links;

static int through_made_link(const char *path) {
  for (size_t i = 0; i < nmade_links; i++) {
    size_t n = strlen(made_links[i]);
    if (strncmp(path, made_links[i], n) == 0 && path[n] == '/') return 1;
  }
  return 0;
}

static void make_parents(const char *path) {
  char *copy = xstrdup(path);
  char *slash = strrchr(copy, '/');
  if (slash && slash != copy) {
    *slash = 0;
    struct stat st;
    if (stat(copy, &st) < 0) bb_make_directory(copy, -1, FILEUTILS_RECUR);
  }
  free(copy);
}

static void extract(struct entry *e, const char *name) {
  if (through_made_link(name)) {
    bb_error_msg("%s: refusing to write through a symlink from the archive", name);
    status = 1;
    return;
  }
  make_parents(name);
  struct stat st;
  int exists = lstat(name, &st) == 0;
  if (exists && (opt & OPT_k) && e->type != '5') {
    bb_error_msg("%s: file exists", name);
    return;
  }
  if (exists && e->type != '5' && !(S_ISDIR(st.st_mode) && e->type == '5')) {
    if (S_ISDIR(st.st_mode)) {
      if (rmdir(name) < 0) {
        bb_perror_msg("can't remove old file %s", name);
        status = 1;
        return;
      }
    } else if (unlink(name) < 0) {
      bb_perror_msg("can't remove old file %s", name);
      status = 1;
      return;
    }
  }
  switch (e->type) {
    case '5':
      if (mkdir(name, 0777) < 0 && errno != EEXIST) {
        bb_perror_msg("can't make dir %s", name);
        status = 1;
        return;
      }
      break;
    case '2':
      if (symlink(e->linkname, name) < 0) {
        bb_perror_msg("can't create symlink '%s' to '%s'", name, e->linkname);
        status = 1;
        return;
      }
      made_links = xrealloc(made_links, sizeof *made_links * (nmade_links + 1));
      made_links[nmade_links++] = xstrdup(name);
      return; /* no mode or times for symlinks */
    case '1': {
      const char *target = strip_unsafe(e->linkname);
      if (link(target, name) < 0) {
        bb_perror_msg("can't create hardlink '%s' to '%s'", name, target);
        status = 1;
      }
      return;
    }
    case '3':
    case '4':
    case '6': {
      mode_t type = e->type == '3' ? S_IFCHR : e->type == '4' ? S_IFBLK : S_IFIFO;
      if (mknod(name, type | (e->mode & 07777), ((dev_t)e->major << 8) | e->minor) < 0) {
        bb_perror_msg("can't create node %s", name);
        status = 1;
        return;
      }
      break;
    }
    default: {
      int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
      if (fd < 0) {
        bb_perror_msg("can't open '%s'", name);
        status = 1;
        return;
      }
      if (full_write(fd, e->data, (size_t)e->size) != (ssize_t)e->size) {
        bb_perror_msg("write error");
        status = 1;
      }
      close(fd);
    }
  }
  if (!(opt & OPT_o) && geteuid() == 0) {
    uid_t uid = e->uid;
    gid_t gid = e->gid;
    if (!(opt & OPT_numeric)) {
      struct passwd *pw = e->uname[0] ? getpwnam(e->uname) : 0;
      if (pw) uid = pw->pw_uid;
      struct group *gr = e->gname[0] ? getgrnam(e->gname) : 0;
      if (gr) gid = gr->gr_gid;
    }
    lchown(name, uid, gid);
  }
  mode_t mode = e->mode & 07777;
  if (geteuid() != 0 && !(opt & OPT_p)) {
    mode_t um = umask(0);
    umask(um);
    mode &= ~um;
  }
  chmod(name, mode);
  if (!(opt & OPT_m)) {
    struct timespec times[2] = {{e->mtime, 0}, {e->mtime, 0}};
    utimensat(AT_FDCWD, name, times, 0);
  }
}

static void list(struct entry *e, const char *name) {
  if (!(opt & OPT_v)) {
    puts(name);
    return;
  }
  mode_t type = e->type == '5' ? S_IFDIR : e->type == '2' ? S_IFLNK : e->type == '3' ? S_IFCHR : e->type == '4' ? S_IFBLK
              : e->type == '6' ? S_IFIFO : S_IFREG;
  char owner[80];
  if (e->uname[0] && !(opt & OPT_numeric)) snprintf(owner, sizeof owner, "%s/%s", e->uname, e->gname[0] ? e->gname : "");
  else snprintf(owner, sizeof owner, "%u/%u", (unsigned)e->uid, (unsigned)e->gid);
  struct tm tm;
  gmtime_r(&e->mtime, &tm);
  char when[32];
  strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
  if (e->type == '3' || e->type == '4') {
    printf("%s %s %4u,%4u %s %s", bb_mode_string(type | (e->mode & 07777)), owner, e->major, e->minor, when, name);
  } else {
    printf("%s %s %9llu %s %s", bb_mode_string(type | (e->mode & 07777)), owner, e->size, when, name);
  }
  if (e->type == '2') printf(" -> %s", e->linkname);
  if (e->type == '1') printf(" -> %s", e->linkname);
  putchar('\n');
}

static char *pax_value(const uint8_t *data, size_t size, const char *key) {
  size_t pos = 0;
  while (pos < size) {
    char *end;
    unsigned long len = strtoul((const char *)data + pos, &end, 10);
    if (len == 0 || pos + len > size || *end != ' ') break;
    const char *kv = end + 1;
    const char *eq = memchr(kv, '=', (size_t)(data + pos + len - (const uint8_t *)kv));
    if (eq && (size_t)(eq - kv) == strlen(key) && strncmp(kv, key, strlen(key)) == 0) {
      return xstrndup(eq + 1, (size_t)(data + pos + len - 1 - (const uint8_t *)eq - 1));
    }
    pos += len;
  }
  return 0;
}

static int read_archive(const uint8_t *data, size_t len, char **members, int nmembers, int strip) {
  int *found = xzalloc(sizeof(int) * (size_t)(nmembers + 1));
  size_t pos = 0;
  char *long_name = 0, *long_link = 0;
  unsigned long long pax_size = 0;
  int have_pax_size = 0;
  int zero_blocks = 0;
  while (pos + 512 <= len) {
    const uint8_t *b = data + pos;
    int zero = 1;
    for (int i = 0; i < 512 && zero; i++) zero = b[i] == 0;
    if (zero) {
      pos += 512;
      if (++zero_blocks == 2) break;
      continue;
    }
    zero_blocks = 0;
    if (!header_ok(b)) bb_error_msg_and_die("invalid tar header checksum");
    const struct header *h = (const struct header *)b;
    struct entry e;
    memset(&e, 0, sizeof e);
    e.type = h->typeflag ? h->typeflag : '0';
    e.mode = (mode_t)parse_octal(h->mode, 8);
    e.uid = (uid_t)parse_octal(h->uid, 8);
    e.gid = (gid_t)parse_octal(h->gid, 8);
    e.size = parse_octal(h->size, 12);
    e.mtime = (time_t)parse_octal(h->mtime, 12);
    e.major = (unsigned)parse_octal(h->devmajor, 8);
    e.minor = (unsigned)parse_octal(h->devminor, 8);
    memcpy(e.uname, h->uname, 32);
    memcpy(e.gname, h->gname, 32);
    if (have_pax_size) e.size = pax_size;
    pos += 512;
    if (e.size > len - pos) bb_error_msg_and_die("short read");
    e.data = data + pos;
    size_t padded = (size_t)((e.size + 511) & ~511ULL);
    pos += padded > len - pos ? len - pos : padded;
    if (e.type == 'L' || e.type == 'K') {
      char *s = xstrndup((const char *)e.data, (size_t)e.size);
      if (e.type == 'L') long_name = s;
      else long_link = s;
      continue;
    }
    if (e.type == 'x' || e.type == 'g') {
      if (e.type == 'x') {
        char *p = pax_value(e.data, (size_t)e.size, "path");
        if (p) long_name = p;
        p = pax_value(e.data, (size_t)e.size, "linkpath");
        if (p) long_link = p;
        p = pax_value(e.data, (size_t)e.size, "size");
        if (p) {
          pax_size = strtoull(p, 0, 10);
          have_pax_size = 1;
          free(p);
        }
      }
      continue;
    }
    have_pax_size = 0;
    if (long_name) {
      e.name = long_name;
      long_name = 0;
    } else if (h->prefix[0] && memcmp(h->magic, "ustar\0", 6) == 0) {
      e.name = xasprintf("%.155s/%.100s", h->prefix, h->name);
    } else {
      e.name = xstrndup(h->name, 100);
    }
    e.linkname = long_link ? long_link : xstrndup(h->linkname, 100);
    long_link = 0;
    if (e.type == '0' && last_char_is(e.name, '/')) e.type = '5';
    if (e.type != '0' && e.type != '7' && e.type != '5') e.size = 0;
    /* Member selection. */
    if (nmembers > 0) {
      int want = 0;
      for (int i = 0; i < nmembers; i++) {
        size_t n = strlen(members[i]);
        while (n > 1 && members[i][n - 1] == '/') n--;
        if (strncmp(e.name, members[i], n) == 0 && (e.name[n] == 0 || e.name[n] == '/')) {
          want = 1;
          found[i] = 1;
        }
      }
      if (!want) continue;
    }
    if (excluded(e.name)) continue;
    if (opt & OPT_t) {
      list(&e, e.name);
      continue;
    }
    const char *name = strip_unsafe(e.name);
    for (int s = 0; s < strip && *name; s++) {
      const char *slash = strchr(name, '/');
      name = slash ? slash + 1 : "";
    }
    if (!*name) continue;
    if (opt & OPT_O) {
      if (e.type == '0' || e.type == '7') fwrite(e.data, 1, (size_t)e.size, stdout);
      continue;
    }
    if (opt & OPT_v) puts(e.name);
    if (e.type == '1' && strip > 0) {
      /* A hard link's target loses the same leading components. */
      const char *t = e.linkname;
      for (int k = 0; k < strip && *t; k++) {
        const char *slash = strchr(t, '/');
        t = slash ? slash + 1 : "";
      }
      char *nt = xstrdup(t);
      free(e.linkname);
      e.linkname = nt;
    }
    char *trimmed = xstrdup(name);
    size_t tl = strlen(trimmed);
    while (tl > 1 && trimmed[tl - 1] == '/') trimmed[--tl] = 0;
    extract(&e, trimmed);
    free(trimmed);
  }
  for (int i = 0; i < nmembers; i++) {
    if (!found[i]) {
      bb_error_msg("%s: not found in archive", members[i]);
      status = 1;
    }
  }
  free(found);
  return 0;
}

int tar_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {
      {"create", 0, 'c'},          {"extract", 0, 'x'},           {"list", 0, 't'},           {"gzip", 0, 'z'},
      {"gunzip", 0, 'z'},          {"verbose", 0, 'v'},           {"to-stdout", 0, 'O'},      {"dereference", 0, 'h'},
      {"touch", 0, 'm'},           {"no-same-owner", 0, 'o'},     {"keep-old-files", 0, 'k'}, {"same-permissions", 0, 'p'},
      {"preserve-permissions", 0, 'p'}, {"file", 1, 'f'},         {"directory", 1, 'C'},      {"files-from", 1, 'T'},
      {"exclude-from", 1, 'X'},    {"exclude", 1, 0x80},          {"strip-components", 1, 0x81},
      {"no-recursion", 0, 0x82},   {"numeric-owner", 0, 0x83},    {"overwrite", 0, 0x84},     {0, 0, 0}};
  /* "tar cvf x.tar": the first argument is options without a dash. */
  if (argv[1] && argv[1][0] != '-') argv[1] = xasprintf("-%s", argv[1]);
  char *file = 0, *dir = 0, *strip_s = 0;
  llist *from = 0, *exclude_from = 0;
  opt = getopt32long(argv, "cxtzvOhmokpf:C:T*X*\x80*\x81:\x82\x83\x84" "ajJZ", longopts, &file, &dir, &from, &exclude_from,
                     &excludes, &strip_s);
  int modes = !!(opt & OPT_c) + !!(opt & OPT_x) + !!(opt & OPT_t);
  if (modes != 1) bb_show_usage();
  if (opt & (OPT_j | OPT_J | OPT_Z)) bb_error_msg_and_die("compression other than gzip is not supported");
  for (llist *x = exclude_from; x; x = x->next) {
    char *data = xmalloc_read_file(x->data, 0);
    if (!data) return 1;
    for (char *l = strtok(data, "\n"); l; l = strtok(0, "\n")) llist_add_to_end(&excludes, l);
  }
  argv += optind;
  int nmembers = argc_of(argv);
  char **members = xmalloc(sizeof(char *) * (size_t)(nmembers + 1));
  memcpy(members, argv, sizeof(char *) * (size_t)(nmembers + 1));
  for (llist *f = from; f; f = f->next) {
    char *data = xmalloc_read_file(f->data, 0);
    if (!data) return 1;
    for (char *l = strtok(data, "\n"); l; l = strtok(0, "\n")) {
      members = xrealloc(members, sizeof(char *) * (size_t)(nmembers + 2));
      members[nmembers++] = l;
      members[nmembers] = 0;
    }
  }
  int strip = strip_s ? xatoi_positive(strip_s) : 0;
  if (opt & OPT_a && file) {
    size_t n = strlen(file);
    if ((n > 3 && strcmp(file + n - 3, ".gz") == 0) || (n > 4 && strcmp(file + n - 4, ".tgz") == 0)) opt |= OPT_z;
  }
  int use_stdio = !file || strcmp(file, "-") == 0;
  verbose_out = (opt & OPT_c) && use_stdio ? stderr : stdout;

  if (opt & OPT_c) {
    if (nmembers == 0) bb_error_msg_and_die("empty archive");
    int out_fd = 1;
    if (!use_stdio) {
      out_fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0666);
      if (out_fd < 0) bb_perror_msg_and_die("can't open '%s'", file);
    }
    if (dir && chdir(dir) < 0) bb_perror_msg_and_die("can't change directory to '%s'", dir);
    struct outbuf out = {0};
    for (int i = 0; i < nmembers; i++) {
      const char *name = members[i];
      const char *stripped = name;
      while (*stripped == '/') stripped++;
      if (stripped != name && *stripped) {
        static int warned;
        if (!warned) {
          warned = 1;
          bb_error_msg("removing leading '/' from member names");
        }
      }
      add_entry(&out, name, *stripped ? stripped : name, 0);
    }
    static const char zeros[1024];
    outbuf_append(&out, zeros, 1024);
    fflush(verbose_out);
    struct outbuf *final = &out;
    struct outbuf gz = {0};
    if (opt & OPT_z) {
      gzip_buffer(out.data, out.len, 0, 6, &gz);
      final = &gz;
    }
    if (full_write(out_fd, final->data, final->len) != (ssize_t)final->len) bb_perror_msg_and_die("write error");
    if (out_fd != 1) close(out_fd);
    if (fflush_all()) return 1;
    if (status) bb_error_msg_and_die("error exit delayed from previous errors");
    return status;
  }

  int in_fd = 0;
  if (!use_stdio) {
    in_fd = open(file, O_RDONLY);
    if (in_fd < 0) bb_perror_msg_and_die("can't open '%s'", file);
  }
  struct outbuf in = {0};
  static uint8_t chunk[65536];
  ssize_t n;
  while ((n = safe_read(in_fd, chunk, sizeof chunk)) > 0) outbuf_append(&in, chunk, (size_t)n);
  if (n < 0) bb_perror_msg_and_die("read error");
  if (in_fd) close(in_fd);
  const uint8_t *data = in.data;
  size_t len = in.len;
  struct outbuf plain = {0};
  if (opt & OPT_z) {
    const char *err = 0;
    if (gunzip_buffer(data, len, &plain, &err) < 0) bb_error_msg_and_die("%s", err);
    data = plain.data;
    len = plain.len;
  }
  if (len > 0 && len < 512) bb_error_msg_and_die("short read");
  if (dir && chdir(dir) < 0) bb_perror_msg_and_die("can't change directory to '%s'", dir);
  read_archive(data ? data : (const uint8_t *)"", len, members, nmembers, strip);
  if (fflush_all()) return 1;
  return status;
}
