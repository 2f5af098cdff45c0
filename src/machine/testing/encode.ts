/*
 * A tiny RV32 instruction encoder for unit tests, so hart tests need no
 * cross compiler. Each function returns one 32-bit instruction word.
 */
const r = (funct7: number, rs2: number, rs1: number, funct3: number, rd: number, opcode: number) =>
  ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
const i = (imm: number, rs1: number, funct3: number, rd: number, opcode: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
const s = (imm: number, rs2: number, rs1: number, funct3: number, opcode: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 31) << 7) | opcode) >>> 0;
const b = (imm: number, rs2: number, rs1: number, funct3: number) =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) >>> 0;

export const lui = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const auipc = (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
export const jal = (rd: number, imm: number) =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
export const jalr = (rd: number, rs1: number, imm: number) => i(imm, rs1, 0, rd, 0x67);
export const beq = (rs1: number, rs2: number, imm: number) => b(imm, rs2, rs1, 0);
export const bne = (rs1: number, rs2: number, imm: number) => b(imm, rs2, rs1, 1);
export const blt = (rs1: number, rs2: number, imm: number) => b(imm, rs2, rs1, 4);
export const bge = (rs1: number, rs2: number, imm: number) => b(imm, rs2, rs1, 5);
export const bltu = (rs1: number, rs2: number, imm: number) => b(imm, rs2, rs1, 6);
export const bgeu = (rs1: number, rs2: number, imm: number) => b(imm, rs2, rs1, 7);
export const lb = (rd: number, rs1: number, imm: number) => i(imm, rs1, 0, rd, 0x03);
export const lh = (rd: number, rs1: number, imm: number) => i(imm, rs1, 1, rd, 0x03);
export const lw = (rd: number, rs1: number, imm: number) => i(imm, rs1, 2, rd, 0x03);
export const lbu = (rd: number, rs1: number, imm: number) => i(imm, rs1, 4, rd, 0x03);
export const lhu = (rd: number, rs1: number, imm: number) => i(imm, rs1, 5, rd, 0x03);
export const sb = (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 0, 0x23);
export const sh = (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 1, 0x23);
export const sw = (rs2: number, rs1: number, imm: number) => s(imm, rs2, rs1, 2, 0x23);
export const addi = (rd: number, rs1: number, imm: number) => i(imm, rs1, 0, rd, 0x13);
export const slti = (rd: number, rs1: number, imm: number) => i(imm, rs1, 2, rd, 0x13);
export const sltiu = (rd: number, rs1: number, imm: number) => i(imm, rs1, 3, rd, 0x13);
export const xori = (rd: number, rs1: number, imm: number) => i(imm, rs1, 4, rd, 0x13);
export const ori = (rd: number, rs1: number, imm: number) => i(imm, rs1, 6, rd, 0x13);
export const andi = (rd: number, rs1: number, imm: number) => i(imm, rs1, 7, rd, 0x13);
export const slli = (rd: number, rs1: number, shamt: number) => i(shamt, rs1, 1, rd, 0x13);
export const srli = (rd: number, rs1: number, shamt: number) => i(shamt, rs1, 5, rd, 0x13);
export const srai = (rd: number, rs1: number, shamt: number) => i(0x400 | shamt, rs1, 5, rd, 0x13);
const op = (funct7: number, funct3: number) => (rd: number, rs1: number, rs2: number) => r(funct7, rs2, rs1, funct3, rd, 0x33);
export const add = op(0, 0);
export const sub = op(0x20, 0);
export const sll = op(0, 1);
export const slt = op(0, 2);
export const sltu = op(0, 3);
export const xor = op(0, 4);
export const srl = op(0, 5);
export const sra = op(0x20, 5);
export const or = op(0, 6);
export const and = op(0, 7);
export const mul = op(1, 0);
export const mulh = op(1, 1);
export const mulhsu = op(1, 2);
export const mulhu = op(1, 3);
export const div = op(1, 4);
export const divu = op(1, 5);
export const rem = op(1, 6);
export const remu = op(1, 7);
const amo = (funct5: number) => (rd: number, rs2: number, rs1: number) => r(funct5 << 2, rs2, rs1, 2, rd, 0x2f);
export const lrw = (rd: number, rs1: number) => r(0x02 << 2, 0, rs1, 2, rd, 0x2f);
export const scw = amo(0x03);
export const amoswap = amo(0x01);
export const amoadd = amo(0x00);
export const amoxor = amo(0x04);
export const amoand = amo(0x0c);
export const amoor = amo(0x08);
export const amomin = amo(0x10);
export const amomax = amo(0x14);
export const amominu = amo(0x18);
export const amomaxu = amo(0x1c);
export const fence = () => 0x0ff0000f;
export const fencei = () => 0x0000100f;
export const ecall = () => 0x00000073;
export const ebreak = () => 0x00100073;
export const mret = () => 0x30200073;
export const sret = () => 0x10200073;
export const wfi = () => 0x10500073;
export const sfenceVma = (rs1 = 0, rs2 = 0) => r(0x09, rs2, rs1, 0, 0, 0x73);
export const csrrw = (rd: number, csr: number, rs1: number) => i(csr, rs1, 1, rd, 0x73);
export const csrrs = (rd: number, csr: number, rs1: number) => i(csr, rs1, 2, rd, 0x73);
export const csrrc = (rd: number, csr: number, rs1: number) => i(csr, rs1, 3, rd, 0x73);
export const csrrwi = (rd: number, csr: number, uimm: number) => i(csr, uimm, 5, rd, 0x73);
export const csrrsi = (rd: number, csr: number, uimm: number) => i(csr, uimm, 6, rd, 0x73);
export const csrrci = (rd: number, csr: number, uimm: number) => i(csr, uimm, 7, rd, 0x73);

/** Loads a 32-bit constant into rd (two instructions). */
export function li(rd: number, value: number): number[] {
  const low = (value << 20) >> 20;
  const high = ((value - low) >>> 12) & 0xfffff;
  return high === 0 ? [addi(rd, 0, low)] : [lui(rd, high), addi(rd, rd, low)];
}
