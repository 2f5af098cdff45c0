/*
 * Names from the RISC-V privileged specification: CSR numbers, exception
 * and interrupt causes, and the fields of mstatus and satp. Search the
 * specification for any of these names.
 */

// ---- privilege modes ----
export const PRV_U = 0;
export const PRV_S = 1;
export const PRV_M = 3;

// ---- exception causes (mcause with the interrupt bit clear) ----
export const CAUSE_MISALIGNED_FETCH = 0;
export const CAUSE_FETCH_ACCESS = 1;
export const CAUSE_ILLEGAL_INSTRUCTION = 2;
export const CAUSE_BREAKPOINT = 3;
export const CAUSE_MISALIGNED_LOAD = 4;
export const CAUSE_LOAD_ACCESS = 5;
export const CAUSE_MISALIGNED_STORE = 6;
export const CAUSE_STORE_ACCESS = 7;
export const CAUSE_USER_ECALL = 8;
export const CAUSE_SUPERVISOR_ECALL = 9;
export const CAUSE_MACHINE_ECALL = 11;
export const CAUSE_FETCH_PAGE_FAULT = 12;
export const CAUSE_LOAD_PAGE_FAULT = 13;
export const CAUSE_STORE_PAGE_FAULT = 15;
// H extension
export const CAUSE_VIRTUAL_SUPERVISOR_ECALL = 10;
export const CAUSE_FETCH_GUEST_PAGE_FAULT = 20;
export const CAUSE_LOAD_GUEST_PAGE_FAULT = 21;
export const CAUSE_VIRTUAL_INSTRUCTION = 22;
export const CAUSE_STORE_GUEST_PAGE_FAULT = 23;

// ---- interrupt numbers (mcause with bit 31 set; bit positions in mip/mie) ----
export const IRQ_S_SOFT = 1;
export const IRQ_M_SOFT = 3;
export const IRQ_S_TIMER = 5;
export const IRQ_M_TIMER = 7;
export const IRQ_S_EXT = 9;
export const IRQ_M_EXT = 11;
export const IRQ_VS_SOFT = 2;
export const IRQ_VS_TIMER = 6;
export const IRQ_VS_EXT = 10;
export const IRQ_S_GUEST_EXT = 12;
/** The VS-level interrupt bits (VSSIP, VSTIP, VSEIP). */
export const MIP_VS_MASK = (1 << 2) | (1 << 6) | (1 << 10);
/** The interrupts of the H extension: VS-level ones and SGEI. */
export const MIP_H_MASK = MIP_VS_MASK | (1 << 12);
export const INTERRUPT_BIT = 0x80000000 | 0;

// ---- mstatus fields (RV32) ----
export const MSTATUS_SIE = 1 << 1;
export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_SPIE = 1 << 5;
export const MSTATUS_UBE = 1 << 6;
export const MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8;
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_MPP = 3 << 11;
export const MSTATUS_FS = 3 << 13;
export const MSTATUS_MPRV = 1 << 17;
export const MSTATUS_SUM = 1 << 18;
export const MSTATUS_MXR = 1 << 19;
export const MSTATUS_TVM = 1 << 20;
export const MSTATUS_TW = 1 << 21;
export const MSTATUS_TSR = 1 << 22;
/** The mstatus bits this hart implements as writable (no F, V or big-endian). */
export const MSTATUS_WRITABLE =
  MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |
  MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
/** The subset of mstatus visible through sstatus. */
export const SSTATUS_MASK =
  MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR |
  (1 << 31);

// ---- mstatush (RV32) ----
export const MSTATUSH_GVA = 1 << 6;
export const MSTATUSH_MPV = 1 << 7;

// ---- hstatus (RV32; GEILEN = 0, so VGEIN is read-only zero) ----
export const HSTATUS_GVA = 1 << 6;
export const HSTATUS_SPV = 1 << 7;
export const HSTATUS_SPVP = 1 << 8;
export const HSTATUS_HU = 1 << 9;
export const HSTATUS_VTVM = 1 << 20;
export const HSTATUS_VTW = 1 << 21;
export const HSTATUS_VTSR = 1 << 22;
export const HSTATUS_WRITABLE =
  HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;

// ---- hgatp (Sv32x4) ----
export const HGATP_MODE_SV32X4 = 0x80000000 | 0;
export const HGATP_VMID_SHIFT = 22;
export const HGATP_VMID_MASK = 0x7f << 22; // VMIDLEN = 7
/** PPN of the 16 KiB-aligned root: its two low bits read as zero. */
export const HGATP_PPN_MASK = 0x3ffffc;

// ---- satp (Sv32) ----
export const SATP_MODE_SV32 = 0x80000000 | 0;
export const SATP_ASID_MASK = 0x1ff << 22;
export const SATP_PPN_MASK = 0x3fffff;

// ---- page table entries ----
export const PTE_V = 1 << 0;
export const PTE_R = 1 << 1;
export const PTE_W = 1 << 2;
export const PTE_X = 1 << 3;
export const PTE_U = 1 << 4;
export const PTE_G = 1 << 5;
export const PTE_A = 1 << 6;
export const PTE_D = 1 << 7;

