/* umask: the kernel keeps the mask (it applies it to every file it creates, and children inherit it). */
#include <sys/stat.h>
#include "internal.h"

mode_t umask(mode_t mask) {
  uint32_t old = 0;
  __drydock_umask(mask & 0777, &old);
  return old;
}
