/*
 * sbi_call.h: an SBI call from S-mode (or HS- or VS-mode), for the kernel,
 * the hypervisor and the guest programs: a7 = extension ID, a6 = function
 * ID, a0..a2 = arguments; the answer is a0 = error, a1 = value
 * (include/sbi.h has the IDs and the errors).
 */
#ifndef HYPERLAB_SBI_CALL_H
#define HYPERLAB_SBI_CALL_H

#include <stdint.h>

struct sbiret {
    long error;
    long value;
};

static inline struct sbiret sbi_call(uint32_t extension, uint32_t function, uint32_t arg0, uint32_t arg1,
                                     uint32_t arg2)
{
    register uint32_t a0 __asm__("a0") = arg0;
    register uint32_t a1 __asm__("a1") = arg1;
    register uint32_t a2 __asm__("a2") = arg2;
    register uint32_t a6 __asm__("a6") = function;
    register uint32_t a7 __asm__("a7") = extension;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
    return (struct sbiret){ (long)a0, (long)a1 };
}

#endif
