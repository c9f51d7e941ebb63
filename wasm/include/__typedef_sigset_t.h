/* Drydock overlay: wasi-libc's placeholder sigset_t is one byte; signals 1..64 need 64 bits. */
#ifndef __wasilibc___typedef_sigset_t_h
#define __wasilibc___typedef_sigset_t_h
typedef unsigned long long sigset_t;
#endif
