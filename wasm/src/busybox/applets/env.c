/*
 * env [-i] [-u NAME]... [-] [NAME=VALUE]... [PROG ARGS]: runs PROG (replacing
 * env, keeping the pid) in a modified environment, or prints the environment.
 * printenv [NAME...]: prints all variables, or the values of the named ones
 * (exit 1 when one is unset).
 */
#include "../libbb.h"

extern char **environ;

int env_main(int argc, char **argv) {
  static const bb_longopt longopts[] = {{"ignore-environment", 0, 'i'}, {"unset", 1, 'u'}, {"null", 0, '0'}, {0, 0, 0}};
  llist *unset = 0;
  unsigned opt = getopt32long(argv, "+iu*0", longopts, &unset);
  argv += optind;
  if (argv[0] && strcmp(argv[0], "-") == 0) {
    opt |= 1;
    argv++;
  }
  if (opt & 1) {
    static char *empty[1];
    environ = empty;
  }
  for (llist *u = unset; u; u = u->next) unsetenv(u->data);
  for (; argv[0] && strchr(argv[0], '='); argv++) {
    if (putenv(argv[0]) != 0) bb_perror_msg_and_die("putenv");
  }
  if (argv[0]) {
    fflush_all();
    execvp(argv[0], argv);
    int err = errno;
    bb_perror_msg("can't execute '%s'", argv[0]);
    return err == ENOENT ? 127 : 126;
  }
  char sep = (opt & 4) ? 0 : '\n';
  for (char **e = environ; e && *e; e++) {
    fputs(*e, stdout);
    putchar(sep);
  }
  return fflush_all();
}

int printenv_main(int argc, char **argv) {
  if (argc < 2) {
    for (char **e = environ; e && *e; e++) puts(*e);
    return fflush_all();
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    const char *v = getenv(argv[i]);
    if (v) puts(v);
    else status = 1;
  }
  if (fflush_all()) return 2;
  return status;
}
