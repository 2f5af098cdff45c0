/*
 * riscv.h: the privileged architecture as C sees it, for the SBI firmware
 * and the kernel: CSR accessors, the fields of the status and interrupt
 * registers, trap causes and Sv32 page-table entries, with the names the
 * privileged specification gives them.
 */
#ifndef HYPERLAB_RISCV_H
#define HYPERLAB_RISCV_H

#include <stdint.h>

#define csr_read(csr) ({                                        \
    uint32_t csr_value_;                                        \
    __asm__ volatile("csrr %0, " #csr : "=r"(csr_value_));      \
    csr_value_; })
#define csr_write(csr, value) \
    __asm__ volatile("csrw " #csr ", %0" :: "rK"((uint32_t)(value)) : "memory")
#define csr_set(csr, bits) \
    __asm__ volatile("csrs " #csr ", %0" :: "rK"((uint32_t)(bits)) : "memory")
#define csr_clear(csr, bits) \
    __asm__ volatile("csrc " #csr ", %0" :: "rK"((uint32_t)(bits)) : "memory")

/* mstatus / sstatus */
#define SSTATUS_SIE   0x00000002u
#define MSTATUS_MIE   0x00000008u
#define SSTATUS_SPIE  0x00000020u
#define MSTATUS_MPIE  0x00000080u
#define SSTATUS_SPP   0x00000100u
#define MSTATUS_MPP   0x00001800u
#define MSTATUS_MPP_S 0x00000800u
#define MSTATUS_MPP_M 0x00001800u
#define MSTATUS_MPRV  0x00020000u
#define SSTATUS_SUM   0x00040000u

/* Interrupt numbers (bits of mip/mie, sip/sie; scause with the top bit). */
#define IRQ_S_SOFT    1
#define IRQ_VS_SOFT   2
#define IRQ_M_SOFT    3
#define IRQ_S_TIMER   5
#define IRQ_VS_TIMER  6
#define IRQ_M_TIMER   7
#define IRQ_S_EXT     9
#define IRQ_VS_EXT    10
#define IRQ_M_EXT     11
#define MIP_SSIP      (1u << IRQ_S_SOFT)
#define MIP_MSIP      (1u << IRQ_M_SOFT)
#define MIP_STIP      (1u << IRQ_S_TIMER)
#define MIP_MTIP      (1u << IRQ_M_TIMER)
#define MIP_SEIP      (1u << IRQ_S_EXT)
#define MIP_VSSIP     (1u << IRQ_VS_SOFT)
#define MIP_VSTIP     (1u << IRQ_VS_TIMER)
#define MIP_VSEIP     (1u << IRQ_VS_EXT)

#define CAUSE_INTERRUPT            0x80000000u

/* Exception causes. */
#define CAUSE_MISALIGNED_FETCH     0
#define CAUSE_FETCH_ACCESS         1
#define CAUSE_ILLEGAL_INSTRUCTION  2
#define CAUSE_BREAKPOINT           3
#define CAUSE_MISALIGNED_LOAD      4
#define CAUSE_LOAD_ACCESS          5
#define CAUSE_MISALIGNED_STORE     6
#define CAUSE_STORE_ACCESS         7
#define CAUSE_USER_ECALL           8
#define CAUSE_SUPERVISOR_ECALL     9
#define CAUSE_VIRTUAL_SUPERVISOR_ECALL 10
#define CAUSE_MACHINE_ECALL        11
#define CAUSE_FETCH_PAGE_FAULT     12
#define CAUSE_LOAD_PAGE_FAULT      13
#define CAUSE_STORE_PAGE_FAULT     15
#define CAUSE_FETCH_GUEST_PAGE_FAULT 20
#define CAUSE_LOAD_GUEST_PAGE_FAULT  21
#define CAUSE_VIRTUAL_INSTRUCTION  22
#define CAUSE_STORE_GUEST_PAGE_FAULT 23
#define NCAUSE                     24   /* exception causes a table covers */

/* misa */
#define MISA_H (1u << ('H' - 'A'))

/* menvcfgh: the upper half of menvcfg on RV32. STCE (menvcfg bit 63), with
 * Sstc: stimecmp (and a hypervisor's henvcfg.STCE) usable below M-mode. */
#define MENVCFGH_STCE (1u << 31)

/* Counters S (mcounteren) or U (scounteren) may read: cycle, time, instret. */
#define COUNTEREN_CY_TM_IR 0x7u

/* PMP configuration */
#define PMP_R     0x01u
#define PMP_W     0x02u
#define PMP_X     0x04u
#define PMP_NAPOT 0x18u

/* Sv32 */
#define PAGE_SIZE   4096u
#define PAGE_SHIFT  12
#define MEGAPAGE_SIZE 0x400000u         /* one level-1 leaf maps 4 MiB */
#define PTE_V 0x001u
#define PTE_R 0x002u
#define PTE_W 0x004u
#define PTE_X 0x008u
#define PTE_U 0x010u
#define PTE_G 0x020u
#define PTE_A 0x040u
#define PTE_D 0x080u
#define SATP_MODE_SV32 0x80000000u

/* The time CSR, 64 bits read in two halves without tearing. */
static inline uint64_t read_time(void)
{
    uint32_t high, low;
    do {
        high = csr_read(timeh);
        low = csr_read(time);
    } while (high != csr_read(timeh));
    return (uint64_t)high << 32 | low;
}

static inline void fence_rw(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }
static inline void fence_io(void) { __asm__ volatile("fence iorw, iorw" ::: "memory"); }
static inline void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }
static inline void sfence_vma(void) { __asm__ volatile("sfence.vma" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* MMIO accessors: device registers are read and written exactly once. */
static inline uint8_t mmio_read8(uintptr_t address) { return *(volatile uint8_t *)address; }
static inline uint32_t mmio_read32(uintptr_t address) { return *(volatile uint32_t *)address; }
static inline void mmio_write8(uintptr_t address, uint8_t value) { *(volatile uint8_t *)address = value; }
static inline void mmio_write32(uintptr_t address, uint32_t value) { *(volatile uint32_t *)address = value; }

#endif
