/*
 * Terminal attributes over the drydock kernel (struct termios is Linux's and
 * the kernel's layout). isatty asks the kernel whether the fd is a terminal:
 * this strong definition wins over libc.a's weak isatty (isatty.o keeps its
 * __isatty, which stdio uses to pick line buffering).
 */
#include <errno.h>
#include <termios.h>
#include <unistd.h>
#include "internal.h"

_Static_assert(sizeof(struct termios) == sizeof(struct drydock_termios), "struct termios is Linux's");

int tcgetattr(int fd, struct termios *t) { return drydock_result(__drydock_tcgetattr(fd, (struct drydock_termios *)t)); }

int tcsetattr(int fd, int action, const struct termios *t) {
  return drydock_result(__drydock_tcsetattr(fd, action, (const struct drydock_termios *)t));
}

int tcgetwinsize(int fd, struct winsize *ws) { return drydock_result(__drydock_tcgetwinsize(fd, (struct drydock_winsize *)ws)); }

int tcsetwinsize(int fd, const struct winsize *ws) {
  return drydock_result(__drydock_tcsetwinsize(fd, (const struct drydock_winsize *)ws));
}

int isatty(int fd) {
  struct termios t;
  if (tcgetattr(fd, &t) == 0) return 1;
  if (errno != EBADF) errno = ENOTTY;
  return 0;
}

pid_t tcgetpgrp(int fd) {
  int32_t pgrp;
  if (drydock_result(__drydock_tcgetpgrp(fd, &pgrp)) < 0) return -1;
  return pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp) { return drydock_result(__drydock_tcsetpgrp(fd, pgrp)); }

pid_t tcgetsid(int fd) {
  pid_t pgrp = tcgetpgrp(fd);
  return pgrp < 0 ? -1 : getsid(pgrp);
}

/* A terminal's output is delivered at once and there is no line to break: these only check the fd. */
static int check_tty(int fd) {
  struct termios t;
  return tcgetattr(fd, &t);
}
int tcdrain(int fd) { return check_tty(fd); }
int tcflush(int fd, int queue) { return check_tty(fd); }
int tcflow(int fd, int action) { return check_tty(fd); }
int tcsendbreak(int fd, int duration) { return check_tty(fd); }

speed_t cfgetospeed(const struct termios *t) { return t->c_cflag & CBAUD; }
speed_t cfgetispeed(const struct termios *t) { return cfgetospeed(t); }

int cfsetospeed(struct termios *t, speed_t speed) {
  if (speed & ~CBAUD) {
    errno = EINVAL;
    return -1;
  }
  t->c_cflag = (t->c_cflag & ~CBAUD) | speed;
  return 0;
}
int cfsetispeed(struct termios *t, speed_t speed) { return speed ? cfsetospeed(t, speed) : 0; }
int cfsetspeed(struct termios *t, speed_t speed) { return cfsetospeed(t, speed); }

/* As glibc and musl: no echo, no canonical mode, no signals from keys, 8-bit characters. */
void cfmakeraw(struct termios *t) {
  t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t->c_oflag &= ~OPOST;
  t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t->c_cflag &= ~(CSIZE | PARENB);
  t->c_cflag |= CS8;
  t->c_cc[VMIN] = 1;
  t->c_cc[VTIME] = 0;
}
