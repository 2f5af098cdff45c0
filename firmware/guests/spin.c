/*
 * spin.c: a CPU-bound guest for the scheduler's tests: every vCPU it has
 * (vCPU 0 starts the others with HSM) counts as fast as it can, forever.
 * What each got is read off the machine (instructions retired per VMID)
 * and the hypervisor (time run per vCPU, the 'q' key).
 */
#include "guest.h"

/* On a page of their own: a store to a page the hart has decoded code from costs it that page's decodes. */
static volatile uint32_t counters[16] __attribute__((aligned(4096)));

static void count(uint32_t hartid)
{
    for (;;)
        counters[hartid & 15]++;
}

void guest_secondary_program(uint32_t hartid)
{
    count(hartid);
}

void guest_program(uint32_t hartid)
{
    int vcpus = 1;
    while (vcpus < 16 && sbi_call(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, (uint32_t)vcpus, 0, 0).error == 0)
        vcpus++;
    for (int i = 0; i < vcpus; i++)
        if ((uint32_t)i != hartid)
            sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, (uint32_t)i, (uint32_t)(uintptr_t)secondary_entry, 0);
    print("spin: counting on %d vCPU%s\n", vcpus, vcpus > 1 ? "s" : "");
    count(hartid);
}
