/*
 * One RISC-V hart: RV32IMAC + Zicsr + Zifencei + Zicntr, modes M/S/U, Sv32,
 * and the H extension (V = 1: VS- and VU-mode, two-stage translation).
 *
 * Speed comes from three caches and a compiler, all exact:
 *  - decoded pages: each physical page of code is decoded once into two
 *    Int32Arrays (decode.ts); a store to such a page clears the slots it
 *    overwrote, FENCE.I clears everything;
 *  - a software TLB per access kind (read, write, fetch), direct-mapped,
 *    tagged with the virtual page number, the privilege the access is made
 *    at, V and the VMID, so that mode switches and switches between
 *    guests need no flush; SFENCE.VMA, HFENCE, satp, vsatp, PMP and the
 *    status bits that change translation (SUM, MXR) flush it. Write entries are never
 *    made for pages holding decoded code, so stores to code take the slow
 *    path that invalidates it;
 *  - the execute loop keeps pc and the instruction count in locals and runs
 *    a batch of instructions between interrupt checks. Anything that can
 *    make an interrupt pending or change translation ends the batch;
 * and, on top of them, compiled blocks (compile.ts): hot code on a page of
 * RAM translated into JavaScript functions, marked in the decoded page's
 * ops (BLOCK_MARK) and dropped with its decoded instructions (a store to
 * code a block holds drops the page's blocks). Where batches end, pages are
 * sampled for heat; on a hot page a block starts where a batch ended, and
 * where blocks lead once control arrives there often. The loop enters a block only if the
 * batch has room for a whole pass and no trigger watches the mode, so that
 * every count and boundary is the interpreter's.
 *
 * The execute switch uses literal op numbers (a jump table in V8); each case
 * names its op in a comment, and hart.test.ts checks those names against
 * decode.ts's Op table.
 *
 * Debug triggers (trigger.ts) cost nothing while none is armed: a batch
 * reads the trigger module's mask for its mode once, and the TLBs never
 * hold the virtual page of an armed trigger (arming one flushes them). So
 * every load or store to a watched page takes the slow path, which checks
 * the triggers; entering a watched code page goes through fetchSlow, which
 * checks the instruction it enters at and leaves the watched instruction's
 * slot undecoded, so reaching it takes slowSlot, which checks it. Other
 * pages run at full speed.
 *
 * Chromium's V8 keeps small integers (Smis) in 31 bits, so an address at
 * or above 0x40000000 read from a field is a boxed number there. The loop
 * therefore truncates pc to int32 on entry (`this.pc | 0`): without that,
 * Chromium 156 ran the loop at ~87 MIPS instead of ~200 (Node, whose Smis
 * are 32 bits, was not affected). For the same reason the word and
 * immediate that slowSlot leaves in this.decoded are truncated (`| 0`) where
 * the loop takes them: the field holds immediates of 2^30 and up (LUI,
 * illegal instructions' bits), so Chromium keeps it as a double, and the
 * loop's `imm` then became a double in every case (+5% in Chromium 150).
 */
import * as C from './csr-defs.ts';
import * as K from './counters.ts';
import { BLOCK_MARK, compileBlock, readBlock, successors, type BlockEnvironment, type CompiledBlock } from './compile.ts';
import { csrRead, csrWrite } from './csr.ts';
import { decode, Op, type DecodeTarget } from './decode.ts';
import {
  ACCESS_FAULT_CAUSE, ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, PMP_ENTRIES, pmpAllows, translate,
  type MmuState,
} from './mmu.ts';
import {
  MODE_INDEX_VIRTUAL, TRIGGER_COUNT, TRIGGER_EXECUTE, TRIGGER_LOAD, TRIGGER_STORE, TriggerModule,
} from './trigger.ts';

/** What a hart needs from the board. */
export interface HartBus {
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  mmioRead(pa: number, size: number, hart: number): number | undefined;
  mmioWrite(pa: number, size: number, value: number, hart: number): boolean;
  /** mip bits asserted by devices for this hart (MSIP, MTIP, MEIP, SEIP). */
  interrupts(hart: number): number;
  /** The CLINT's mtime, for the time CSR. */
  mtime(): number;
}

export const HART_RUNNING = 0;
/** In WFI, until an enabled interrupt is pending. */
export const HART_WAITING = 1;

/** Thrown (never allocated anew) when an access faults deep in a helper. */
const TRAP = { trap: true };

const PAGE_SLOTS = 2048; // 2-byte instruction slots in a 4 KiB page
const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;
const ITLB_SIZE = 64;
const ITLB_MASK = ITLB_SIZE - 1;
/** Longest run of instructions between interrupt checks. */
export const MAX_BATCH = 4096;
/** Batches that end on a page before the block compiler translates code there. */
const HOT_BATCHES = 8;
/** Most blocks translated each time a batch ends on a hot page (from where it ended, then what it reaches). */
const BLOCKS_PER_VISIT = 8;
/** Arrivals at a slot of a page with blocks (from a block or another page) before a block starts there. */
const HOT_ARRIVALS = 16;
/** On a page with blocks, one batch end in this many adds a block where it ended (a power of two). */
const RESAMPLE_BATCHES = 64;
/** Most blocks on one page. */
const MAX_PAGE_BLOCKS = 1024;

/** A physical page of decoded instructions, and the blocks compiled from it (compile.ts). */
class DecodedPage {
  readonly ops = new Int32Array(PAGE_SLOTS);
  readonly imms = new Int32Array(PAGE_SLOTS);
  /** Batches that ended here (the compiler's measure of heat). */
  heat = 0;
  /** By slot: how often control came here from a block or another page (while no block starts here). */
  arrivals: Uint8Array | undefined = undefined;
  /** How often its blocks were dropped: each time, it must get twice as hot again. */
  drops = 0;
  /** By first slot: a compiled block, null where none can start, undefined where none was tried. */
  blocks: (CompiledBlock | null | undefined)[] | undefined = undefined;
  /** Slots whose ops hold BLOCK_MARK. */
  readonly blockSlots: number[] = [];
  /** By slot: 1 where some block holds (part of) an instruction; stores elsewhere on the page keep the blocks. */
  covered: Uint8Array | undefined = undefined;
  /** Physical address of the page; ramOffset is -1 for code outside RAM (the boot ROM). */
  constructor(readonly address: number, readonly ramOffset: number) {}
}

/** Counter mode index of each privilege level (PRV_U, PRV_S, -, PRV_M). */
const MODE_OF_PRIV = [K.MODE_U, K.MODE_S, K.MODE_S, K.MODE_M];
/** The same for V = 1 (VU, VS). */
const MODE_OF_VIRTUAL_PRIV = [K.MODE_VU, K.MODE_VS, K.MODE_VS, K.MODE_M];

/** Interrupts in the order the privileged specification takes them. */
const INTERRUPT_PRIORITY = [
  C.IRQ_M_EXT, C.IRQ_M_SOFT, C.IRQ_M_TIMER, C.IRQ_S_EXT, C.IRQ_S_SOFT, C.IRQ_S_TIMER,
  C.IRQ_S_GUEST_EXT, C.IRQ_VS_EXT, C.IRQ_VS_SOFT, C.IRQ_VS_TIMER,
];

export class Hart implements MmuState {
  readonly x = new Int32Array(33); // x0..x31, and x[32], the sink for writes to x0
  pc = 0;
  priv = C.PRV_M;
  /** The virtualization mode V: true in VS- and VU-mode. */
  virt = false;
  state = HART_RUNNING;
  /** Set by the host to make run() return after the current batch (power off, reboot, pause). */
  stopRequested = false;

  // ---- CSRs ----
  mstatus = 0;
  mie = 0;
  /** The software-writable mip bits (SSIP, STIP, SEIP); devices supply the rest. */
  mipSoftware = 0;
  medeleg = 0;
  mideleg = 0;
  mtvec = 0;
  mepc = 0;
  mcause = 0;
  mtval = 0;
  mscratch = 0;
  mcounteren = 0;
  mcountinhibit = 0;
  menvcfg = 0;
  stvec = 0;
  sepc = 0;
  scause = 0;
  stval = 0;
  sscratch = 0;
  satp = 0;
  scounteren = 0;
  senvcfg = 0;
  readonly pmpcfg = new Uint8Array(PMP_ENTRIES);
  readonly pmpaddr = new Int32Array(PMP_ENTRIES);
  // ---- H extension ----
  mstatush = 0; // MPV, GVA
  mtval2 = 0;
  mtinst = 0;
  hstatus = 0;
  hedeleg = 0;
  hideleg = 0;
  /** Virtual interrupts injected into VS (VSSIP, VSTIP, VSEIP). */
  hvip = 0;
  hcounteren = 0;
  henvcfg = 0;
  htval = 0;
  htinst = 0;
  hgatp = 0;
  htimedeltaLow = 0;
  htimedeltaHigh = 0;
  vsstatus = 0;
  vstvec = 0;
  vsscratch = 0;
  vsepc = 0;
  vscause = 0;
  vstval = 0;
  vsatp = 0;
  /** Sdtrig: tselect, tdata1..3, tinfo and the triggers behind them. */
  readonly triggers = new TriggerModule();

