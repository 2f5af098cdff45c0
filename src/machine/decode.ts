/*
 * Instruction decoder: turns one RV32IMAC instruction (32-bit or compressed)
 * into the hart's internal form, once, so that the execute loop never
 * decodes bit fields again. A decoded instruction is two int32 words:
 *
 *   word: bits 0-6 op | 7-12 rd | 13-17 rs1 | 18-22 rs2 | 24-26 length (2 or 4)
 *   imm:  the sign-extended immediate (or CSR number, or raw bits of an
 *         illegal instruction, which the trap reports in mtval)
 *
 * Writes to x0 are sent to register 32, a sink nobody reads, so the execute
 * loop needs no test for rd = 0. Compressed instructions become the base
 * instruction they expand to, with length 2.
 */

/** Internal operation numbers. hart.ts switches on these values as literals. */
export const Op = {
  UNDECODED: 0, CROSS_PAGE: 1, ILLEGAL: 2,
  LUI: 3, AUIPC: 4, JAL: 5, JALR: 6,
  BEQ: 7, BNE: 8, BLT: 9, BGE: 10, BLTU: 11, BGEU: 12,
  LB: 13, LH: 14, LW: 15, LBU: 16, LHU: 17, SB: 18, SH: 19, SW: 20,
  ADDI: 21, SLTI: 22, SLTIU: 23, XORI: 24, ORI: 25, ANDI: 26, SLLI: 27, SRLI: 28, SRAI: 29,
  ADD: 30, SUB: 31, SLL: 32, SLT: 33, SLTU: 34, XOR: 35, SRL: 36, SRA: 37, OR: 38, AND: 39,
  MUL: 40, MULH: 41, MULHSU: 42, MULHU: 43, DIV: 44, DIVU: 45, REM: 46, REMU: 47,
  FENCE: 48, FENCE_I: 49, ECALL: 50, EBREAK: 51, MRET: 52, SRET: 53, WFI: 54, SFENCE_VMA: 55,
  CSRRW: 56, CSRRS: 57, CSRRC: 58, CSRRWI: 59, CSRRSI: 60, CSRRCI: 61,
  LR_W: 62, SC_W: 63, AMOSWAP_W: 64, AMOADD_W: 65, AMOXOR_W: 66, AMOAND_W: 67, AMOOR_W: 68,
  AMOMIN_W: 69, AMOMAX_W: 70, AMOMINU_W: 71, AMOMAXU_W: 72,
  // H extension (imm holds the raw instruction, for mtval on a virtual-instruction trap)
  HLV_B: 73, HLV_BU: 74, HLV_H: 75, HLV_HU: 76, HLVX_HU: 77, HLV_W: 78, HLVX_WU: 79,
  HSV_B: 80, HSV_H: 81, HSV_W: 82, HFENCE_VVMA: 83, HFENCE_GVMA: 84,
} as const;

export type OpName = keyof typeof Op;

const X0_SINK = 32;

/** Packs an operation; rd = 0 is redirected to the sink register. */
function pack(op: number, rd: number, rs1: number, rs2: number, length: number): number {
  return op | ((rd === 0 ? X0_SINK : rd) << 7) | (rs1 << 13) | (rs2 << 18) | (length << 24);
}

/** The result of decoding: written into caller-owned slots to avoid allocation. */
export interface DecodeTarget {
  word: number;
  imm: number;
}

/** Decodes `inst` (a 32-bit instruction, or a compressed one in the low 16 bits). */
export function decode(inst: number, out: DecodeTarget): void {
  if ((inst & 3) !== 3) decodeCompressed(inst & 0xffff, out);
  else decode32(inst | 0, out);
}

function illegal(inst: number, length: number, out: DecodeTarget): void {
  out.word = pack(Op.ILLEGAL, 0, 0, 0, length);
  out.imm = inst;
}

function set(out: DecodeTarget, op: number, rd: number, rs1: number, rs2: number, imm: number, length = 4): void {
  out.word = pack(op, rd, rs1, rs2, length);
  out.imm = imm | 0;
}

