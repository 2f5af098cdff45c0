/* uptime: time since boot, and how busy the machine is. */
#include "libc.h"

int main(void) {
  struct sysinfo info;
  int result = sysinfo(&info);
  if (result < 0) {
    dprintf(STDERR, "uptime: %s\n", strerror(result));
    return 1;
  }
  unsigned ms = uptime();
  unsigned seconds = ms / 1000;
  printf("up %u:%02u:%02u.%03u, %u processes, %u harts\n", seconds / 3600, seconds / 60 % 60, seconds % 60,
         ms % 1000, info.procs, info.harts);
  return 0;
}