  // ---- counters ----
  private minstret = 0;
  private mcycle = 0;
  /** Instructions retired so far in the running batch (for counter reads mid-batch). */
  private batchRetired = 0;

  // ---- LR/SC ----
  private reservationAddress = -1;
  private reservationValue = 0;

  // ---- memory ----
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  private readonly readTag = new Int32Array(TLB_SIZE).fill(-1);
  private readonly readOffset = new Int32Array(TLB_SIZE);
  private readonly writeTag = new Int32Array(TLB_SIZE).fill(-1);
  private readonly writeOffset = new Int32Array(TLB_SIZE);
  private readonly fetchTag = new Int32Array(ITLB_SIZE).fill(-1);
  private readonly fetchPage: (DecodedPage | undefined)[] = new Array(ITLB_SIZE).fill(undefined);
  /** Decoded pages by RAM page number. */
  private codePages: (DecodedPage | undefined)[];
  /** Decoded pages outside RAM, by physical page number. */
  private romPages = new Map<number, DecodedPage>();
  /** Set by a slow-path access that touched a device: the batch ends after it. */
  private deviceTouched = false;
  /** Whether hot code is compiled into blocks (compile.ts); false runs the interpreter only. */
  readonly compile: boolean;
  /** Left by a compiled block: the instructions it retired. */
  blockRetired = 0;
  private blockEnvironment: BlockEnvironment | undefined;
  /** Blocks compiled, and pages whose blocks were dropped, since the hart was made (for tests and tools). */
  blocksCompiled = 0;
  blockDrops = 0;
  /** The kinds of access (TRIGGER_LOAD, _STORE, _EXECUTE) triggers watch in the running batch's mode. */
  private watchedKinds = 0;

  // ---- pending trap (set by fault(), consumed by the loop) ----
  private trapCause = 0;
  private trapValue = 0;
  private trapGuestVirtual = false;
  private trapValue2 = 0;
  private trapInstruction = 0;
  /** The bits of the CSR instruction being executed, for mtval if it is illegal. */
  private csrInstruction = 0;

  private readonly decoded: DecodeTarget = { word: 0, imm: 0 };

  /**
   * `counters` (layout in counters.ts) and `status` may be views of shared
   * memory, so that others read them while the hart runs.
   */
  constructor(
    readonly id: number,
    readonly bus: HartBus,
    readonly counters: Float64Array<ArrayBufferLike> = new Float64Array(K.HART_COUNTER_WORDS),
    readonly status: Int32Array<ArrayBufferLike> = new Int32Array(K.HART_STATUS_WORDS),
    options: { compile?: boolean } = {},
  ) {
    this.compile = options.compile ?? true;
    this.ramBase = bus.ramBase;
    this.ramSize = bus.ramSize;
    this.ram8 = bus.ram8;
    this.ram16 = bus.ram16;
    this.ram32 = bus.ram32;
    this.codePages = new Array(Math.ceil(bus.ramSize / 4096)).fill(undefined);
  }

  /** Puts the hart in its reset state, starting at `pc` in M-mode. */
  reset(pc: number): void {
    this.x.fill(0);
    this.pc = pc | 0;
    this.priv = C.PRV_M;
    this.virt = false;
    this.state = HART_RUNNING;
    this.mstatus = this.mie = this.mipSoftware = this.medeleg = this.mideleg = 0;
    this.mtvec = this.mepc = this.mcause = this.mtval = this.mscratch = 0;
    this.mcounteren = this.mcountinhibit = this.menvcfg = 0;
    this.stvec = this.sepc = this.scause = this.stval = this.sscratch = this.satp = 0;
    this.scounteren = this.senvcfg = 0;
    this.pmpcfg.fill(0);
    this.pmpaddr.fill(0);
    this.mstatush = this.mtval2 = this.mtinst = this.hstatus = this.hedeleg = this.hideleg = this.hvip = 0;
    this.hcounteren = this.henvcfg = this.htval = this.htinst = this.hgatp = 0;
    this.htimedeltaLow = this.htimedeltaHigh = 0;
    this.vsstatus = this.vstvec = this.vsscratch = this.vsepc = this.vscause = this.vstval = this.vsatp = 0;
    this.minstret = this.mcycle = 0;
    this.triggers.reset();
    this.counters.fill(0);
    this.publishStatus();
    this.reservationAddress = -1;
    this.flushCode();
  }

  // ================================================================
  // Running
  // ================================================================

  /**
   * Runs up to `budget` instructions (fewer if the hart enters WFI).
   * Returns the number of instructions retired.
   */
  run(budget: number): number {
    let retired = 0;
    let steps = 0; // retired instructions plus traps, so a trap loop still ends
    while (steps < budget && !this.stopRequested) {
      if (this.state === HART_WAITING && !this.wakeFromWfi()) break;
      this.takePendingInterrupt();
      const n = this.runBatch(Math.min(budget - steps, MAX_BATCH));
      retired += n;
      steps += n === 0 ? 1 : n;
    }
    return retired;
  }

  /** The interrupts that are pending and enabled in mie (what WFI waits for). */
  pendingInterrupts(): number {
    return this.readMip() & this.mie;
  }

  /** Leaves WFI if an interrupt is pending; returns true if the hart runs again. */
  wakeFromWfi(): boolean {
    if (this.pendingInterrupts() === 0) return false;
    this.state = HART_RUNNING;
    return true;
  }

  readMip(): number {
    return this.mipSoftware | this.bus.interrupts(this.id) | (this.hvip & C.MIP_VS_MASK);
  }

  /** mideleg as read: the VS-level interrupts and SGEI are always delegated to HS. */
  midelegEffective(): number {
    return this.mideleg | C.MIP_H_MASK;
  }

  /**
   * Takes the highest-priority interrupt that is pending, enabled and not
   * masked. Interrupts for a more privileged level come first: M, then HS,
   * then VS; VS-level ones are taken only while V=1.
   */
  private takePendingInterrupt(): void {
    const pending = this.pendingInterrupts();
    if (pending === 0) return;
    const delegated = this.midelegEffective();
    const sie = (this.mstatus & C.MSTATUS_SIE) !== 0;
    const machine = pending & ~delegated;
    const hypervisor = pending & delegated & ~this.hideleg;
    const guest = pending & delegated & this.hideleg;
    let takeable = 0;
    if (this.priv < C.PRV_M || (this.mstatus & C.MSTATUS_MIE)) takeable = machine;
    if (takeable === 0 && (this.virt || this.priv < C.PRV_S || (this.priv === C.PRV_S && sie))) takeable = hypervisor;
    if (takeable === 0 && this.virt && (this.priv === C.PRV_U || (this.vsstatus & C.MSTATUS_SIE))) takeable = guest;
    if (takeable === 0) return;
    for (const irq of INTERRUPT_PRIORITY) {
      if (takeable & (1 << irq)) {
        this.takeTrap(irq, true, 0);
        return;
      }
    }
  }

