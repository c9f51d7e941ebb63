/* uname [-amnrspvio]: the kernel's identity; the nodename is the UTS namespace's hostname. */
#include <sys/utsname.h>
#include "../libbb.h"

int uname_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {
      {"all", 0, 'a'},           {"kernel-name", 0, 's'},      {"nodename", 0, 'n'},
      {"kernel-release", 0, 'r'}, {"release", 0, 'r'},          {"kernel-version", 0, 'v'},
      {"machine", 0, 'm'},       {"processor", 0, 'p'},        {"hardware-platform", 0, 'i'},
      {"operating-system", 0, 'o'}, {0, 0, 0}};
  /* Bit order: s n r v m p i o a */
  unsigned opt = getopt32long(argv, "snrvmpioa", longopts);
  if (argv[optind]) bb_show_usage();
  struct utsname u;
  if (uname(&u) < 0) bb_perror_msg_and_die("cannot get system name");
  if (opt == 0) opt = 1;
  int all = (opt & 0x100) != 0;
  if (all) opt = 0x1f | 0x80;
  const char *fields[8] = {u.sysname, u.nodename, u.release, u.version, u.machine, "unknown", "unknown", "GNU/Linux"};
  int first = 1;
  for (int i = 0; i < 8; i++) {
    if (!(opt & (1u << i))) continue;
    if (!first) putchar(' ');
    fputs(fields[i], stdout);
    first = 0;
  }
  putchar('\n');
  return fflush_all();
}
