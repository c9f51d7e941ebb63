/* which [-a] COMMAND...: the executables PATH would run; exit 1 if one is not found. */
#include "../libbb.h"

static int is_executable_file(const char *path) {
  struct stat st;
  return access(path, X_OK) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int which_main(int argc, char **argv) {
  unsigned opt = getopt32(argv, "a");
  argv += optind;
  if (!argv[0]) bb_show_usage();
  const char *path = getenv("PATH");
  if (!path) path = "/bin:/usr/bin";
  int status = 0;
  for (; *argv; argv++) {
    int found = 0;
    if (strchr(*argv, '/')) {
      if (is_executable_file(*argv)) {
        puts(*argv);
        found = 1;
      }
    } else {
      const char *p = path;
      for (;;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *dir = n ? xstrndup(p, n) : xstrdup(".");
        char *full = concat_path_file(dir, *argv);
        if (is_executable_file(full)) {
          puts(full);
          found = 1;
        }
        free(full);
        free(dir);
        if ((found && !(opt & 1)) || !end) break;
        p = end + 1;
      }
    }
    if (!found) status = 1;
  }
  if (fflush_all()) return 1;
  return status;
}
