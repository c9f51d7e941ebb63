/*
 * Drydock overlay of <stdlib.h>: declares what libdrydock adds (temporary
 * files and realpath; wasm/lib/drydock/README.md). system() is declared by
 * wasi-libc already and implemented by libdrydock over posix_spawn.
 */
#ifndef DRYDOCK_STDLIB_H
#define DRYDOCK_STDLIB_H
#include_next <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

int mkstemp(char *);
int mkostemp(char *, int);
int mkstemps(char *, int);
int mkostemps(char *, int, int);
char *mkdtemp(char *);
char *realpath(const char *__restrict, char *__restrict);

#ifdef __cplusplus
}
#endif
#endif
