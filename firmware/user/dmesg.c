/* dmesg: prints the kernel log. */
#include "libc.h"

#define CHUNK 512    /* bytes copied per klog call */

int main(void) {
  char buf[CHUNK];
  int offset = 0, n;
  while ((n = klog(buf, sizeof(buf), offset)) > 0) {
    write(STDOUT, buf, n);
    offset += n;
  }
  if (n < 0) {
    dprintf(STDERR, "dmesg: %s\n", strerror(n));
    return 1;
  }
  return 0;
}