  /**
   * Enters the trap handler for `cause` (an exception, or an interrupt if
   * `interrupt`) in M-, HS- or VS-mode, following medeleg/mideleg and then
   * hedeleg/hideleg. this.pc must hold the pc of the trapping instruction
   * (or the next one, for interrupts). `guestVirtual`, `tval2` and `tinst`
   * are the H extension's GVA, htval/mtval2 and htinst/mtinst.
   */
  takeTrap(cause: number, interrupt: boolean, tval: number, guestVirtual = false, tval2 = 0, tinst = 0): void {
    const bit = 1 << cause;
    let target = K.TARGET_M;
    if (this.priv <= C.PRV_S && ((interrupt ? this.midelegEffective() : this.medeleg) & bit)) {
      target = this.virt && ((interrupt ? this.hideleg : this.hedeleg) & bit) ? K.TARGET_VS : K.TARGET_S;
    }
    const slot = K.causeSlot(cause, interrupt);
    this.counters[K.trapIndex(target, slot)]++;
    if (this.virt && target !== K.TARGET_VS) this.counters[K.VM_EXITS + slot]++;
    this.reservationAddress = -1;
    if (target === K.TARGET_VS) return this.trapToVirtualSupervisor(cause, interrupt, tval);
    const causeValue = (interrupt ? C.INTERRUPT_BIT : 0) | cause;
    const vectorOffset = interrupt ? 4 * cause : 0;
    const previousPriv = this.priv;
    const previousVirt = this.virt;
    this.virt = false;
    if (target === K.TARGET_S) {
      this.scause = causeValue;
      this.sepc = this.pc;
      this.stval = tval;
      this.htval = tval2;
      this.htinst = tinst;
      let h = this.hstatus & ~(C.HSTATUS_SPV | C.HSTATUS_GVA);
      if (previousVirt) h = (h & ~C.HSTATUS_SPVP) | C.HSTATUS_SPV | (previousPriv === C.PRV_S ? C.HSTATUS_SPVP : 0);
      if (guestVirtual) h |= C.HSTATUS_GVA;
      this.hstatus = h;
      this.mstatus = stackInterruptEnable(this.mstatus, previousPriv);
      this.priv = C.PRV_S;
      this.pc = ((this.stvec & ~3) + ((this.stvec & 1) ? vectorOffset : 0)) | 0;
    } else {
      this.mcause = causeValue;
      this.mepc = this.pc;
      this.mtval = tval;
      this.mtval2 = tval2;
      this.mtinst = tinst;
      this.mstatush = (previousVirt ? C.MSTATUSH_MPV : 0) | (guestVirtual ? C.MSTATUSH_GVA : 0);
      let s = this.mstatus & ~(C.MSTATUS_MPIE | C.MSTATUS_MIE | C.MSTATUS_MPP);
      if (this.mstatus & C.MSTATUS_MIE) s |= C.MSTATUS_MPIE;
      s |= previousPriv << C.MSTATUS_MPP_SHIFT;
      this.mstatus = s;
      this.priv = C.PRV_M;
      this.pc = ((this.mtvec & ~3) + ((this.mtvec & 1) ? vectorOffset : 0)) | 0;
    }
  }

  /** A trap delegated to the guest: VS-mode's own registers; V stays 1. */
  private trapToVirtualSupervisor(cause: number, interrupt: boolean, tval: number): void {
    // VS-level interrupts appear to the guest as the S-level ones (VSSI 2 -> SSI 1, ...).
    const guestCause = interrupt ? cause - 1 : cause;
    this.vscause = (interrupt ? C.INTERRUPT_BIT : 0) | guestCause;
    this.vsepc = this.pc;
    this.vstval = tval;
    this.vsstatus = stackInterruptEnable(this.vsstatus, this.priv);
    this.priv = C.PRV_S;
    const vectorOffset = interrupt ? 4 * guestCause : 0;
    this.pc = ((this.vstvec & ~3) + ((this.vstvec & 1) ? vectorOffset : 0)) | 0;
  }

  /** Records an exception and throws the trap sentinel (used from slow paths). */
  fault(cause: number, tval: number, guestVirtual = false, tval2 = 0, tinst = 0): never {
    this.trapCause = cause;
    this.trapValue = tval;
    this.trapGuestVirtual = guestVirtual;
    this.trapValue2 = tval2;
    this.trapInstruction = tinst;
    throw TRAP;
  }

  /** Illegal instruction from the CSR instruction being executed (mtval = its bits). */
  illegalCsr(): never {
    return this.fault(C.CAUSE_ILLEGAL_INSTRUCTION, this.csrInstruction);
  }

  /** Virtual instruction from the CSR instruction being executed (V=1, allowed in HS-mode). */
  virtualInstructionCsr(): never {
    return this.fault(C.CAUSE_VIRTUAL_INSTRUCTION, this.csrInstruction);
  }

  /** The privilege loads and stores are made at: MPP when mstatus.MPRV is set in M-mode. */
  private dataPriv(): number {
    if (this.priv === C.PRV_M && (this.mstatus & C.MSTATUS_MPRV)) {
      return (this.mstatus & C.MSTATUS_MPP) >>> C.MSTATUS_MPP_SHIFT;
    }
    return this.priv;
  }

  /** Whether loads and stores are two-stage: V, or MPV under MPRV in M-mode. */
  private dataVirt(): boolean {
    if (this.priv === C.PRV_M && (this.mstatus & C.MSTATUS_MPRV)) {
      return (this.mstatush & C.MSTATUSH_MPV) !== 0 && (this.mstatus & C.MSTATUS_MPP) !== C.MSTATUS_MPP;
    }
    return this.virt;
  }

  /** The TLB tag bits above the page number: privilege, V and VMID. */
  private contextTag(priv: number, virt: boolean): number {
    return virt ? (priv << 20) | (1 << 22) | ((this.hgatp & C.HGATP_VMID_MASK) << 1) : priv << 20;
  }

  /** The VMID of the running guest (hgatp.VMID). */
  vmid(): number {
    return (this.hgatp & C.HGATP_VMID_MASK) >>> C.HGATP_VMID_SHIFT;
  }

