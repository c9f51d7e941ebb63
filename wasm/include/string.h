/* Drydock overlay of <string.h>: strsignal, which libdrydock implements (Linux's descriptions). */
#ifndef DRYDOCK_STRING_H
#define DRYDOCK_STRING_H
#include_next <string.h>

#ifdef __cplusplus
extern "C" {
#endif

char *strsignal(int);

#ifdef __cplusplus
}
#endif
#endif