const BRANCH_OPS = [Op.BEQ, Op.BNE, -1, -1, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU];
const LOAD_OPS = [Op.LB, Op.LH, Op.LW, -1, Op.LBU, Op.LHU, -1, -1];
const STORE_OPS = [Op.SB, Op.SH, Op.SW, -1, -1, -1, -1, -1];
const OP_IMM_OPS = [Op.ADDI, Op.SLLI, Op.SLTI, Op.SLTIU, Op.XORI, Op.SRLI, Op.ORI, Op.ANDI];
const OP_OPS = [Op.ADD, Op.SLL, Op.SLT, Op.SLTU, Op.XOR, Op.SRL, Op.OR, Op.AND];
const MULDIV_OPS = [Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU];
const CSR_OPS = [-1, Op.CSRRW, Op.CSRRS, Op.CSRRC, -1, Op.CSRRWI, Op.CSRRSI, Op.CSRRCI];
const AMO_OPS: Record<number, number> = {
  0x00: Op.AMOADD_W, 0x01: Op.AMOSWAP_W, 0x02: Op.LR_W, 0x03: Op.SC_W, 0x04: Op.AMOXOR_W,
  0x08: Op.AMOOR_W, 0x0c: Op.AMOAND_W, 0x10: Op.AMOMIN_W, 0x14: Op.AMOMAX_W,
  0x18: Op.AMOMINU_W, 0x1c: Op.AMOMAXU_W,
};

function decode32(inst: number, out: DecodeTarget): void {
  const opcode = inst & 0x7f;
  const rd = (inst >>> 7) & 31;
  const funct3 = (inst >>> 12) & 7;
  const rs1 = (inst >>> 15) & 31;
  const rs2 = (inst >>> 20) & 31;
  const funct7 = inst >>> 25;
  const immI = inst >> 20;
  switch (opcode) {
    case 0x37: return set(out, Op.LUI, rd, 0, 0, inst & 0xfffff000);
    case 0x17: return set(out, Op.AUIPC, rd, 0, 0, inst & 0xfffff000);
    case 0x6f: {
      const imm = ((inst >> 11) & ~0xfffff) | (inst & 0xff000) | ((inst >>> 9) & 0x800) | ((inst >>> 20) & 0x7fe);
      return set(out, Op.JAL, rd, 0, 0, imm);
    }
    case 0x67:
      if (funct3 !== 0) return illegal(inst, 4, out);
      return set(out, Op.JALR, rd, rs1, 0, immI);
    case 0x63: {
      const op = BRANCH_OPS[funct3];
      if (op < 0) return illegal(inst, 4, out);
      const imm = ((inst >> 19) & ~0xfff) | ((inst << 4) & 0x800) | ((inst >>> 20) & 0x7e0) | ((inst >>> 7) & 0x1e);
      return set(out, op, 0, rs1, rs2, imm);
    }
    case 0x03: {
      const op = LOAD_OPS[funct3];
      if (op < 0) return illegal(inst, 4, out);
      return set(out, op, rd, rs1, 0, immI);
    }
    case 0x23: {
      const op = STORE_OPS[funct3];
      if (op < 0) return illegal(inst, 4, out);
      return set(out, op, 0, rs1, rs2, ((inst >> 20) & ~31) | ((inst >>> 7) & 31));
    }
    case 0x13: {
      const op = OP_IMM_OPS[funct3];
      if (funct3 === 1) {
        if (funct7 !== 0) return illegal(inst, 4, out);
        return set(out, op, rd, rs1, 0, rs2);
      }
      if (funct3 === 5) {
        if (funct7 === 0) return set(out, Op.SRLI, rd, rs1, 0, rs2);
        if (funct7 === 0x20) return set(out, Op.SRAI, rd, rs1, 0, rs2);
        return illegal(inst, 4, out);
      }
      return set(out, op, rd, rs1, 0, immI);
    }
    case 0x33:
      if (funct7 === 0) return set(out, OP_OPS[funct3], rd, rs1, rs2, 0);
      if (funct7 === 1) return set(out, MULDIV_OPS[funct3], rd, rs1, rs2, 0);
      if (funct7 === 0x20 && funct3 === 0) return set(out, Op.SUB, rd, rs1, rs2, 0);
      if (funct7 === 0x20 && funct3 === 5) return set(out, Op.SRA, rd, rs1, rs2, 0);
      return illegal(inst, 4, out);
    case 0x0f:
      if (funct3 === 0) return set(out, Op.FENCE, 0, 0, 0, 0);
      if (funct3 === 1) return set(out, Op.FENCE_I, 0, 0, 0, 0);
      return illegal(inst, 4, out);
    case 0x73:
      return decodeSystem(inst, rd, funct3, rs1, rs2, funct7, out);
    case 0x2f: {
      const op = AMO_OPS[inst >>> 27];
      if (funct3 !== 2 || op === undefined || (op === Op.LR_W && rs2 !== 0)) return illegal(inst, 4, out);
      return set(out, op, rd, rs1, rs2, 0);
    }
    default:
      return illegal(inst, 4, out);
  }
}