  /**
   * Runs at most `limit` instructions without checking interrupts; returns
   * how many retired. The hot loop: everything per instruction is here.
   */
  private runBatch(limit: number): number {
    const x = this.x;
    const ram8 = this.ram8;
    const ram16 = this.ram16;
    const ram32 = this.ram32;
    const readTag = this.readTag;
    const readOffset = this.readOffset;
    const writeTag = this.writeTag;
    const writeOffset = this.writeOffset;
    const privAtStart = this.priv;
    const virtAtStart = this.virt;
    this.watchedKinds = this.triggers.watchByMode[virtAtStart ? privAtStart + MODE_INDEX_VIRTUAL : privAtStart];
    const dataTag = this.contextTag(this.dataPriv(), this.dataVirt());
    const fetchTagBits = this.contextTag(this.priv, this.virt);
    let pc = this.pc | 0; // int32 from the start: see the note at the top
    let icount = 0;
    let pageBase = 1; // virtual base of the page `ops` decodes; 1 = none
    let page: DecodedPage | undefined;
    let ops: Int32Array = this.readOffset; // replaced before first use
    let imms: Int32Array = this.readOffset;
    let exceptionCause = -1;
    let exceptionValue = 0;
    // Compiled blocks run unless a trigger watches this mode (they do not check triggers).
    const blocksAllowed = this.compile && this.watchedKinds === 0;
    try {
      loop: while (icount < limit) {
        icount++;
        if ((pc & ~0xfff) !== pageBase) {
          const vpn = pc >>> 12;
          const e = vpn & ITLB_MASK;
          page = this.fetchTag[e] === (vpn | fetchTagBits) ? this.fetchPage[e]! : this.fetchSlow(pc);
          ops = page.ops;
          imms = page.imms;
          pageBase = pc & ~0xfff;
          // Entering a page with blocks where none starts yet: one may.
          if (page.blocks !== undefined) this.arrive(page, (pc & 0xfff) >>> 1);
        }
        const slot = (pc & 0xfff) >>> 1;
        let w = ops[slot];
        let imm: number;
        if ((w & 127) < 2) {
          if (w === BLOCK_MARK) {
            const block = page!.blocks![slot]!;
            const room = limit - icount + 1;
            if (blocksAllowed && block.length <= room) {
              pc = block.run(pageBase, dataTag, room);
              if (this.blockRetired > 0) {
                icount += this.blockRetired - 1;
                // Where a block leaves for on its own page, the next block starts.
                if ((pc & ~0xfff) === pageBase) this.arrive(page!, (pc & 0xfff) >>> 1);
                continue;
              }
              // It left before its first instruction (a TLB miss): the interpreter runs that one.
            }
            w = block.word;
            imm = block.imm;
          } else {
            // `| 0`: see the note at the top (decoded.imm holds int32 values of 2^30 and up).
            w = this.slowSlot(pc, page!, slot) | 0;
            imm = this.decoded.imm | 0;
          }
        } else {
          imm = imms[slot];
        }
        const rd = (w >>> 7) & 63;
        const rs1 = (w >>> 13) & 31;
        const rs2 = (w >>> 18) & 31;
        const next = (pc + (w >>> 24)) | 0;
        switch (w & 127) {
          case 2: // ILLEGAL
            icount--;
            exceptionCause = C.CAUSE_ILLEGAL_INSTRUCTION;
            exceptionValue = imm;
            break loop;
          case 3: // LUI
            x[rd] = imm;
            pc = next;
            break;
          case 4: // AUIPC
            x[rd] = (pc + imm) | 0;
            pc = next;
            break;
          case 5: // JAL
            x[rd] = next;
            pc = (pc + imm) | 0;
            break;
          case 6: { // JALR
            const target = ((x[rs1] + imm) & ~1) | 0;
            x[rd] = next;
            pc = target;
            break;
          }
          case 7: // BEQ
            pc = x[rs1] === x[rs2] ? (pc + imm) | 0 : next;
            break;
          case 8: // BNE
            pc = x[rs1] !== x[rs2] ? (pc + imm) | 0 : next;
            break;
          case 9: // BLT
            pc = x[rs1] < x[rs2] ? (pc + imm) | 0 : next;
            break;
          case 10: // BGE
            pc = x[rs1] >= x[rs2] ? (pc + imm) | 0 : next;
            break;
          case 11: // BLTU
            pc = (x[rs1] >>> 0) < (x[rs2] >>> 0) ? (pc + imm) | 0 : next;
            break;
          case 12: // BGEU
            pc = (x[rs1] >>> 0) >= (x[rs2] >>> 0) ? (pc + imm) | 0 : next;
            break;
          case 13: { // LB
            const a = (x[rs1] + imm) | 0;
            const e = (a >>> 12) & TLB_MASK;
            let v: number;
            if (readTag[e] === ((a >>> 12) | dataTag)) v = ram8[readOffset[e] + (a & 0xfff)];
            else { v = this.loadSlow(a, 1); if (this.deviceTouched) limit = this.endOnDevice(icount); }
            x[rd] = (v << 24) >> 24;
            pc = next;
            break;
          }
          case 14: { // LH
            const a = (x[rs1] + imm) | 0;
            const e = (a >>> 12) & TLB_MASK;
            let v: number;
            if (readTag[e] === ((a >>> 12) | dataTag) && (a & 1) === 0) v = ram16[(readOffset[e] + (a & 0xfff)) >>> 1];
            else { v = this.loadSlow(a, 2); if (this.deviceTouched) limit = this.endOnDevice(icount); }
            x[rd] = (v << 16) >> 16;
            pc = next;
            break;
          }
          case 15: { // LW
            const a = (x[rs1] + imm) | 0;
            const e = (a >>> 12) & TLB_MASK;
            if (readTag[e] === ((a >>> 12) | dataTag) && (a & 3) === 0) x[rd] = ram32[(readOffset[e] + (a & 0xfff)) >>> 2];
            else { x[rd] = this.loadSlow(a, 4); if (this.deviceTouched) limit = this.endOnDevice(icount); }
            pc = next;
            break;
          }
          case 16: { // LBU
            const a = (x[rs1] + imm) | 0;
            const e = (a >>> 12) & TLB_MASK;
            if (readTag[e] === ((a >>> 12) | dataTag)) x[rd] = ram8[readOffset[e] + (a & 0xfff)];
            else { x[rd] = this.loadSlow(a, 1) & 0xff; if (this.deviceTouched) limit = this.endOnDevice(icount); }
            pc = next;
            break;
          }
          case 17: { // LHU
            const a = (x[rs1] + imm) | 0;
            const e = (a >>> 12) & TLB_MASK;
            if (readTag[e] === ((a >>> 12) | dataTag) && (a & 1) === 0) x[rd] = ram16[(readOffset[e] + (a & 0xfff)) >>> 1];
            else { x[rd] = this.loadSlow(a, 2) & 0xffff; if (this.deviceTouched) limit = this.endOnDevice(icount); }
            pc = next;
            break;
          }
          case 18: { // SB
            const a = (x[rs1] + imm) | 0;
            const e = (a >>> 12) & TLB_MASK;
            if (writeTag[e] === ((a >>> 12) | dataTag)) ram8[writeOffset[e] + (a & 0xfff)] = x[rs2];
            else { this.storeSlow(a, x[rs2], 1); if (this.deviceTouched) limit = this.endOnDevice(icount); }
            pc = next;
            break;
          }
          case 19: { // SH
            const a = (x[rs1] + imm) | 0;
            const e = (a >>> 12) & TLB_MASK;
            if (writeTag[e] === ((a >>> 12) | dataTag) && (a & 1) === 0) ram16[(writeOffset[e] + (a & 0xfff)) >>> 1] = x[rs2];
            else { this.storeSlow(a, x[rs2], 2); if (this.deviceTouched) limit = this.endOnDevice(icount); }
            pc = next;
            break;
          }
          case 20: { // SW
            const a = (x[rs1] + imm) | 0;
            const e = (a >>> 12) & TLB_MASK;
            if (writeTag[e] === ((a >>> 12) | dataTag) && (a & 3) === 0) ram32[(writeOffset[e] + (a & 0xfff)) >>> 2] = x[rs2];
            else { this.storeSlow(a, x[rs2], 4); if (this.deviceTouched) limit = this.endOnDevice(icount); }
            pc = next;
            break;
          }
          case 21: // ADDI
            x[rd] = (x[rs1] + imm) | 0;
            pc = next;
            break;
          case 22: // SLTI
            x[rd] = x[rs1] < imm ? 1 : 0;
            pc = next;
            break;
          case 23: // SLTIU
            x[rd] = (x[rs1] >>> 0) < (imm >>> 0) ? 1 : 0;
            pc = next;
            break;
          case 24: // XORI
            x[rd] = x[rs1] ^ imm;
            pc = next;
            break;
          case 25: // ORI
            x[rd] = x[rs1] | imm;
            pc = next;
            break;
          case 26: // ANDI
            x[rd] = x[rs1] & imm;
            pc = next;
            break;
          case 27: // SLLI
            x[rd] = x[rs1] << imm;
            pc = next;
            break;
          case 28: // SRLI
            x[rd] = x[rs1] >>> imm;
            pc = next;
            break;
          case 29: // SRAI
            x[rd] = x[rs1] >> imm;
            pc = next;
            break;
          case 30: // ADD
            x[rd] = (x[rs1] + x[rs2]) | 0;
            pc = next;
            break;
          case 31: // SUB
            x[rd] = (x[rs1] - x[rs2]) | 0;
            pc = next;
            break;
          case 32: // SLL
            x[rd] = x[rs1] << (x[rs2] & 31);
            pc = next;
            break;
          case 33: // SLT
            x[rd] = x[rs1] < x[rs2] ? 1 : 0;
            pc = next;
            break;
          case 34: // SLTU
            x[rd] = (x[rs1] >>> 0) < (x[rs2] >>> 0) ? 1 : 0;
            pc = next;
            break;
          case 35: // XOR
            x[rd] = x[rs1] ^ x[rs2];
            pc = next;
            break;
          case 36: // SRL
            x[rd] = x[rs1] >>> (x[rs2] & 31);
            pc = next;
            break;
          case 37: // SRA
            x[rd] = x[rs1] >> (x[rs2] & 31);
            pc = next;
            break;
          case 38: // OR
            x[rd] = x[rs1] | x[rs2];
            pc = next;
            break;
          case 39: // AND
            x[rd] = x[rs1] & x[rs2];
            pc = next;
            break;
          case 40: // MUL
            x[rd] = Math.imul(x[rs1], x[rs2]);
            pc = next;
            break;
          case 41: // MULH
            x[rd] = mulhSigned(x[rs1], x[rs2]);
            pc = next;
            break;
          case 42: // MULHSU
            x[rd] = mulhSignedUnsigned(x[rs1], x[rs2]);
            pc = next;
            break;
          case 43: // MULHU
            x[rd] = mulhUnsigned(x[rs1], x[rs2]);
            pc = next;
            break;
          case 44: { // DIV
            const a = x[rs1];
            const b = x[rs2];
            x[rd] = b === 0 ? -1 : (a === -0x80000000 && b === -1) ? a : (a / b) | 0;
            pc = next;
            break;
          }
          case 45: { // DIVU
            const b = x[rs2] >>> 0;
            x[rd] = b === 0 ? -1 : ((x[rs1] >>> 0) / b) | 0;
            pc = next;
            break;
          }
          case 46: { // REM
            const a = x[rs1];
            const b = x[rs2];
            x[rd] = b === 0 ? a : (a === -0x80000000 && b === -1) ? 0 : (a % b) | 0;
            pc = next;
            break;
          }
          case 47: { // REMU
            const b = x[rs2] >>> 0;
            x[rd] = b === 0 ? x[rs1] : ((x[rs1] >>> 0) % b) | 0;
            pc = next;
            break;
          }
          case 48: // FENCE
            Atomics.add(ram32, 0, 0); // a full barrier for the other harts' workers
            pc = next;
            break;
          case 49: // FENCE_I
            this.flushCode();
            pc = next;
            pageBase = 1;
            break;
          case 50: // ECALL
            icount--;
            exceptionCause = this.priv === C.PRV_S && this.virt ? C.CAUSE_VIRTUAL_SUPERVISOR_ECALL
              : C.CAUSE_USER_ECALL + this.priv;
            exceptionValue = 0;
            break loop;
          case 51: // EBREAK
            icount--;
            exceptionCause = C.CAUSE_BREAKPOINT;
            exceptionValue = 0; // QEMU 7.2 leaves mtval 0 (the specification allows 0 or the pc)
            break loop;
          case 52: // MRET
            if (this.priv !== C.PRV_M) {
              icount--;
              exceptionCause = C.CAUSE_ILLEGAL_INSTRUCTION;
              exceptionValue = 0x30200073;
              break loop;
            }
            pc = this.mret();
            break loop;
          case 53: { // SRET
            const denied = this.supervisorInstructionDenied(C.MSTATUS_TSR, C.HSTATUS_VTSR);
            if (denied) {
              icount--;
              exceptionCause = denied;
              exceptionValue = 0x10200073;
              break loop;
            }
            pc = this.sret();
            break loop;
          }
          case 54: { // WFI
            const denied = this.wfiDenied();
            if (denied) {
              icount--;
              exceptionCause = denied;
              exceptionValue = 0x10500073;
              break loop;
            }
            pc = next;
            if (this.pendingInterrupts() === 0) this.state = HART_WAITING;
            break loop;
          }
          case 55: { // SFENCE_VMA
            const denied = this.supervisorInstructionDenied(C.MSTATUS_TVM, C.HSTATUS_VTVM);
            if (denied) {
              icount--;
              exceptionCause = denied;
              exceptionValue = 0x12000073 | (rs1 << 15) | (rs2 << 20);
              break loop;
            }
            this.flushTlb();
            pc = next;
            break loop;
          }
          case 56: // CSRRW
          case 57: // CSRRS
          case 58: // CSRRC
          case 59: // CSRRWI
          case 60: // CSRRSI
          case 61: // CSRRCI
            this.batchRetired = icount - 1;
            this.executeCsr(w, imm);
            pc = next;
            break loop; // a CSR write may enable an interrupt or change translation
          case 62: { // LR_W
            const index = this.atomicIndex(x[rs1], true, TRIGGER_LOAD);
            const v = Atomics.load(ram32, index);
            this.reservationAddress = index;
            this.reservationValue = v;
            x[rd] = v;
            pc = next;
            break;
          }
          case 63: { // SC_W
            const index = this.atomicIndex(x[rs1], false, TRIGGER_STORE);
            let failed = 1;
            if (this.reservationAddress === index &&
              Atomics.compareExchange(ram32, index, this.reservationValue, x[rs2]) === this.reservationValue) {
              failed = 0;
              this.invalidateCodeAt(index);
            }
            this.reservationAddress = -1;
            x[rd] = failed;
            pc = next;
            break;
          }
          case 64: // AMOSWAP_W
          case 65: // AMOADD_W
          case 66: // AMOXOR_W
          case 67: // AMOAND_W
          case 68: // AMOOR_W
          case 69: // AMOMIN_W
          case 70: // AMOMAX_W
          case 71: // AMOMINU_W
          case 72: // AMOMAXU_W
            x[rd] = atomicMemoryOperation(ram32, this.atomicIndex(x[rs1], false, TRIGGER_LOAD | TRIGGER_STORE), x[rs2], w & 127);
            pc = next;
            break;
          case 73: // HLV_B
          case 74: // HLV_BU
          case 75: // HLV_H
          case 76: // HLV_HU
          case 77: // HLVX_HU
          case 78: // HLV_W
          case 79: // HLVX_WU
          case 80: // HSV_B
          case 81: // HSV_H
          case 82: { // HSV_W
            const denied = this.hypervisorInstructionDenied(w & 127);
            if (denied) {
              icount--;
              exceptionCause = denied;
              exceptionValue = imm;
              break loop;
            }
            this.virtualMachineAccess(w & 127, rd, x[rs1], x[rs2]);
            pc = next;
            break;
          }
          case 83: // HFENCE_VVMA
          case 84: { // HFENCE_GVMA
            const denied = this.hypervisorInstructionDenied(w & 127);
            if (denied) {
              icount--;
              exceptionCause = denied;
              exceptionValue = imm;
              break loop;
            }
            this.flushTlb();
            pc = next;
            break loop;
          }
          default:
            throw new Error(`hart ${this.id}: no case for decoded op ${w & 127} at pc ${hex(pc)}`);
        }
      }
    } catch (thrown) {
      if (thrown !== TRAP) throw thrown;
      icount--;
      this.pc = pc;
      this.account(privAtStart, virtAtStart, icount);
      this.takeTrap(this.trapCause, false, this.trapValue, this.trapGuestVirtual, this.trapValue2, this.trapInstruction);
      return icount;
    }
    this.pc = pc;
    this.account(privAtStart, virtAtStart, icount);
    if (this.compile && page !== undefined && (pc & ~0xfff) === pageBase && page.ramOffset >= 0) this.sample(page, pc);
    if (exceptionCause >= 0) this.takeTrap(exceptionCause, false, exceptionValue);
    return icount;
  }

