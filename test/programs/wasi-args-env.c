/* Prints argv and the environment (sorted), then exits with argv[1] as the status (WASI preview1 only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  int n = 0;
  while (environ[n]) n++;
  qsort(environ, (size_t)n, sizeof *environ, cmp);
  for (int i = 0; i < n; i++) printf("env %s\n", environ[i]);
  fprintf(stderr, "to stderr: %d args\n", argc);
  return argc > 1 ? atoi(argv[1]) : 0;
}
