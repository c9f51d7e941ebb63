/* Drydock: replaces wasi-libc's <__struct_sockaddr.h> with Linux/musl's layout
 * (sa_data[14], no 16-byte alignment), which the kernel's socket calls use. */
#ifndef __wasilibc___struct_sockaddr_h
#define __wasilibc___struct_sockaddr_h

#include <__typedef_sa_family_t.h>

struct sockaddr {
  sa_family_t sa_family;
  char sa_data[14];
};

#endif