function decodeSystem(inst: number, rd: number, funct3: number, rs1: number, rs2: number,
  funct7: number, out: DecodeTarget): void {
  if (funct3 === 0) {
    switch (inst) {
      case 0x00000073: return set(out, Op.ECALL, 0, 0, 0, 0);
      case 0x00100073: return set(out, Op.EBREAK, 0, 0, 0, 0);
      case 0x30200073: return set(out, Op.MRET, 0, 0, 0, 0);
      case 0x10200073: return set(out, Op.SRET, 0, 0, 0, 0);
      case 0x10500073: return set(out, Op.WFI, 0, 0, 0, 0);
    }
    if (funct7 === 0x09 && rd === 0) return set(out, Op.SFENCE_VMA, 0, rs1, rs2, 0);
    if (funct7 === 0x11 && rd === 0) return set(out, Op.HFENCE_VVMA, 0, rs1, rs2, inst);
    if (funct7 === 0x31 && rd === 0) return set(out, Op.HFENCE_GVMA, 0, rs1, rs2, inst);
    return illegal(inst, 4, out);
  }
  if (funct3 === 4) return decodeHypervisorAccess(inst, rd, rs1, rs2, funct7, out);
  const op = CSR_OPS[funct3];
  if (op < 0) return illegal(inst, 4, out);
  // The CSR number rides in imm; the raw instruction is needed for mtval on
  // an illegal CSR access, so keep both: csr in the low 12 bits, and the
  // hart recovers the rest from rd/rs1/op.
  return set(out, op, rd, rs1, 0, inst >>> 20);
}

/** HLV, HLVX (rs2 selects the form) and HSV (rd = 0), by funct7. */
const HLV_OPS: Record<number, Record<number, number>> = {
  0x30: { 0: Op.HLV_B, 1: Op.HLV_BU },
  0x32: { 0: Op.HLV_H, 1: Op.HLV_HU, 3: Op.HLVX_HU },
  0x34: { 0: Op.HLV_W, 3: Op.HLVX_WU },
};
const HSV_OPS: Record<number, number> = { 0x31: Op.HSV_B, 0x33: Op.HSV_H, 0x35: Op.HSV_W };

function decodeHypervisorAccess(inst: number, rd: number, rs1: number, rs2: number, funct7: number,
  out: DecodeTarget): void {
  const load = HLV_OPS[funct7]?.[rs2];
  if (load !== undefined) return set(out, load, rd, rs1, 0, inst);
  const store = HSV_OPS[funct7];
  if (store !== undefined && rd === 0) return set(out, store, 0, rs1, rs2, inst);
  return illegal(inst, 4, out);
}

// ---- RV32C ----

function cReg(bits: number): number {
  return 8 + (bits & 7);
}

