/*
 * mkstemp, mkostemp, mkstemps and mkdtemp: the trailing "XXXXXX" becomes six
 * random characters; creation is exclusive (O_EXCL, or mkdir failing with
 * EEXIST), retried up to 100 times. Files are created 0600, directories 0700.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static char *template_slot(char *template, int suffix) {
  size_t len = strlen(template);
  if (suffix < 0 || len < 6 + (size_t)suffix) return 0;
  char *x = template + len - suffix - 6;
  if (memcmp(x, "XXXXXX", 6) != 0) return 0;
  return x;
}

static void fill_random(char *x) {
  unsigned char bytes[6];
  if (getentropy(bytes, sizeof bytes) != 0) {
    static unsigned counter;
    unsigned v = (unsigned)getpid() * 2654435761u + counter++;
    for (int i = 0; i < 6; i++) bytes[i] = (unsigned char)(v >> (i * 5));
  }
  for (int i = 0; i < 6; i++) x[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
}

int mkostemps(char *template, int suffix, int flags) {
  char *x = template_slot(template, suffix);
  if (!x) {
    errno = EINVAL;
    return -1;
  }
  for (int tries = 0; tries < 100; tries++) {
    fill_random(x);
    int fd = open(template, O_RDWR | O_CREAT | O_EXCL | (flags & ~O_ACCMODE), 0600);
    if (fd >= 0) {
      /* WASI's open has no mode: set it (the kernel created the file 0666 & ~umask). */
      fchmod(fd, 0600);
      return fd;
    }
    if (errno != EEXIST) return -1;
  }
  memcpy(x, "XXXXXX", 6);
  errno = EEXIST;
  return -1;
}

int mkstemp(char *template) { return mkostemps(template, 0, 0); }
int mkostemp(char *template, int flags) { return mkostemps(template, 0, flags); }
int mkstemps(char *template, int suffix) { return mkostemps(template, suffix, 0); }

char *mkdtemp(char *template) {
  char *x = template_slot(template, 0);
  if (!x) {
    errno = EINVAL;
    return 0;
  }
  for (int tries = 0; tries < 100; tries++) {
    fill_random(x);
    if (mkdir(template, 0700) == 0) {
      chmod(template, 0700);
      return template;
    }
    if (errno != EEXIST) return 0;
  }
  memcpy(x, "XXXXXX", 6);
  return 0;
}
