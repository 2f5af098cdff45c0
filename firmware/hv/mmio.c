/*
 * mmio.c: guest-page faults, the exits of full virtualization's emulated
 * devices. A guest's load or store to an address with no RAM behind it
 * faults into the hypervisor with the guest-physical address in htval.
 * Inside the window of an emulated device (the vUART, the vPLIC) the
 * hypervisor decodes the instruction, from htinst when the hart gives a
 * transformed instruction there, else by reading it from the guest with
 * HLVX; performs the access on the device model; writes the loaded value
 * to the destination register; and steps the guest past the instruction.
 * Anywhere else the guest touched memory it does not own: it is crashed.
 */
#include "hv.h"

#define OPCODE_LOAD  0x03
#define OPCODE_STORE 0x23

/* A decoded load or store. */
struct access {
    int store;
    uint32_t size;              /* 1, 2, 4 */
    int sign_extend;
    int reg;                    /* rd (load) or rs2 (store) */
    uint32_t length;            /* 2 or 4 bytes of instruction */
};

/* A 32-bit load/store (or htinst's transformed form of one). 0, or -1 if it is none. */
static int decode_standard(uint32_t insn, struct access *a)
{
    uint32_t opcode = insn & 0x7f, funct3 = (insn >> 12) & 7;
    if (opcode == OPCODE_LOAD && funct3 != 3 && funct3 < 6) {
        a->store = 0;
        a->size = 1u << (funct3 & 3);
        a->sign_extend = funct3 < 4;
        a->reg = (int)((insn >> 7) & 31);
        return 0;
    }
    if (opcode == OPCODE_STORE && funct3 < 3) {
        a->store = 1;
        a->size = 1u << funct3;
        a->sign_extend = 0;
        a->reg = (int)((insn >> 20) & 31);
        return 0;
    }
    return -1;
}

/* C.LW, C.SW, C.LWSP, C.SWSP. 0, or -1 for any other compressed instruction. */
static int decode_compressed(uint32_t insn, struct access *a)
{
    uint32_t quadrant = insn & 3, funct3 = (insn >> 13) & 7;
    a->size = 4;
    a->sign_extend = 1;
    if (quadrant == 0 && (funct3 == 2 || funct3 == 6)) {
        a->store = funct3 == 6;
        a->reg = 8 + (int)((insn >> 2) & 7);
        return 0;
    }
    if (quadrant == 2 && funct3 == 2 && ((insn >> 7) & 31) != 0) {
        a->store = 0;
        a->reg = (int)((insn >> 7) & 31);
        return 0;
    }
    if (quadrant == 2 && funct3 == 6) {
        a->store = 1;
        a->reg = (int)((insn >> 2) & 31);
        return 0;
    }
    return -1;
}

/*
 * Decodes the trapping instruction. htinst holds a transformed
 * instruction (bit 0 set; bit 1 clear if the original was compressed), a
 * pseudoinstruction for an implicit page-table access, or 0; without it
 * the hypervisor reads the guest's instruction itself. Returns 0, 1 for
 * "not a plain load or store", or -1 when it cannot be read.
 */
static int decode_access(struct vcpu *v, struct access *a)
{
    uint32_t htinst = csr_read(htinst);
    if (htinst & 1) {
        a->length = (htinst & 2) ? 4 : 2;
        return decode_standard(htinst | 2, a) < 0 ? 1 : 0;
    }
    if (htinst != 0)
        return 1;                   /* the guest's own page tables are outside its RAM */
    uint32_t low, high;
    if (guest_fetch_u16(v->regs.pc, &low) < 0)
        return -1;
    if ((low & 3) != 3) {
        a->length = 2;
        return decode_compressed(low, a) < 0 ? 1 : 0;
    }
    if (guest_fetch_u16(v->regs.pc + 2, &high) < 0)
        return -1;
    a->length = 4;
    return decode_standard(high << 16 | low, a) < 0 ? 1 : 0;
}

static uint32_t extend(uint32_t value, const struct access *a)
{
    if (a->size == 4)
        return value;
    uint32_t bits = 8 * a->size;
    value &= (1u << bits) - 1;
    if (a->sign_extend && (value >> (bits - 1)))
        value |= ~((1u << bits) - 1);
    return value;
}

/* The vUART: byte registers; a wider access is its bytes in order, as QEMU's 16550 does. */
static int uart_access(struct vcpu *v, uint32_t offset, struct access *a, uint32_t *value)
{
    struct domain *d = v->domain;
    v->stats.mmio_uart++;
    uint32_t result = 0;
    for (uint32_t i = 0; i < a->size; i++) {
        if (offset + i >= GUEST_UART_SIZE)
            break;
        if (a->store)
            vuart_write(d, offset + i, (*value >> (8 * i)) & 0xff);
        else
            result |= vuart_read(d, offset + i) << (8 * i);
    }
    if (!a->store)
        *value = result;
    return 0;
}

/* The vPLIC: aligned 32-bit registers only (anything else is an access fault, as on the machine). */
static int plic_access(struct vcpu *v, uint32_t offset, struct access *a, uint32_t *value)
{
    v->stats.mmio_plic++;
    if (a->size != 4 || (offset & 3))
        return -1;
    return a->store ? vplic_write(v->domain, offset, *value) : vplic_read(v->domain, offset, value);
}

/* The trap a bare hart gives for a device that refuses an access: a load or store access fault. */
static void inject_access_fault(struct vcpu *v, int store)
{
    vcpu_inject_exception(v, store ? CAUSE_STORE_ACCESS : CAUSE_LOAD_ACCESS, csr_read(stval));
}

void mmio_guest_page_fault(struct vcpu *v, uint32_t cause)
{
    uint32_t gpa = guest_fault_address();
    int store = cause == CAUSE_STORE_GUEST_PAGE_FAULT;
    int (*device)(struct vcpu *, uint32_t, struct access *, uint32_t *) = 0;
    uint32_t offset = 0;
    if (gpa - GUEST_UART_BASE < GUEST_UART_SIZE) {
        device = uart_access;
        offset = gpa - GUEST_UART_BASE;
    } else if (gpa - GUEST_PLIC_BASE < GUEST_PLIC_SIZE) {
        device = plic_access;
        offset = gpa - GUEST_PLIC_BASE;
    } else {
        guest_memory_crash(v, cause);
        return;
    }
    struct access a;
    int decoded = decode_access(v, &a);
    if (decoded < 0)
        return;                     /* the instruction vanished: let the guest run into it again */
    if (decoded > 0 || a.store != store) {
        inject_access_fault(v, store);
        return;
    }
    uint32_t value = a.store ? v->regs.x[a.reg] : 0;
    if (device(v, offset, &a, &value) < 0) {
        inject_access_fault(v, store);
        return;
    }
    if (!a.store && a.reg != 0)
        v->regs.x[a.reg] = extend(value, &a);
    v->regs.pc += a.length;
}
