/* pwd [-LP]: the working directory (-L prints $PWD when it names the same directory). */
#include "../libbb.h"

int pwd_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "LP");
  char buf[PATH_MAX];
  if (!getcwd(buf, sizeof buf)) bb_perror_msg_and_die("getcwd");
  if (opt & 1) {
    const char *pwd = getenv("PWD");
    struct stat a, b;
    if (pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
      puts(pwd);
      return fflush_all();
    }
  }
  puts(buf);
  return fflush_all();
}
