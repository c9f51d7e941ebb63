/*
 * stat [-ltLf] [-c FMT] FILE...: file status in BusyBox's layout, or with a
 * -c format (%a %A %b %B %d %D %f %F %g %G %h %i %n %N %o %s %t %T %u %U
 * %x %X %y %Y %z %Z), or with -f the status of the file system holding it
 * (the kernel's statfs: %a %b %c %d %f %i %l %n %s %S %t %T). Directives take
 * printf's flags and width (%-10s), as BusyBox passes them to printf.
 */
#include <grp.h>
#include <pwd.h>
#include <drydock.h>
#include "../libbb.h"

/* A directive's flags and width ("-10" of "%-10s"), applied to its text as BusyBox's printf would. */
static void emit(const char *mods, size_t len, const char *text, int numeric) {
  char spec[24];
  if (len > sizeof spec - 3) len = sizeof spec - 3;
  int zero = 0, left = 0;
  for (size_t i = 0; i < len && !(mods[i] >= '1' && mods[i] <= '9'); i++) {
    if (mods[i] == '0') zero = 1;
    if (mods[i] == '-') left = 1;
  }
  const char *digits = mods;
  while (digits < mods + len && !(*digits >= '1' && *digits <= '9')) digits++;
  int width = atoi(digits);
  int pad = width - (int)strlen(text);
  if (pad <= 0) {
    fputs(text, stdout);
    return;
  }
  if (!left && zero && numeric) {
    for (; pad > 0; pad--) putchar('0');
    fputs(text, stdout);
    return;
  }
  snprintf(spec, sizeof spec, left ? "%%-%ds" : "%%%ds", width);
  printf(spec, text);
}

static const char *file_type(const struct stat *st) {
  mode_t m = st->st_mode;
  if (S_ISREG(m)) return st->st_size == 0 ? "regular empty file" : "regular file";
  if (S_ISDIR(m)) return "directory";
  if (S_ISLNK(m)) return "symbolic link";
  if (S_ISCHR(m)) return "character special file";
  if (S_ISBLK(m)) return "block special file";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  return "weird file";
}

static const char *human_time(const struct timespec *ts) {
  static char buf[64];
  struct tm tm;
  time_t t = ts->tv_sec;
  gmtime_r(&t, &tm);
  char date[40];
  strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
  snprintf(buf, sizeof buf, "%s.%09ld +0000", date, (long)ts->tv_nsec);
  return buf;
}

static unsigned dev_major(unsigned long long d) { return (unsigned)(((d >> 8) & 0xfff) | ((d >> 32) & ~0xfffULL)); }
static unsigned dev_minor(unsigned long long d) { return (unsigned)((d & 0xff) | ((d >> 12) & ~0xffULL)); }

static const char *user_name(uid_t uid) {
  struct passwd *pw = getpwuid(uid);
  return pw ? pw->pw_name : "UNKNOWN";
}
static const char *group_name(gid_t gid) {
  struct group *gr = getgrgid(gid);
  return gr ? gr->gr_name : "UNKNOWN";
}

static void print_quoted_name(const char *path, const struct stat *st) {
  if (S_ISLNK(st->st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n >= 0) {
      target[n] = 0;
      printf("'%s' -> '%s'", path, target);
      return;
    }
  }
  fputs(path, stdout);
}

