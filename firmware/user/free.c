/* free: memory the kernel's page allocator manages, and process slots. */
#include "libc.h"

int main(void) {
  struct sysinfo info;
  int result = sysinfo(&info);
  if (result < 0) {
    dprintf(STDERR, "free: %s\n", strerror(result));
    return 1;
  }
  printf("              total       used       free\n");
  printf("Mem KiB: %10u %10u %10u\n", info.mem_total_kib, info.mem_total_kib - info.mem_free_kib,
         info.mem_free_kib);
  printf("Procs:   %10u %10u %10u\n", info.procs_max, info.procs, info.procs_max - info.procs);
  return 0;
}
