/*
 * hostname [-sidf] [NAME | -F FILE]: prints the UTS namespace's hostname
 * (-s up to the first dot, -d the part after it, -f the whole name; -i the
 * addresses, which Drydock cannot resolve yet, so it prints the name's entry
 * in /etc/hosts), or sets it (root only).
 */
#include "../libbb.h"

static char *hosts_address(const char *name) {
  char *data = read_small_file("/etc/hosts", 0);
  if (!data) return 0;
  char *result = 0;
  for (char *line = strtok(data, "\n"); line && !result; line = strtok(0, "\n")) {
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    char *addr = strtok_r(line, " \t", &line);
    if (!addr) continue;
    for (char *alias; (alias = strtok_r(0, " \t", &line));) {
      if (strcmp(alias, name) == 0) {
        result = xstrdup(addr);
        break;
      }
    }
  }
  free(data);
  return result;
}

int hostname_main(int argc, char **argv) {
  char *file = 0;
  unsigned opt = getopt32(argv, "dfisF:v", &file);
  argv += optind;
  char *newname = argv[0];
  if (file) {
    char *data = xmalloc_read_file(file, 0);
    if (!data) return 1;
    char *line = strtok(data, "\n");
    while (line && (line[0] == '#' || !*skip_whitespace(line))) line = strtok(0, "\n");
    newname = line ? line : "";
  }
  if (newname) {
    if (sethostname(newname, strlen(newname)) < 0) bb_perror_msg_and_die("sethostname");
    return 0;
  }
  char name[256];
  if (gethostname(name, sizeof name) < 0) bb_perror_msg_and_die("gethostname");
  char *dot = strchr(name, '.');
  if (opt & 1) {
    if (dot) puts(dot + 1);
  } else if (opt & 4) {
    char *addr = hosts_address(name);
    if (!addr) bb_error_msg_and_die("%s: Unknown host", name);
    puts(addr);
  } else if (opt & 8) {
    if (dot) *dot = 0;
    puts(name);
  } else {
    puts(name);
  }
  return fflush_all();
}
