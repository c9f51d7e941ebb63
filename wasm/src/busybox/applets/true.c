/* true, false: exit 0 / exit 1, ignoring every argument. */
#include "../libbb.h"

int true_main(int argc, char **argv) { return 0; }
int false_main(int argc, char **argv) { return 1; }
