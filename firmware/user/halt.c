/* halt: powers the machine off (through the kernel and the SBI). */
#include "libc.h"

int main(void) {
  int result = shutdown(SHUTDOWN_HALT);
  dprintf(STDERR, "halt: %s\n", strerror(result));
  return 1;
}