function decodeCompressed(inst: number, out: DecodeTarget): void {
  const quadrant = inst & 3;
  const funct3 = inst >>> 13;
  const rdFull = (inst >>> 7) & 31;
  const rs2Full = (inst >>> 2) & 31;
  const b12 = (inst >>> 12) & 1;
  const imm6 = ((-b12) << 5) | rs2Full; // sign-extended imm[5] | imm[4:0]
  if (quadrant === 0) {
    const rdP = cReg(inst >>> 2);
    const rs1P = cReg(inst >>> 7);
    const uimmW = ((inst >>> 7) & 0x38) | ((inst >>> 4) & 4) | ((inst << 1) & 0x40);
    switch (funct3) {
      case 0: {
        const nzuimm = ((inst >>> 7) & 0x30) | ((inst >>> 1) & 0x3c0) | ((inst >>> 4) & 4) | ((inst >>> 2) & 8);
        if (nzuimm === 0) return illegal(inst, 2, out);
        return set(out, Op.ADDI, rdP, 2, 0, nzuimm, 2);
      }
      case 2: return set(out, Op.LW, rdP, rs1P, 0, uimmW, 2);
      case 6: return set(out, Op.SW, 0, rs1P, rdP, uimmW, 2);
      default: return illegal(inst, 2, out);
    }
  }
  if (quadrant === 1) {
    switch (funct3) {
      case 0: return set(out, Op.ADDI, rdFull, rdFull, 0, imm6, 2);
      case 1: return set(out, Op.JAL, 1, 0, 0, cjOffset(inst), 2);
      case 2: return set(out, Op.ADDI, rdFull, 0, 0, imm6, 2);
      case 3:
        if (rdFull === 2) {
          const imm = ((-b12) << 9) | ((inst >>> 2) & 0x10) | ((inst << 1) & 0x40) |
            ((inst << 4) & 0x180) | ((inst << 3) & 0x20);
          if (imm === 0) return illegal(inst, 2, out);
          return set(out, Op.ADDI, 2, 2, 0, imm, 2);
        }
        if (imm6 === 0) return illegal(inst, 2, out);
        return set(out, Op.LUI, rdFull, 0, 0, imm6 << 12, 2);
      case 4: return decodeCompressedArith(inst, b12, imm6, out);
      case 5: return set(out, Op.JAL, 0, 0, 0, cjOffset(inst), 2);
      case 6:
      case 7: {
        const imm = ((-b12) << 8) | ((inst >>> 7) & 0x18) | ((inst << 1) & 0xc0) |
          ((inst >>> 2) & 6) | ((inst << 3) & 0x20);
        return set(out, funct3 === 6 ? Op.BEQ : Op.BNE, 0, cReg(inst >>> 7), 0, imm, 2);
      }
    }
  }
  if (quadrant === 2) {
    switch (funct3) {
      case 0:
        if (b12) return illegal(inst, 2, out); // shamt[5] = 1 is reserved on RV32
        return set(out, Op.SLLI, rdFull, rdFull, 0, rs2Full, 2);
      case 2: {
        if (rdFull === 0) return illegal(inst, 2, out);
        const uimm = (b12 << 5) | ((inst >>> 2) & 0x1c) | ((inst << 4) & 0xc0);
        return set(out, Op.LW, rdFull, 2, 0, uimm, 2);
      }
      case 4:
        if (!b12) {
          if (rs2Full === 0) {
            if (rdFull === 0) return illegal(inst, 2, out);
            return set(out, Op.JALR, 0, rdFull, 0, 0, 2);
          }
          return set(out, Op.ADD, rdFull, 0, rs2Full, 0, 2);
        }
        if (rs2Full === 0) {
          if (rdFull === 0) return set(out, Op.EBREAK, 0, 0, 0, 0, 2);
          return set(out, Op.JALR, 1, rdFull, 0, 0, 2);
        }
        return set(out, Op.ADD, rdFull, rdFull, rs2Full, 0, 2);
      case 6: {
        const uimm = ((inst >>> 7) & 0x3c) | ((inst >>> 1) & 0xc0);
        return set(out, Op.SW, 0, 2, rs2Full, uimm, 2);
      }
    }
  }
  return illegal(inst, 2, out);
}

function decodeCompressedArith(inst: number, b12: number, imm6: number, out: DecodeTarget): void {
  const rd = cReg(inst >>> 7);
  const rs2 = cReg(inst >>> 2);
  switch ((inst >>> 10) & 3) {
    case 0:
      if (b12) return illegal(inst, 2, out);
      return set(out, Op.SRLI, rd, rd, 0, imm6 & 31, 2);
    case 1:
      if (b12) return illegal(inst, 2, out);
      return set(out, Op.SRAI, rd, rd, 0, imm6 & 31, 2);
    case 2: return set(out, Op.ANDI, rd, rd, 0, imm6, 2);
    default: {
      if (b12) return illegal(inst, 2, out);
      const op = [Op.SUB, Op.XOR, Op.OR, Op.AND][(inst >>> 5) & 3];
      return set(out, op, rd, rd, rs2, 0, 2);
    }
  }
}

/** The jump offset of C.J / C.JAL: imm[11|4|9:8|10|6|7|3:1|5] = inst[12|11|10:9|8|7|6|5:3|2]. */
function cjOffset(inst: number): number {
  return (((-((inst >>> 12) & 1)) << 11) | ((inst >>> 7) & 0x10) | ((inst >>> 1) & 0x300) |
    ((inst << 2) & 0x400) | ((inst >>> 1) & 0x40) | ((inst << 1) & 0x80) | ((inst >>> 2) & 0xe) |
    ((inst << 3) & 0x20));
}

/** Field accessors for the packed word, for code outside the hot loop. */
export const decodedOp = (word: number) => word & 127;
export const decodedRd = (word: number) => (word >>> 7) & 63;
export const decodedRs1 = (word: number) => (word >>> 13) & 31;
export const decodedRs2 = (word: number) => (word >>> 18) & 31;
export const decodedLength = (word: number) => word >>> 24;
