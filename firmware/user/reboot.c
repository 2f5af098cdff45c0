/* reboot: restarts the machine (through the kernel and the SBI). */
#include "libc.h"

int main(void) {
  int result = shutdown(SHUTDOWN_REBOOT);
  dprintf(STDERR, "reboot: %s\n", strerror(result));
  return 1;
}
