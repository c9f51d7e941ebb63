/*
 * stat [-ltLf] [-c FMT] FILE...: file status in BusyBox's layout, or with a
 * -c format (%a %A %b %B %d %D %f %F %g %G %h %i %n %N %o %s %t %T %u %U
 * %x %X %y %Y %z %Z). -f (file system status) needs a statfs system call,
 * which the Drydock kernel does not have yet.
 */
#include <grp.h>
#include <pwd.h>
#include "../libbb.h"

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

static void print_format(const char *fmt, const char *path, const struct stat *st) {
  for (const char *p = fmt; *p; p++) {
    if (*p != '%' || !p[1]) {
      putchar(*p);
      continue;
    }
    p++;
    switch (*p) {
      case 'a': printf("%lo", (unsigned long)(st->st_mode & 07777)); break;
      case 'A': fputs(bb_mode_string(st->st_mode), stdout); break;
      case 'b': printf("%llu", (unsigned long long)st->st_blocks); break;
      case 'B': printf("%u", 512); break;
      case 'd': printf("%llu", (unsigned long long)st->st_dev); break;
      case 'D': printf("%llx", (unsigned long long)st->st_dev); break;
      case 'f': printf("%lx", (unsigned long)st->st_mode); break;
      case 'F': fputs(file_type(st), stdout); break;
      case 'g': printf("%lu", (unsigned long)st->st_gid); break;
      case 'G': fputs(group_name(st->st_gid), stdout); break;
      case 'h': printf("%lu", (unsigned long)st->st_nlink); break;
      case 'i': printf("%llu", (unsigned long long)st->st_ino); break;
      case 'n': fputs(path, stdout); break;
      case 'N': print_quoted_name(path, st); break;
      case 'o': printf("%lu", (unsigned long)st->st_blksize); break;
      case 's': printf("%llu", (unsigned long long)st->st_size); break;
      case 't': printf("%x", dev_major(st->st_rdev)); break;
      case 'T': printf("%x", dev_minor(st->st_rdev)); break;
      case 'u': printf("%lu", (unsigned long)st->st_uid); break;
      case 'U': fputs(user_name(st->st_uid), stdout); break;
      case 'x': fputs(human_time(&st->st_atim), stdout); break;
      case 'X': printf("%llu", (unsigned long long)st->st_atim.tv_sec); break;
      case 'y': fputs(human_time(&st->st_mtim), stdout); break;
      case 'Y': printf("%llu", (unsigned long long)st->st_mtim.tv_sec); break;
      case 'z': fputs(human_time(&st->st_ctim), stdout); break;
      case 'Z': printf("%llu", (unsigned long long)st->st_ctim.tv_sec); break;
      default: putchar(*p); break; /* "%%" -> "%", unknown -> the letter, as BusyBox */
    }
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
      errno = ENOSYS;
      bb_perror_msg("can't read file system information for '%s'", *argv);
      status = 1;
      continue;
    }
    struct stat st;
    if (((opt & L) ? stat(*argv, &st) : lstat(*argv, &st)) < 0) {
      bb_perror_msg("can't stat '%s'", *argv);
      status = 1;
      continue;
    }
    if (fmt) print_format(fmt, *argv, &st);
    else if (opt & T) print_format("%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %o", *argv, &st);
    else print_default(*argv, &st);
  }
  if (fflush_all()) return 1;
  return status;
}