/* The text of file directive `c` (NULL for an unknown letter). */
static const char *file_directive(char c, const char *path, const struct stat *st, int *numeric) {
  static char buf[PATH_MAX * 2 + 16];
  *numeric = 1;
  switch (c) {
    case 'a': snprintf(buf, sizeof buf, "%lo", (unsigned long)(st->st_mode & 07777)); return buf;
    case 'b': snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->st_blocks); return buf;
    case 'B': return "512";
    case 'd': snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->st_dev); return buf;
    case 'D': snprintf(buf, sizeof buf, "%llx", (unsigned long long)st->st_dev); return buf;
    case 'f': snprintf(buf, sizeof buf, "%lx", (unsigned long)st->st_mode); return buf;
    case 'g': snprintf(buf, sizeof buf, "%lu", (unsigned long)st->st_gid); return buf;
    case 'h': snprintf(buf, sizeof buf, "%lu", (unsigned long)st->st_nlink); return buf;
    case 'i': snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->st_ino); return buf;
    case 'o': snprintf(buf, sizeof buf, "%lu", (unsigned long)st->st_blksize); return buf;
    case 's': snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->st_size); return buf;
    case 't': snprintf(buf, sizeof buf, "%x", dev_major(st->st_rdev)); return buf;
    case 'T': snprintf(buf, sizeof buf, "%x", dev_minor(st->st_rdev)); return buf;
    case 'u': snprintf(buf, sizeof buf, "%lu", (unsigned long)st->st_uid); return buf;
    case 'X': snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->st_atim.tv_sec); return buf;
    case 'Y': snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->st_mtim.tv_sec); return buf;
    case 'Z': snprintf(buf, sizeof buf, "%llu", (unsigned long long)st->st_ctim.tv_sec); return buf;
  }
  *numeric = 0;
  switch (c) {
    case 'A': return bb_mode_string(st->st_mode);
    case 'F': return file_type(st);
    case 'G': return group_name(st->st_gid);
    case 'n': return path;
    case 'N':
      if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n >= 0) {
          target[n] = 0;
          snprintf(buf, sizeof buf, "'%s' -> '%s'", path, target);
          return buf;
        }
      }
      return path;
    case 'U': return user_name(st->st_uid);
    case 'x': return human_time(&st->st_atim);
    case 'y': return human_time(&st->st_mtim);
    case 'z': return human_time(&st->st_ctim);
  }
  return NULL;
}