  /**
   * The compiler's profile: a batch ended at `pc` on `page`. A page gets
   * blocks once it is hot; later batch ends there add a block now and then
   * (most blocks start where other blocks lead: see runBatch).
   */
  private sample(page: DecodedPage, pc: number): void {
    const heat = ++page.heat;
    if (heat < HOT_BATCHES << Math.min(page.drops, 16)) return;
    if (page.blocks === undefined || (heat & (RESAMPLE_BATCHES - 1)) === 0) this.compileFrom(page, (pc & 0xfff) >>> 1);
  }

  /** Control reached `slot` of a page with blocks from a block or another page: a block may start there once it is reached often. */
  private arrive(page: DecodedPage, slot: number): void {
    const blocks = page.blocks;
    if (blocks === undefined || blocks[slot] !== undefined) return;
    const arrivals = page.arrivals ??= new Uint8Array(PAGE_SLOTS);
    if (++arrivals[slot] >= HOT_ARRIVALS) this.compileFrom(page, slot);
  }

  /**
   * Compiles blocks on a hot page: the one starting at `slot` (where a batch
   * ended), then those its ends lead to on the page, a few at a time.
   */
  private compileFrom(page: DecodedPage, slot: number): void {
    const blocks = page.blocks ??= new Array<CompiledBlock | null | undefined>(PAGE_SLOTS).fill(undefined);
    const queue = [slot];
    for (let compiled = 0; queue.length > 0 && compiled < BLOCKS_PER_VISIT;) {
      const start = queue.shift()!;
      if (blocks[start] !== undefined || page.blockSlots.length >= MAX_PAGE_BLOCKS) continue;
      const code = readBlock(this.ram16, page.ramOffset, start, (other) => !!blocks[other]);
      if (code.instructions.length === 0) {
        blocks[start] = null;
        continue;
      }
      blocks[start] = compileBlock(code, this.blockEnvironment ??= this.makeBlockEnvironment());
      const covered = page.covered ??= new Uint8Array(PAGE_SLOTS);
      for (const instruction of code.instructions) covered.fill(1, instruction.offset >>> 1, (instruction.offset + instruction.length) >>> 1);
      page.ops[start] = BLOCK_MARK;
      page.blockSlots.push(start);
      compiled++;
      this.blocksCompiled++;
      for (const offset of successors(code)) {
        if (offset >= 0 && offset < 4096) queue.push(offset >>> 1);
      }
    }
  }

  private makeBlockEnvironment(): BlockEnvironment {
    return {
      hart: this, x: this.x, ram8: this.ram8, ram16: this.ram16, ram32: this.ram32,
      readTag: this.readTag, readOffset: this.readOffset, writeTag: this.writeTag, writeOffset: this.writeOffset,
      mulhSigned, mulhSignedUnsigned, mulhUnsigned,
    };
  }

  /** Forgets the blocks compiled from `page` (its code changed). */
  private dropBlocks(page: DecodedPage): void {
    for (const slot of page.blockSlots) {
      if (page.ops[slot] === BLOCK_MARK) page.ops[slot] = Op.UNDECODED;
    }
    page.blockSlots.length = 0;
    page.blocks = undefined;
    page.covered = undefined;
    page.arrivals = undefined;
    page.heat = 0;
    page.drops++;
    this.blockDrops++;
  }

