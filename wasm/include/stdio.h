/* Drydock overlay of <stdio.h>: popen/pclose, which libdrydock implements over posix_spawn of /bin/sh. */
#ifndef DRYDOCK_STDIO_H
#define DRYDOCK_STDIO_H
#include_next <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

FILE *popen(const char *, const char *);
int pclose(FILE *);

#ifdef __cplusplus
}
#endif
#endif