/* BusyBox's human_fstype: the name of a file system magic number. */
static const char *fs_type_name(uint64_t type) {
  static const struct {
    uint32_t type;
    const char *name;
  } names[] = {
      {0xADFF, "affs"},        {0x1CD1, "devpts"},     {0x137D, "ext"},
      {0xEF51, "ext2"},        {0xEF53, "ext2/ext3"},  {0x3153464a, "jfs"},
      {0x58465342, "xfs"},     {0xF995E849, "hpfs"},   {0x9660, "isofs"},
      {0x4000, "isofs"},       {0x4004, "isofs"},      {0x137F, "minix"},
      {0x138F, "minix (30 char.)"}, {0x2468, "minix v2"}, {0x2478, "minix v2 (30 char.)"},
      {0x4d44, "msdos"},       {0x4006, "fat"},        {0x564c, "novell"},
      {0x6969, "nfs"},         {0x9fa0, "proc"},       {0x517B, "smb"},
      {0x012FF7B4, "xenix"},   {0x012FF7B5, "sysv4"},  {0x012FF7B6, "sysv2"},
      {0x012FF7B7, "coh"},     {0x00011954, "ufs"},    {0x012FD16D, "xia"},
      {0x5346544e, "ntfs"},    {0x1021994, "tmpfs"},   {0x52654973, "reiserfs"},
      {0x28cd3d45, "cramfs"},  {0x7275, "romfs"},      {0x858458f6, "romfs"},
      {0x73717368, "squashfs"}, {0x62656572, "sysfs"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (names[i].type == type) return names[i].name;
  }
  return "UNKNOWN";
}

/* The text of file system directive `c` (NULL for an unknown letter). */
static const char *fs_directive(char c, const char *path, const struct drydock_statfs *fs, int *numeric) {
  static char buf[32];
  *numeric = 1;
  switch (c) {
    case 'a': snprintf(buf, sizeof buf, "%llu", (unsigned long long)fs->bavail); return buf;
    case 'b': snprintf(buf, sizeof buf, "%llu", (unsigned long long)fs->blocks); return buf;
    case 'c': snprintf(buf, sizeof buf, "%llu", (unsigned long long)fs->files); return buf;
    case 'd': snprintf(buf, sizeof buf, "%llu", (unsigned long long)fs->ffree); return buf;
    case 'f': snprintf(buf, sizeof buf, "%llu", (unsigned long long)fs->bfree); return buf;
    case 'i': snprintf(buf, sizeof buf, "%llx", (unsigned long long)fs->fsid); return buf;
    case 'l': snprintf(buf, sizeof buf, "%llu", (unsigned long long)fs->namemax); return buf;
    case 's':
    case 'S': snprintf(buf, sizeof buf, "%llu", (unsigned long long)fs->bsize); return buf;
    case 't': snprintf(buf, sizeof buf, "%llx", (unsigned long long)fs->type); return buf;
  }
  *numeric = 0;
  if (c == 'n') return path;
  if (c == 'T') return fs_type_name(fs->type);
  return NULL;
}

/* Prints `fmt` for one file (st) or one file system (fs), then a newline. */
static void print_format(const char *fmt, const char *path, const struct stat *st, const struct drydock_statfs *fs) {
  for (const char *p = fmt; *p; p++) {
    if (*p != '%' || !p[1]) {
      putchar(*p);
      continue;
    }
    const char *mods = ++p;
    while (*p && strchr("#-+ 0'123456789.", *p)) p++;
    if (!*p) break;
    int numeric;
    const char *text = fs ? fs_directive(*p, path, fs, &numeric) : file_directive(*p, path, st, &numeric);
    if (text) emit(mods, (size_t)(p - mods), text, numeric);
    else putchar(*p); /* "%%" -> "%", unknown -> the letter, as BusyBox */
  }
  putchar('\n');
}

static void print_default(const char *path, const struct stat *st) {
  printf("  File: ");
  if (S_ISLNK(st->st_mode)) print_quoted_name(path, st);
  else fputs(path, stdout);
  putchar('\n');
  printf("  Size: %-10llu\tBlocks: %-10llu IO Block: %-6lu %s\n", (unsigned long long)st->st_size,
         (unsigned long long)st->st_blocks, (unsigned long)st->st_blksize, file_type(st));
  printf("Device: %llxh/%llud\tInode: %-10llu  Links: %lu", (unsigned long long)st->st_dev,
         (unsigned long long)st->st_dev, (unsigned long long)st->st_ino, (unsigned long)st->st_nlink);
  if (S_ISBLK(st->st_mode) || S_ISCHR(st->st_mode)) {
    printf(" Device type: %x,%x\n", dev_major(st->st_rdev), dev_minor(st->st_rdev));
  } else {
    putchar('\n');
  }
  printf("Access: (%04lo/%10.10s)  Uid: (%5lu/%8s)   Gid: (%5lu/%8s)\n", (unsigned long)(st->st_mode & 07777),
         bb_mode_string(st->st_mode), (unsigned long)st->st_uid, user_name(st->st_uid), (unsigned long)st->st_gid,
         group_name(st->st_gid));
  printf("Access: %s\n", human_time(&st->st_atim));
  printf("Modify: %s\n", human_time(&st->st_mtim));
  printf("Change: %s\n", human_time(&st->st_ctim));
}

int stat_main(int argc, char **argv) {
  char *fmt = 0;
  unsigned opt = getopt32(argv, "c:fLt", &fmt);
  enum { F = 2, L = 4, T = 8 };
  argv += optind;
  if (!argv[0]) bb_show_usage();
  int status = 0;
  for (; *argv; argv++) {
    if (opt & F) {
      struct drydock_statfs fs;
      int32_t err = __drydock_statfs(AT_FDCWD, *argv, &fs);
      if (err != 0) {
        errno = err;
        bb_perror_msg("can't read file system information for '%s'", *argv);
        status = 1;
        continue;
      }
      if (fmt) print_format(fmt, *argv, 0, &fs);
      else if (opt & T) print_format("%n %i %l %t %s %b %f %a %c %d", *argv, 0, &fs);
      else
        print_format("  File: \"%n\"\n    ID: %-8i Namelen: %-7l Type: %T\nBlock size: %-10s\n"
                     "Blocks: Total: %-10b Free: %-10f Available: %a\nInodes: Total: %-10c Free: %d",
                     *argv, 0, &fs);
      continue;
    }
    struct stat st;
    if (((opt & L) ? stat(*argv, &st) : lstat(*argv, &st)) < 0) {
      bb_perror_msg("can't stat '%s'", *argv);
      status = 1;
      continue;
    }
    if (fmt) print_format(fmt, *argv, &st, 0);
    else if (opt & T) print_format("%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %o", *argv, &st, 0);
    else print_default(*argv, &st);
  }
  if (fflush_all()) return 1;
  return status;
}