  /** Books `count` retired instructions to the mode they ran in. */
  private account(priv: number, virt: boolean, count: number): void {
    this.batchRetired = 0;
    if (virt) {
      this.counters[K.RETIRED + MODE_OF_VIRTUAL_PRIV[priv]] += count;
      this.counters[K.RETIRED_BY_VMID + Math.min(this.vmid(), K.COUNTED_VMIDS - 1)] += count;
    } else {
      this.counters[K.RETIRED + MODE_OF_PRIV[priv]] += count;
    }
    this.publishStatus();
    if ((this.mcountinhibit & 4) === 0) this.minstret += count;
    if ((this.mcountinhibit & 1) === 0) this.mcycle += count;
  }

  /** A slow-path access touched a device: end the batch after this instruction. */
  private endOnDevice(icount: number): number {
    this.deviceTouched = false;
    return icount;
  }

  /** Writes mode, pc, state and the guest's VMID to the status block. */
  publishStatus(): void {
    this.status[K.STATUS_MODE] = (this.virt ? MODE_OF_VIRTUAL_PRIV : MODE_OF_PRIV)[this.priv];
    this.status[K.STATUS_PC] = this.pc;
    this.status[K.STATUS_STATE] = this.state;
    this.status[K.STATUS_VMID] = this.virt ? this.vmid() : -1;
  }

  instretCount(): number {
    return this.minstret + this.batchRetired;
  }

  cycleCount(): number {
    return this.mcycle + this.batchRetired;
  }

  /** Sets minstret as seen by the next instruction (the writing one does not count). */
  setInstretCount(value: number): void {
    this.minstret = value - this.batchRetired - 1;
  }

  setCycleCount(value: number): void {
    this.mcycle = value - this.batchRetired - 1;
  }

  /** MRET: back to the mode in MPP (and MPV), with MIE = MPIE. */
  private mret(): number {
    const s = this.mstatus;
    const previous = (s & C.MSTATUS_MPP) >>> C.MSTATUS_MPP_SHIFT;
    let next = s & ~(C.MSTATUS_MIE | C.MSTATUS_MPP);
    if (s & C.MSTATUS_MPIE) next |= C.MSTATUS_MIE;
    next |= C.MSTATUS_MPIE;
    if (previous !== C.PRV_M) next &= ~C.MSTATUS_MPRV;
    this.mstatus = next;
    this.virt = previous !== C.PRV_M && (this.mstatush & C.MSTATUSH_MPV) !== 0;
    this.mstatush &= ~C.MSTATUSH_MPV;
    this.priv = previous;
    this.reservationAddress = -1;
    return this.mepc;
  }

  /** SRET: from M/HS-mode to the mode in SPP and hstatus.SPV; from VS-mode, within the guest. */
  private sret(): number {
    this.reservationAddress = -1;
    if (this.virt) {
      const s = this.vsstatus;
      this.priv = (s & C.MSTATUS_SPP) ? C.PRV_S : C.PRV_U;
      this.vsstatus = returnInterruptEnable(s);
      return this.vsepc;
    }
    const s = this.mstatus;
    this.priv = (s & C.MSTATUS_SPP) ? C.PRV_S : C.PRV_U;
    this.virt = (this.hstatus & C.HSTATUS_SPV) !== 0;
    this.hstatus &= ~C.HSTATUS_SPV;
    this.mstatus = returnInterruptEnable(s) & ~C.MSTATUS_MPRV;
    return this.sepc;
  }

  /**
   * Whether SRET or SFENCE.VMA may run here: 0, or the exception it raises.
   * `trapBit`: mstatus.TSR/TVM, for HS-mode; `virtualTrapBit`: hstatus.VTSR/VTVM, for VS-mode.
   */
  private supervisorInstructionDenied(trapBit: number, virtualTrapBit: number): number {
    if (this.virt) {
      if (this.priv === C.PRV_U || (this.hstatus & virtualTrapBit)) return C.CAUSE_VIRTUAL_INSTRUCTION;
      return 0;
    }
    if (this.priv === C.PRV_U || (this.priv === C.PRV_S && (this.mstatus & trapBit))) return C.CAUSE_ILLEGAL_INSTRUCTION;
    return 0;
  }

  /** Whether WFI may run here: 0, or the exception it raises (TW, then VTW / VU-mode). */
  private wfiDenied(): number {
    if (this.priv === C.PRV_M) return 0;
    if (this.mstatus & C.MSTATUS_TW) return C.CAUSE_ILLEGAL_INSTRUCTION;
    if (this.virt) {
      return this.priv === C.PRV_U || (this.hstatus & C.HSTATUS_VTW) ? C.CAUSE_VIRTUAL_INSTRUCTION : 0;
    }
    return this.priv === C.PRV_U ? C.CAUSE_ILLEGAL_INSTRUCTION : 0;
  }

  /**
   * Whether HLV/HLVX/HSV or HFENCE may run here: 0, or the exception.
   * `op`: the instruction; HFENCE.GVMA is also forbidden in HS-mode by mstatus.TVM.
   */
  private hypervisorInstructionDenied(op: number): number {
    const isFence = op === Op.HFENCE_VVMA || op === Op.HFENCE_GVMA;
    const fenceGvma = op === Op.HFENCE_GVMA;
    if (this.virt) return C.CAUSE_VIRTUAL_INSTRUCTION;
    if (this.priv === C.PRV_M) return 0;
    if (this.priv === C.PRV_S) return fenceGvma && (this.mstatus & C.MSTATUS_TVM) ? C.CAUSE_ILLEGAL_INSTRUCTION : 0;
    // U-mode: HLV/HLVX/HSV only with hstatus.HU; HFENCE never.
    return !isFence && (this.hstatus & C.HSTATUS_HU) ? 0 : C.CAUSE_ILLEGAL_INSTRUCTION;
  }

  /** CSRRW/S/C and their immediate forms; decoded word `w`, CSR number `csr`. */
  private executeCsr(w: number, csr: number): void {
    const op = w & 127;
    const rd = (w >>> 7) & 63;
    const source = (w >>> 13) & 31;
    const immediate = op >= Op.CSRRWI;
    const operand = immediate ? source : this.x[source];
    const kind = immediate ? op - Op.CSRRWI : op - Op.CSRRW; // 0 write, 1 set, 2 clear
    const funct3 = kind + (immediate ? 5 : 1);
    this.csrInstruction = ((csr << 20) | (source << 15) | (funct3 << 12) | ((rd & 31) << 7) | 0x73) | 0;
    if (kind === 0) {
      const old = rd === 32 ? 0 : csrRead(this, csr);
      csrWrite(this, csr, operand);
      this.x[rd] = old;
      return;
    }
    const old = csrRead(this, csr);
    if (source !== 0) {
      // Only mip's software-writable SEIP takes part in a read-modify-write, not the PLIC's line.
      const base = csr === C.CSR_MIP ? old & ~(this.bus.interrupts(this.id) & ~this.mipSoftware) : old;
      csrWrite(this, csr, kind === 1 ? base | operand : base & ~operand);
    }
    this.x[rd] = old;
  }

  // ================================================================
  // Instruction fetch and decode
  // ================================================================

  /** The loop's way to the decoded page of `pc` when the fetch TLB misses. */
  private fetchSlow(pc: number): DecodedPage {
    if (this.watchedKinds & TRIGGER_EXECUTE) return this.fetchWatched(pc);
    return this.fetchPageOf(pc);
  }

  /** Translates the page of `pc` for execution and returns its decoded page. */
  private fetchPageOf(pc: number): DecodedPage {
    const pa = translate(this, pc, ACCESS_FETCH, this.priv, this.virt);
    const pageAddress = pa - (pa % 4096);
    if (!pmpAllows(this, pa, 2, ACCESS_FETCH, this.priv)) this.fault(C.CAUSE_FETCH_ACCESS, pc, this.virt);
    const page = this.decodedPageAt(pageAddress, pc);
    const vpn = pc >>> 12;
    if (pmpAllows(this, pageAddress, 4096, ACCESS_FETCH, this.priv) && !this.triggers.watchesPage(vpn, TRIGGER_EXECUTE)) {
      this.fetchTag[vpn & ITLB_MASK] = vpn | this.contextTag(this.priv, this.virt);
      this.fetchPage[vpn & ITLB_MASK] = page;
    }
    return page;
  }

  private decodedPageAt(pageAddress: number, pc: number): DecodedPage {
    const offset = pageAddress - this.ramBase;
    if (offset >= 0 && offset < this.ramSize) {
      const number = offset / 4096;
      let page = this.codePages[number];
      if (!page) {
        page = new DecodedPage(pageAddress, offset);
        this.codePages[number] = page;
        this.dropWriteEntries(offset);
      }
      return page;
    }
    let page = this.romPages.get(pageAddress);
    if (!page) {
      if (this.bus.mmioRead(pageAddress + ((pc & 0xfff) & ~1), 2, this.id) === undefined) {
        this.fault(C.CAUSE_FETCH_ACCESS, pc, this.virt);
      }
      page = new DecodedPage(pageAddress, -1);
      this.romPages.set(pageAddress, page);
    }
    return page;
  }

