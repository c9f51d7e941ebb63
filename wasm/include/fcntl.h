/* Drydock overlay of <fcntl.h>: adds F_DUPFD (libdrydock's fcntl implements it). */
#ifndef DRYDOCK_FCNTL_H
#define DRYDOCK_FCNTL_H
#include_next <fcntl.h>
#ifndef F_DUPFD
#define F_DUPFD 0
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC 1030
#endif
#endif
