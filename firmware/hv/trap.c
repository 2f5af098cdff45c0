/*
 * trap.c: every exit lands here, in one dispatch table by cause. SBI calls
 * (ecall from VS-mode), emulated devices (guest-page faults on their
 * windows), virtual-instruction traps (WFI blocks the vCPU; anything else
 * the guest may not do becomes the illegal-instruction trap a bare hart
 * would give it), and the hypervisor's own interrupts. What is left is a
 * guest touching what it does not own: the domain is crashed and
 * reported, and nothing else is touched.
 */
#include "hv.h"

typedef void (*exit_handler)(struct vcpu *v, uint32_t cause);

static const char *const cause_names[EXIT_SLOTS] = {
    [CAUSE_MISALIGNED_FETCH] = "misaligned fetch",
    [CAUSE_FETCH_ACCESS] = "instruction access fault",
    [CAUSE_ILLEGAL_INSTRUCTION] = "illegal instruction",
    [CAUSE_BREAKPOINT] = "breakpoint",
    [CAUSE_MISALIGNED_LOAD] = "misaligned load",
    [CAUSE_LOAD_ACCESS] = "load access fault",
    [CAUSE_MISALIGNED_STORE] = "misaligned store",
    [CAUSE_STORE_ACCESS] = "store access fault",
    [CAUSE_USER_ECALL] = "ecall from VU",
    [CAUSE_VIRTUAL_SUPERVISOR_ECALL] = "ecall from VS (SBI)",
    [CAUSE_FETCH_PAGE_FAULT] = "instruction page fault",
    [CAUSE_LOAD_PAGE_FAULT] = "load page fault",
    [CAUSE_STORE_PAGE_FAULT] = "store page fault",
    [CAUSE_FETCH_GUEST_PAGE_FAULT] = "instruction guest-page fault",
    [CAUSE_LOAD_GUEST_PAGE_FAULT] = "load guest-page fault",
    [CAUSE_VIRTUAL_INSTRUCTION] = "virtual instruction",
    [CAUSE_STORE_GUEST_PAGE_FAULT] = "store guest-page fault",
    [32 + IRQ_S_SOFT] = "IPI (S software interrupt)",
    [32 + IRQ_S_TIMER] = "timer (S timer interrupt)",
    [32 + IRQ_S_EXT] = "external (S external interrupt)",
};

/* "load guest-page fault", for a cause slot (statistics). */
const char *exit_cause_name(int slot)
{
    return slot >= 0 && slot < EXIT_SLOTS && cause_names[slot] ? cause_names[slot] : "other";
}

static int cause_slot(uint32_t cause)
{
    uint32_t code = cause & ~CAUSE_INTERRUPT;
    if (cause & CAUSE_INTERRUPT)
        return code < EXIT_SLOTS - 32 ? 32 + (int)code : EXIT_SLOTS - 1;
    return code < 32 ? (int)code : EXIT_SLOTS - 1;
}

/* Fetches the instruction at the guest's pc through its translation; 0 if that faults. */
static uint32_t fetch_instruction(struct vcpu *v)
{
    uint32_t low, high;
    if (guest_fetch_u16(v->regs.pc, &low) < 0)
        return 0;
    if ((low & 3) != 3)
        return low;
    if (guest_fetch_u16(v->regs.pc + 2, &high) < 0)
        return 0;
    return high << 16 | low;
}

/*
 * A virtual-instruction trap: the guest tried what VS/VU-mode may not do.
 * WFI from VS-mode blocks the vCPU; everything else is an illegal
 * instruction to the guest, as it would be on a hart without H.
 */
static void virtual_instruction(struct vcpu *v, uint32_t cause)
{
    (void)cause;
    /* stval holds the instruction, or 0. Before blocking a vCPU on its word the
     * hypervisor reads the instruction itself: QEMU 7.2 can leave in stval the
     * last instruction it decoded (the hypervisor's own WFI, when idle). */
    uint32_t insn = csr_read(stval);
    if (insn == 0 || insn == INSN_WFI)
        insn = fetch_instruction(v);
    if (insn == INSN_WFI && (v->regs.sstatus & SSTATUS_SPP)) {
        v->regs.pc += 4;
        vcpu_block(v);
        return;
    }
    vcpu_inject_exception(v, CAUSE_ILLEGAL_INSTRUCTION, insn);
}

static void sbi_call_exit(struct vcpu *v, uint32_t cause)
{
    (void)cause;
    vsbi_handle(v);
}

static void guest_page_fault(struct vcpu *v, uint32_t cause)
{
    mmio_guest_page_fault(v, cause);
}

