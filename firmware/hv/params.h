/*
 * params.h: the hypervisor's limits and fixed numbers, in one place.
 *
 * Host-physical memory, as the hypervisor sees it (satp is Bare in HS-mode,
 * so every address below is also the address the hypervisor uses):
 *
 *   0x8000_0000  SBI firmware, 4 MiB, hidden from HS by PMP
 *   0x8040_0000  HV_BASE: this hypervisor (text, the built-in kernel,
 *                data, bss with the per-pCPU stacks), up to _end
 *   _end ...     the frame table, then frames: each belongs to the
 *                hypervisor (page tables), to one domain (its RAM), or to
 *                the free pool; boot modules and the device tree are
 *                reserved where the board put them
 *   RAM end
 *
 * Guest-physical memory of every HVM domain (its virtual board):
 *
 *   0x0c00_0000  vPLIC, a context per vCPU      (emulated: guest-page faults)
 *   0x1000_0000  vUART, NS16550A, IRQ 10         (emulated: guest-page faults)
 *   0x8000_0000  RAM, the domain's memory        (G-stage mapped, megapages
 *                                                 where frames allow)
 *   top of RAM   the domain's device tree, 2 MiB-aligned below the end
 *                (where QEMU puts a machine's tree)
 */
#ifndef HV_PARAMS_H
#define HV_PARAMS_H

#include "fdt_write.h"

#define HV_BASE            0x80400000u  /* where the SBI firmware jumps: hv.ld */
#define NPCPU              16           /* harts the hypervisor can run on */
#define NDOMAIN            8            /* domains: Dom0 and up to 7 DomUs */
#define MAX_VCPUS          8            /* vCPUs per domain */
#define DOMAIN_NAME_MAX    32           /* bytes of a name, with the terminator */
#define BOOTARGS_MAX       128          /* bytes of a domain's bootargs */
#define PCPU_STACK_SIZE    8192         /* each pCPU's hypervisor stack */
#define NUART              8            /* physical UARTs: UART0 and the consoles 1..7 */
#define MGMT_UART          (NUART - 1)  /* the management port: passed through to domain 0, no domain's console */
#define VUART_RX_BUFFER    256          /* bytes typed for a domain, not yet read by it */
#define GNTTAB_MAX_FRAMES  4            /* grant table frames a domain may have: 2048 v1 entries */
#define MAPTRACK_ENTRIES   256          /* grants a domain may have mapped at once */
#define WINDOW_FAULTS_LOGGED 4          /* refused accesses in a domain's window that the log names */
#define GNTTAB_BATCH       64           /* grant operations done before the call is restarted */

#define DEFAULT_DOMAIN_MIB 32           /* memory of a domain when none is given */
#define MIN_DOMAIN_MIB     8            /* below this the kernel at +4 MiB has no room */
#define DEFAULT_WEIGHT     256          /* credit scheduler weight (as Xen's) */

/* Guest-physical map of an HVM domain (above). */
/* GUEST_RAM_BASE, GUEST_UART_*, GUEST_PLIC_BASE, _SIZE, _SOURCES: fdt_write.h, the board's one description. */
#define GUEST_PLIC_PRIORITY_MAX 7
#define GUEST_FDT_LIMIT    0xc0000000u  /* the tree stays below 3 GiB, as QEMU's */
#define GUEST_FDT_ALIGN    0x200000u
#define GUEST_FDT_MAX      8192         /* bytes of a domain's device tree */

/* The credit scheduler (credit1), in Xen's units: 10 credits per ms. */
#define CREDITS_PER_MSEC   10
#define TICK_MS            10           /* a running vCPU's credits are debited every tick */
#define TICKS_PER_TSLICE   3            /* 30 ms time slices */
#define TICKS_PER_ACCT     3            /* credits are handed out every 30 ms */
#define CREDITS_PER_TSLICE (CREDITS_PER_MSEC * TICK_MS * TICKS_PER_TSLICE)
#define CREDITS_PER_ACCT   (CREDITS_PER_MSEC * TICK_MS * TICKS_PER_ACCT)

#define HV_VERSION_STRING  "0.1"
#define HV_LOG_PREFIX      "(HV) "      /* every line of the hypervisor's log, like Xen's (XEN) */

#endif
