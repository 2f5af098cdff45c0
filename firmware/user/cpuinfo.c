/*
 * cpuinfo: the harts the kernel runs on and what they are. The hart count
 * and timebase come from the kernel (which read them from the device
 * tree); the ISA is the one this program was built for, so it holds on any
 * machine where the program runs at all.
 */
#include "libc.h"

int main(void) {
  struct sysinfo info;
  int result = sysinfo(&info);
  if (result < 0) {
    dprintf(STDERR, "cpuinfo: %s\n", strerror(result));
    return 1;
  }
  for (unsigned hart = 0; hart < info.harts; hart++) {
    printf("hart      : %u\n", hart);
    printf("isa       : rv32imac_zicsr_zifencei_zicntr\n");
    printf("mmu       : sv32\n");
    printf("modes     : M (SBI firmware), S (kernel), U (programs)\n\n");
  }
  printf("harts     : %u\n", info.harts);
  printf("timebase  : %u Hz\n", info.timebase_hz);
  printf("kernel    : %s %s %s (%s)\n", info.sysname, info.release, info.machine, info.variant);
  return 0;
}