  /** Reads the 16 bits at `slot` of a decoded page from memory. */
  private readParcel(page: DecodedPage, slot: number, pc: number): number {
    if (page.ramOffset >= 0) return this.ram16[(page.ramOffset >>> 1) + slot];
    const v = this.bus.mmioRead(page.address + slot * 2, 2, this.id);
    if (v === undefined) this.fault(C.CAUSE_FETCH_ACCESS, pc, this.virt);
    return v & 0xffff;
  }

  /**
   * Decodes the instruction at `slot` (not yet decoded, or crossing into the
   * next page); leaves it in this.decoded and returns its word.
   */
  private slowSlot(pc: number, page: DecodedPage, slot: number): number {
    if (this.watchedKinds & TRIGGER_EXECUTE) this.checkExecuteTrigger(pc);
    const low = this.readParcel(page, slot, pc);
    if ((low & 3) !== 3) {
      decode(low, this.decoded);
    } else if (slot < PAGE_SLOTS - 1) {
      decode(low | (this.readParcel(page, slot + 1, pc) << 16), this.decoded);
    } else {
      // A 32-bit instruction whose upper half is on the next page: fetch it
      // each time (rare, and the two pages may be remapped independently).
      page.ops[slot] = Op.CROSS_PAGE;
      const nextPc = (pc + 2) | 0;
      const nextPage = this.fetchPageOf(nextPc);
      decode(low | (this.readParcel(nextPage, 0, nextPc) << 16), this.decoded);
      return this.decoded.word;
    }
    page.ops[slot] = this.decoded.word;
    page.imms[slot] = this.decoded.imm;
    return this.decoded.word;
  }

  // ================================================================
  // Loads and stores (slow paths)
  // ================================================================

  /** Translates and checks a data access; returns the physical address. */
  private dataAddress(va: number, size: number, access: number): number {
    const priv = this.dataPriv();
    const virt = this.dataVirt();
    const pa = translate(this, va, access, priv, virt);
    if (!pmpAllows(this, pa, size, access, priv)) this.fault(ACCESS_FAULT_CAUSE[access], va, virt);
    return pa;
  }

  /** A load that missed the TLB, is misaligned, reaches a device or is watched by a trigger. Returns the raw value. */
  private loadSlow(va: number, size: number): number {
    if (this.watchedKinds & TRIGGER_LOAD) this.checkDataTriggers(va, size, TRIGGER_LOAD);
    return this.loadUnwatched(va, size);
  }

  /** loadSlow once the triggers let the load through. */
  private loadUnwatched(va: number, size: number): number {
    if ((va & (size - 1)) !== 0) return this.loadMisaligned(va, size);
    const pa = this.dataAddress(va, size, ACCESS_LOAD);
    const offset = pa - this.ramBase;
    if (offset >= 0 && offset < this.ramSize) this.fillDataEntry(va, pa, ACCESS_LOAD);
    return this.readPhysical(pa, size, va, this.dataVirt());
  }

  /** Misaligned loads are done byte by byte, as QEMU does them. */
  private loadMisaligned(va: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v |= (this.loadUnwatched((va + i) | 0, 1) & 0xff) << (8 * i);
    return v;
  }

  private storeSlow(va: number, value: number, size: number): void {
    if (this.watchedKinds & TRIGGER_STORE) this.checkDataTriggers(va, size, TRIGGER_STORE);
    this.storeUnwatched(va, value, size);
  }

  /** storeSlow once the triggers let the store through. */
  private storeUnwatched(va: number, value: number, size: number): void {
    if ((va & (size - 1)) !== 0) {
      // Check every byte's translation first so a fault writes nothing.
      for (let i = 0; i < size; i++) this.dataAddress((va + i) | 0, 1, ACCESS_STORE);
      for (let i = 0; i < size; i++) this.storeUnwatched((va + i) | 0, value >>> (8 * i), 1);
      return;
    }
    const pa = this.dataAddress(va, size, ACCESS_STORE);
    this.writePhysical(pa, size, value, va, this.dataVirt());
    const offset = pa - this.ramBase;
    if (offset >= 0 && offset < this.ramSize) this.fillDataEntry(va, pa, ACCESS_STORE);
  }

  /** Reads RAM or a device at physical `pa`; `va` and `virt` describe the access for a fault. */
  private readPhysical(pa: number, size: number, va: number, virt: boolean): number {
    const offset = pa - this.ramBase;
    if (offset >= 0 && offset < this.ramSize) {
      if (size === 4) return this.ram32[offset >>> 2];
      if (size === 2) return this.ram16[offset >>> 1];
      return this.ram8[offset];
    }
    const v = this.bus.mmioRead(pa, size, this.id);
    if (v === undefined) this.fault(C.CAUSE_LOAD_ACCESS, va, virt);
    this.deviceTouched = true;
    return size === 4 ? v | 0 : v & (size === 2 ? 0xffff : 0xff);
  }

  /** Writes RAM (forgetting code decoded from it) or a device at physical `pa`. */
  private writePhysical(pa: number, size: number, value: number, va: number, virt: boolean): void {
    const offset = pa - this.ramBase;
    if (offset >= 0 && offset < this.ramSize) {
      if (size === 4) this.ram32[offset >>> 2] = value;
      else if (size === 2) this.ram16[offset >>> 1] = value;
      else this.ram8[offset] = value;
      this.invalidateCode(offset, size);
      return;
    }
    if (!this.bus.mmioWrite(pa, size, value, this.id)) this.fault(C.CAUSE_STORE_ACCESS, va, virt);
    this.deviceTouched = true;
  }

  /**
   * HLV, HLVX and HSV: a load or store through the guest's two-stage
   * translation, at the privilege in hstatus.SPVP, from HS-mode (or M, or
   * U with hstatus.HU). Never cached in the TLB.
   */
  private virtualMachineAccess(op: number, rd: number, va: number, value: number): void {
    const priv = (this.hstatus & C.HSTATUS_SPVP) ? C.PRV_S : C.PRV_U;
    const size = VM_ACCESS_SIZE[op - Op.HLV_B];
    const kind = op >= Op.HSV_B ? TRIGGER_STORE : TRIGGER_LOAD;
    if (this.watchedKinds & kind) this.checkDataTriggers(va, size, kind);
    if (op >= Op.HSV_B) {
      for (let i = 0; i < size; i++) this.guestAddress((va + i) | 0, ACCESS_STORE, priv, false);
      for (let i = 0; i < size; i++) {
        const pa = this.guestAddress((va + i) | 0, ACCESS_STORE, priv, false);
        this.writePhysical(pa, 1, value >>> (8 * i), (va + i) | 0, true);
      }
      return;
    }
    const hlvx = op === Op.HLVX_HU || op === Op.HLVX_WU;
    let v = 0;
    if ((va & (size - 1)) === 0) {
      v = this.readPhysical(this.guestAddress(va, ACCESS_LOAD, priv, hlvx), size, va, true);
    } else {
      for (let i = 0; i < size; i++) {
        const byteAddress = (va + i) | 0;
        v |= (this.readPhysical(this.guestAddress(byteAddress, ACCESS_LOAD, priv, hlvx), 1, byteAddress, true) & 0xff) << (8 * i);
      }
    }
    if (op === Op.HLV_B) v = (v << 24) >> 24;
    else if (op === Op.HLV_H) v = (v << 16) >> 16;
    else if (op === Op.HLV_BU) v &= 0xff;
    else if (op === Op.HLV_HU || op === Op.HLVX_HU) v &= 0xffff;
    this.x[rd] = v;
  }

  /** Two-stage translation and PMP check of a guest access made by HLV/HSV. */
  private guestAddress(va: number, access: number, priv: number, hlvx: boolean): number {
    const pa = translate(this, va, access, priv, true, hlvx);
    if (!pmpAllows(this, pa, 1, access, priv)) this.fault(ACCESS_FAULT_CAUSE[access], va, true);
    return pa;
  }

  /** Caches the translation of `va`'s page if the whole page is plain RAM that PMP allows and no trigger watches. */
  private fillDataEntry(va: number, pa: number, access: number): void {
    if (this.triggers.watchesPage(va >>> 12, TRIGGER_LOAD | TRIGGER_STORE)) return;
    const pageAddress = pa - (pa % 4096);
    const offset = pageAddress - this.ramBase;
    const priv = this.dataPriv();
    if (!pmpAllows(this, pageAddress, 4096, access, priv)) return;
    const vpn = va >>> 12;
    const e = vpn & TLB_MASK;
    const tag = vpn | this.contextTag(priv, this.dataVirt());
    if (access === ACCESS_STORE) {
      if (this.codePages[offset / 4096]) return; // stores to code must invalidate it
      this.writeTag[e] = tag;
      this.writeOffset[e] = offset;
    } else {
      this.readTag[e] = tag;
      this.readOffset[e] = offset;
    }
  }

