/*
 * Drydock overlay of <fcntl.h>: adds F_DUPFD (libdrydock's fcntl implements it)
 * and gives O_CLOEXEC a real value.
 *
 * wasi-libc defines O_CLOEXEC as 0 (WASI has no exec). Drydock has exec, so
 * O_CLOEXEC is a bit that wasi-libc's flag layout leaves unused
 * (0x20000000: above O_WRONLY, outside the fdflags (0xfff) and oflags
 * (0xfff000) fields that path_open receives). libdrydock's openat.c (every
 * open/openat/opendir goes through it) sets close-on-exec on the new fd when
 * the bit is set; pipe2 and dup3 (fd.c) pass it on as DRYDOCK_O_CLOEXEC. Code
 * compiled into wasi-libc itself (fopen's "e") still sees 0.
 */
#ifndef DRYDOCK_FCNTL_H
#define DRYDOCK_FCNTL_H
#include_next <fcntl.h>
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#undef O_CLOEXEC
#define O_CLOEXEC 0x20000000
#endif