// ---- misa: MXL = 1 (RV32), extensions A, C, H, I, M, S, U ----
const ext = (letter: string) => 1 << (letter.charCodeAt(0) - 65);
export const MISA_RV32IMACH_SU =
  (0x40000000 | ext('A') | ext('C') | ext('H') | ext('I') | ext('M') | ext('S') | ext('U')) | 0;

// ---- CSR numbers ----
export const CSR_FFLAGS = 0x001;
export const CSR_SSTATUS = 0x100;
export const CSR_SIE = 0x104;
export const CSR_STVEC = 0x105;
export const CSR_SCOUNTEREN = 0x106;
export const CSR_SENVCFG = 0x10a;
export const CSR_SSCRATCH = 0x140;
export const CSR_SEPC = 0x141;
export const CSR_SCAUSE = 0x142;
export const CSR_STVAL = 0x143;
export const CSR_SIP = 0x144;
export const CSR_SATP = 0x180;
export const CSR_VSSTATUS = 0x200;
export const CSR_VSIE = 0x204;
export const CSR_VSTVEC = 0x205;
export const CSR_VSSCRATCH = 0x240;
export const CSR_VSEPC = 0x241;
export const CSR_VSCAUSE = 0x242;
export const CSR_VSTVAL = 0x243;
export const CSR_VSIP = 0x244;
export const CSR_VSATP = 0x280;
export const CSR_HSTATUS = 0x600;
export const CSR_HEDELEG = 0x602;
export const CSR_HIDELEG = 0x603;
export const CSR_HIE = 0x604;
export const CSR_HTIMEDELTA = 0x605;
export const CSR_HCOUNTEREN = 0x606;
export const CSR_HGEIE = 0x607;
export const CSR_HENVCFG = 0x60a;
export const CSR_HTIMEDELTAH = 0x615;
export const CSR_HENVCFGH = 0x61a;
export const CSR_HTVAL = 0x643;
export const CSR_HIP = 0x644;
export const CSR_HVIP = 0x645;
export const CSR_HTINST = 0x64a;
export const CSR_HGATP = 0x680;
export const CSR_HGEIP = 0xe12;
export const CSR_MSTATUS = 0x300;
export const CSR_MISA = 0x301;
export const CSR_MEDELEG = 0x302;
export const CSR_MIDELEG = 0x303;
export const CSR_MIE = 0x304;
export const CSR_MTVEC = 0x305;
export const CSR_MCOUNTEREN = 0x306;
export const CSR_MENVCFG = 0x30a;
export const CSR_MSTATUSH = 0x310;
export const CSR_MENVCFGH = 0x31a;
export const CSR_MCOUNTINHIBIT = 0x320;
export const CSR_MHPMEVENT3 = 0x323;
export const CSR_MHPMEVENT31 = 0x33f;
export const CSR_MSCRATCH = 0x340;
export const CSR_MEPC = 0x341;
export const CSR_MCAUSE = 0x342;
export const CSR_MTVAL = 0x343;
export const CSR_MIP = 0x344;
export const CSR_MTINST = 0x34a;
export const CSR_MTVAL2 = 0x34b;
export const CSR_PMPCFG0 = 0x3a0;
export const CSR_PMPCFG3 = 0x3a3;
export const CSR_PMPADDR0 = 0x3b0;
export const CSR_PMPADDR15 = 0x3bf;
// Sdtrig (RISC-V Debug Specification): the trigger module; tcontrol (0x7a5),
// mcontext (0x7a8) and scontext (0x5a8) are not implemented, as on QEMU 7.2.
export const CSR_TSELECT = 0x7a0;
export const CSR_TDATA1 = 0x7a1;
export const CSR_TDATA2 = 0x7a2;
export const CSR_TDATA3 = 0x7a3;
export const CSR_TINFO = 0x7a4;
export const CSR_MCYCLE = 0xb00;
export const CSR_MINSTRET = 0xb02;
export const CSR_MHPMCOUNTER3 = 0xb03;
export const CSR_MHPMCOUNTER31 = 0xb1f;
export const CSR_MCYCLEH = 0xb80;
export const CSR_MINSTRETH = 0xb82;
export const CSR_MHPMCOUNTER3H = 0xb83;
export const CSR_MHPMCOUNTER31H = 0xb9f;
export const CSR_CYCLE = 0xc00;
export const CSR_TIME = 0xc01;
export const CSR_INSTRET = 0xc02;
export const CSR_HPMCOUNTER3 = 0xc03;
export const CSR_HPMCOUNTER31 = 0xc1f;
export const CSR_CYCLEH = 0xc80;
export const CSR_TIMEH = 0xc81;
export const CSR_INSTRETH = 0xc82;
export const CSR_HPMCOUNTER3H = 0xc83;
export const CSR_HPMCOUNTER31H = 0xc9f;
export const CSR_MVENDORID = 0xf11;
export const CSR_MARCHID = 0xf12;
export const CSR_MIMPID = 0xf13;
export const CSR_MHARTID = 0xf14;
export const CSR_MCONFIGPTR = 0xf15;