  /**
   * Translates the address of an LR/SC/AMO; returns its index in ram32.
   * `kinds`: what it is to the triggers (LR a load, SC a store, an AMO both).
   */
  private atomicIndex(va: number, isLoadReserved: boolean, kinds: number): number {
    if (this.watchedKinds & kinds) this.checkDataTriggers(va, 4, kinds);
    const access = isLoadReserved ? ACCESS_LOAD : ACCESS_STORE;
    const virt = this.dataVirt();
    if ((va & 3) !== 0) this.fault(isLoadReserved ? C.CAUSE_MISALIGNED_LOAD : C.CAUSE_MISALIGNED_STORE, va, virt);
    const pa = this.dataAddress(va, 4, access);
    const offset = pa - this.ramBase;
    if (offset < 0 || offset >= this.ramSize) this.fault(ACCESS_FAULT_CAUSE[access], va, virt);
    if (!isLoadReserved) this.invalidateCode(offset, 4);
    return offset >>> 2;
  }

  // ================================================================
  // Debug triggers (trigger.ts): reached only while one is armed for the mode
  // ================================================================

  /** The trigger module's index of the current mode. */
  private modeIndex(): number {
    return this.virt ? this.priv + MODE_INDEX_VIRTUAL : this.priv;
  }

  /**
   * fetchSlow while an execute trigger is armed for the mode: checks the
   * instruction the loop enters the page at (before its fetch can fault),
   * and leaves the slots of watched instructions on the page undecoded, so
   * that the loop reaches them through slowSlot, which checks them too.
   */
  private fetchWatched(pc: number): DecodedPage {
    this.checkExecuteTrigger(pc);
    const page = this.fetchPageOf(pc);
    for (let i = 0; i < TRIGGER_COUNT; i++) {
      const address = this.triggers.tdata2[i];
      if ((address >>> 12) === (pc >>> 12)) page.ops[(address & 0xfff) >>> 1] = Op.UNDECODED;
    }
    return page;
  }

  /**
   * Raises a breakpoint exception before the instruction at `pc` if an
   * execute trigger fires on it (mepc = that pc, mtval = 0, as QEMU 7.2).
   */
  private checkExecuteTrigger(pc: number): void {
    const mode = this.modeIndex();
    if (!this.triggers.executeAddressMatches(pc, mode)) return;
    if (this.triggers.executeMatches(pc, mode, this.instructionLength(pc))) this.fault(C.CAUSE_BREAKPOINT, 0);
  }

  /** The length of the instruction at `pc` (2 or 4), or 0 if its fetch faults (which then happens as usual). */
  private instructionLength(pc: number): number {
    try {
      const parcel = this.readParcel(this.fetchPageOf(pc), (pc & 0xfff) >>> 1, pc);
      return (parcel & 3) === 3 ? 4 : 2;
    } catch (thrown) {
      if (thrown !== TRAP) throw thrown;
      return 0;
    }
  }

  /** Raises a breakpoint exception (tval 0) if a trigger watching `kinds` fires on this access. */
  private checkDataTriggers(va: number, size: number, kinds: number): void {
    if (this.triggers.dataMatches(va, size, kinds, this.modeIndex())) this.fault(C.CAUSE_BREAKPOINT, 0);
  }

  private invalidateCodeAt(index: number): void {
    this.invalidateCode(index * 4, 4);
  }

  /** Forgets decoded instructions overlapping RAM bytes [offset, offset + size). */
  private invalidateCode(offset: number, size: number): void {
    const number = Math.floor(offset / 4096);
    const page = this.codePages[number];
    if (page) {
      const first = Math.max(0, ((offset & 0xfff) - 2) >> 1);
      const last = Math.min(PAGE_SLOTS - 1, ((offset & 0xfff) + size - 1) >> 1);
      page.ops.fill(0, first, last + 1);
      const compiled = page.covered ? page.covered.indexOf(1, first) : -1;
      if (compiled >= 0 && compiled <= last) this.dropBlocks(page);
    }
    // A 32-bit instruction at the end of the previous page may start there.
    if ((offset & 0xfff) < 2 && number > 0) {
      const previous = this.codePages[number - 1];
      if (previous) previous.ops[PAGE_SLOTS - 1] = 0;
    }
  }

  /** Removes write-TLB entries for the RAM page at `offset` (it now holds code). */
  private dropWriteEntries(offset: number): void {
    for (let e = 0; e < TLB_SIZE; e++) {
      if (this.writeOffset[e] === offset) this.writeTag[e] = -1;
    }
  }

  /** Forgets all translations (SFENCE.VMA, satp, mstatus.MPRV/SUM/MXR, PMP). */
  flushTlb(): void {
    this.readTag.fill(-1);
    this.writeTag.fill(-1);
    this.fetchTag.fill(-1);
  }

  /** Forgets all decoded instructions (FENCE.I, reset). */
  flushCode(): void {
    this.codePages.fill(undefined);
    this.romPages.clear();
    this.flushTlb();
  }
}

/** Access size of HLV_B .. HSV_W, in Op order. */
const VM_ACCESS_SIZE = [1, 1, 2, 2, 2, 4, 4, 1, 2, 4];

/** Trap entry for an xstatus register: xPIE = xIE, xIE = 0, xPP = the previous privilege (S or U). */
function stackInterruptEnable(status: number, previousPriv: number): number {
  let s = status & ~(C.MSTATUS_SPIE | C.MSTATUS_SIE | C.MSTATUS_SPP);
  if (status & C.MSTATUS_SIE) s |= C.MSTATUS_SPIE;
  if (previousPriv !== C.PRV_U) s |= C.MSTATUS_SPP;
  return s;
}

/** SRET's update of an sstatus-like register: SIE = SPIE, SPIE = 1, SPP = U. */
function returnInterruptEnable(status: number): number {
  let s = status & ~(C.MSTATUS_SIE | C.MSTATUS_SPP);
  if (status & C.MSTATUS_SPIE) s |= C.MSTATUS_SIE;
  return s | C.MSTATUS_SPIE;
}

// ---- arithmetic helpers ----

function mulhUnsigned(a: number, b: number): number {
  const aLow = a & 0xffff;
  const aHigh = a >>> 16;
  const bLow = b & 0xffff;
  const bHigh = b >>> 16;
  const lowLow = aLow * bLow;
  const mid1 = aHigh * bLow;
  const mid2 = aLow * bHigh;
  const carry = ((lowLow >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (aHigh * bHigh + (mid1 >>> 16) + (mid2 >>> 16) + carry) | 0;
}

function mulhSigned(a: number, b: number): number {
  let high = mulhUnsigned(a, b);
  if (a < 0) high = (high - b) | 0;
  if (b < 0) high = (high - a) | 0;
  return high;
}

function mulhSignedUnsigned(a: number, b: number): number {
  let high = mulhUnsigned(a, b);
  if (a < 0) high = (high - b) | 0;
  return high;
}

/** Applies AMO `op` to ram32[index] atomically (across workers too); returns the old value. */
function atomicMemoryOperation(ram32: Int32Array, index: number, operand: number, op: number): number {
  switch (op) {
    case Op.AMOSWAP_W: return Atomics.exchange(ram32, index, operand);
    case Op.AMOADD_W: return Atomics.add(ram32, index, operand);
    case Op.AMOXOR_W: return Atomics.xor(ram32, index, operand);
    case Op.AMOAND_W: return Atomics.and(ram32, index, operand);
    case Op.AMOOR_W: return Atomics.or(ram32, index, operand);
  }
  for (;;) { // min/max: compare-and-swap until no other hart got in between
    const old = Atomics.load(ram32, index);
    let result: number;
    if (op === Op.AMOMIN_W) result = old < operand ? old : operand;
    else if (op === Op.AMOMAX_W) result = old > operand ? old : operand;
    else if (op === Op.AMOMINU_W) result = (old >>> 0) < (operand >>> 0) ? old : operand;
    else result = (old >>> 0) > (operand >>> 0) ? old : operand;
    if (Atomics.compareExchange(ram32, index, old, result) === old) return old;
  }
}

function hex(value: number): string {
  return '0x' + (value >>> 0).toString(16).padStart(8, '0');
}