/*
 * A guest-page fault outside the domain's RAM and devices: the domain
 * touched memory it does not own. htinst tells a walk of the guest's own
 * page tables (a pseudoinstruction; htval then holds the PTE's address)
 * from the access itself.
 */
void guest_memory_crash(struct vcpu *v, uint32_t cause)
{
    static const char *const kinds[] = {
        [CAUSE_FETCH_GUEST_PAGE_FAULT - 20] = "instruction fetch from",
        [CAUSE_LOAD_GUEST_PAGE_FAULT - 20] = "load from",
        [CAUSE_STORE_GUEST_PAGE_FAULT - 20] = "store to",
    };
    static const uint32_t access_faults[] = {
        [CAUSE_FETCH_GUEST_PAGE_FAULT - 20] = CAUSE_FETCH_ACCESS,
        [CAUSE_LOAD_GUEST_PAGE_FAULT - 20] = CAUSE_LOAD_ACCESS,
        [CAUSE_STORE_GUEST_PAGE_FAULT - 20] = CAUSE_STORE_ACCESS,
    };
    uint32_t htinst = csr_read(htinst), gpa = guest_fault_address();
    int walk = htinst == TINST_PTE_READ || htinst == TINST_PTE_WRITE;
    if (!walk && gpa >= GUEST_XEN_BASE && gpa - GUEST_XEN_BASE < GUEST_XEN_SIZE) {
        /*
         * In its window, where it maps what it does not own (a read-only
         * grant, a frame it has unmapped): the guest gets the access fault
         * a bare hart gives for an address that refuses the access, as Xen
         * on Arm injects a data abort, and the domain goes on.
         */
        if (v->domain->window_faults++ < WINDOW_FAULTS_LOGGED)
            hv_printk("d%dv%d (%s): %s guest-physical 0x%08x in its window, not mapped so: an access fault for it "
                      "(pc 0x%08x)\n", v->domain->id, v->id, v->domain->config.name, kinds[cause - 20], (unsigned)gpa,
                      (unsigned)v->regs.pc);
        vcpu_inject_exception(v, access_faults[cause - 20], csr_read(stval));
        return;
    }
    if (htinst == TINST_PTE_READ || htinst == TINST_PTE_WRITE)
        domain_crash(v, "page-table %s at guest-physical 0x%08x, outside its memory, for address 0x%08x (pc 0x%08x)",
                     htinst == TINST_PTE_READ ? "read" : "write", (unsigned)gpa, (unsigned)csr_read(stval),
                     (unsigned)v->regs.pc);
    else
        domain_crash(v, "%s guest-physical 0x%08x, outside its memory (pc 0x%08x)", kinds[cause - 20], (unsigned)gpa,
                     (unsigned)v->regs.pc);
}

/* Anything else the guest caused that the hypervisor does not serve. */
static void unexpected_exit(struct vcpu *v, uint32_t cause)
{
    int slot = cause_slot(cause);
    if (cause == CAUSE_FETCH_GUEST_PAGE_FAULT)
        guest_memory_crash(v, cause);
    else
        domain_crash(v, "%s (cause %u) at pc 0x%08x, tval 0x%08x", exit_cause_name(slot), (unsigned)cause,
                     (unsigned)v->regs.pc, (unsigned)csr_read(stval));
}

static const exit_handler exit_handlers[32] = {
    [CAUSE_VIRTUAL_SUPERVISOR_ECALL] = sbi_call_exit,
    [CAUSE_LOAD_GUEST_PAGE_FAULT] = guest_page_fault,
    [CAUSE_STORE_GUEST_PAGE_FAULT] = guest_page_fault,
    [CAUSE_VIRTUAL_INSTRUCTION] = virtual_instruction,
};

/*
 * From entry.S, with v's registers saved and the vCPU still loaded:
 * counts the exit, handles it, and returns to a guest (pcpu_return).
 */
void vcpu_exit(struct vcpu *v)
{
    v->in_guest = 0;
    v->exit_at = time_low();
    uint32_t cause = csr_read(scause);
    v->stats.exits[cause_slot(cause)]++;
    if (cause & CAUSE_INTERRUPT) {
        pcpu_handle_interrupts(1u << (cause & 31));
    } else {
        exit_handler handler = cause < 32 ? exit_handlers[cause] : 0;
        (handler ? handler : unexpected_exit)(v, cause);
    }
    pcpu_exit_done(this_pcpu(), v);
}

/* A trap in the hypervisor itself, not under a guest access: a hypervisor bug. */
void hv_fatal_trap(void)
{
    panic("trap in the hypervisor: scause 0x%08x at pc 0x%08x, stval 0x%08x, hart %u",
          (unsigned)csr_read(scause), (unsigned)csr_read(sepc), (unsigned)csr_read(stval),
          (unsigned)this_pcpu()->hartid);
}
