/*
 * mount: without arguments, the mount table (/proc/mounts) as
 * "DEVICE on DIR type TYPE (OPTIONS)". Mounting needs the kernel's mount
 * namespace, which only the engine changes (volumes, tmpfs at container
 * start), so mount and umount with arguments fail with EPERM.
 */
#include "../libbb.h"

int mount_main(int argc, char **argv) {
  char *type = 0, *options = 0;
  unsigned opt = getopt32(argv, "art:o:nfvwi", &type, &options);
  (void)opt;
  argv += optind;
  if (!argv[0]) {
    FILE *f = fopen("/proc/mounts", "r");
    if (!f) bb_perror_msg_and_die("can't open '%s'", "/proc/mounts");
    char *line = 0;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0) {
      char dev[512], dir[512], fstype[64], opts[512];
      if (sscanf(line, "%511s %511s %63s %511s", dev, dir, fstype, opts) != 4) continue;
      if (type && strcmp(type, fstype) != 0) continue;
      printf("%s on %s type %s (%s)\n", dev, dir, fstype, opts);
    }
    fclose(f);
    return fflush_all();
  }
  const char *dev = argv[0], *dir = argv[1] ? argv[1] : argv[0];
  xfunc_error_retval = 255;
  errno = EPERM;
  bb_perror_msg_and_die("mounting %s on %s failed", dev, dir);
}
