/*
 * Drydock overlay of <sys/ioctl.h>: the terminal requests libdrydock's ioctl
 * serves over the drydock kernel (Linux's request numbers), besides wasi-libc's
 * FIONREAD and FIONBIO (whose wasi-libc values it keeps).
 */
#ifndef DRYDOCK_SYS_IOCTL_H
#define DRYDOCK_SYS_IOCTL_H
#include_next <sys/ioctl.h>
#include <termios.h>

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCNOTTY 0x5422

#endif
