/*
 * The block compiler: hot code, one basic block at a time, translated into
 * JavaScript functions that V8 compiles like any other.
 *
 * A block is a run of straight-line instructions on one physical page of
 * RAM (integer arithmetic, LUI/AUIPC, loads and stores) ending at the
 * first branch or jump, at an instruction it does not translate (system
 * instructions, CSRs, atomics, fences, H-extension accesses, which the
 * interpreter runs), at the page's end, or after MAX_BLOCK_LENGTH
 * instructions. A block whose branch or JAL goes back to its own first
 * instruction becomes a loop, as long as the batch has room for another pass.
 *
 * Exact by construction: the registers a block uses live in locals and are
 * written back where every exit leads; loads and stores take the same TLB
 * fast path as the interpreter, and where that misses (a fault to come, a
 * device, code, a misaligned address, a page not yet in the TLB) the block
 * leaves before the instruction, for the interpreter to run it as it
 * always does. So a block never traps and never touches a device. The hart
 * enters a block only if the batch can take all of one pass (so batches,
 * and thus interrupts, end at the same instruction as without it) and no
 * debug trigger watches the mode.
 *
 * Blocks hang off the hart's decoded page (hart.ts), marked in its ops by
 * BLOCK_MARK at their first slot, and are dropped with its decoded
 * instructions: a store to the page drops them all, FENCE.I drops the page.
 */
import { decode, Op, type DecodeTarget } from './decode.ts';

/** An ops word no decoded instruction has (op UNDECODED with a flag bit): the slot starts a block. */
export const BLOCK_MARK = 0x100;
/** Most instructions in one block. */
export const MAX_BLOCK_LENGTH = 64;

/** Runs one block: returns the next pc and leaves the instructions retired in hart.blockRetired. */
export type BlockFunction = (base: number, dataTag: number, budget: number) => number;

export interface CompiledBlock {
  readonly run: BlockFunction;
  /** Instructions in one pass (the budget the hart must have to enter it). */
  readonly length: number;
  /** The decoded word and immediate of its first instruction, for the interpreter when it does not enter. */
  readonly word: number;
  readonly imm: number;
}

/** What compiled code uses of the hart and its memory. */
export interface BlockEnvironment {
  readonly hart: object;
  readonly x: Int32Array;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly readTag: Int32Array;
  readonly readOffset: Int32Array;
  readonly writeTag: Int32Array;
  readonly writeOffset: Int32Array;
  readonly mulhSigned: (a: number, b: number) => number;
  readonly mulhSignedUnsigned: (a: number, b: number) => number;
  readonly mulhUnsigned: (a: number, b: number) => number;
}

/** One instruction as the compiler sees it; `offset` is its place in the page. */
interface Instruction {
  offset: number;
  op: number;
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;
  length: number;
  word: number;
}

const SINK = 32;
const PAGE_SLOTS = 2048;

const BRANCH_CONDITION: Record<number, (a: string, b: string) => string> = {
  [Op.BEQ]: (a, b) => `${a} === ${b}`,
  [Op.BNE]: (a, b) => `${a} !== ${b}`,
  [Op.BLT]: (a, b) => `${a} < ${b}`,
  [Op.BGE]: (a, b) => `${a} >= ${b}`,
  [Op.BLTU]: (a, b) => `(${a} >>> 0) < (${b} >>> 0)`,
  [Op.BGEU]: (a, b) => `(${a} >>> 0) >= (${b} >>> 0)`,
};

/** Register-immediate operations: the int32 result from the source and the immediate. */
const IMMEDIATE_RESULT: Record<number, (a: string, imm: number) => string> = {
  [Op.ADDI]: (a, imm) => `(${a} + ${imm}) | 0`,
  [Op.SLTI]: (a, imm) => `${a} < ${imm} ? 1 : 0`,
  [Op.SLTIU]: (a, imm) => `(${a} >>> 0) < ${imm >>> 0} ? 1 : 0`,
  [Op.XORI]: (a, imm) => `${a} ^ ${imm}`,
  [Op.ORI]: (a, imm) => `${a} | ${imm}`,
  [Op.ANDI]: (a, imm) => `${a} & ${imm}`,
  [Op.SLLI]: (a, imm) => `${a} << ${imm}`,
  [Op.SRLI]: (a, imm) => `(${a} >>> ${imm}) | 0`,
  [Op.SRAI]: (a, imm) => `${a} >> ${imm}`,
};

/** Register-register operations: the int32 result from the two sources. */
const REGISTER_RESULT: Record<number, (a: string, b: string) => string> = {
  [Op.ADD]: (a, b) => `(${a} + ${b}) | 0`,
  [Op.SUB]: (a, b) => `(${a} - ${b}) | 0`,
  [Op.SLL]: (a, b) => `${a} << (${b} & 31)`,
  [Op.SLT]: (a, b) => `${a} < ${b} ? 1 : 0`,
  [Op.SLTU]: (a, b) => `(${a} >>> 0) < (${b} >>> 0) ? 1 : 0`,
  [Op.XOR]: (a, b) => `${a} ^ ${b}`,
  [Op.SRL]: (a, b) => `(${a} >>> (${b} & 31)) | 0`,
  [Op.SRA]: (a, b) => `${a} >> (${b} & 31)`,
  [Op.OR]: (a, b) => `${a} | ${b}`,
  [Op.AND]: (a, b) => `${a} & ${b}`,
  [Op.MUL]: (a, b) => `Math.imul(${a}, ${b})`,
  [Op.MULH]: (a, b) => `mulhSigned(${a}, ${b})`,
  [Op.MULHSU]: (a, b) => `mulhSignedUnsigned(${a}, ${b})`,
  [Op.MULHU]: (a, b) => `mulhUnsigned(${a}, ${b})`,
  [Op.DIV]: (a, b) => `${b} === 0 ? -1 : (${a} === -2147483648 && ${b} === -1) ? ${a} : (${a} / ${b}) | 0`,
  [Op.DIVU]: (a, b) => `${b} === 0 ? -1 : ((${a} >>> 0) / (${b} >>> 0)) | 0`,
  [Op.REM]: (a, b) => `${b} === 0 ? ${a} : (${a} === -2147483648 && ${b} === -1) ? 0 : (${a} % ${b}) | 0`,
  [Op.REMU]: (a, b) => `${b} === 0 ? ${a} : ((${a} >>> 0) % (${b} >>> 0)) | 0`,
};

/** Loads: access size, and the int32 value the register gets from the raw value `v`. */
const LOADS: Record<number, { size: number; result: string }> = {
  [Op.LB]: { size: 1, result: '(v << 24) >> 24' },
  [Op.LH]: { size: 2, result: '(v << 16) >> 16' },
  [Op.LW]: { size: 4, result: 'v' },
  [Op.LBU]: { size: 1, result: 'v & 0xff' },
  [Op.LHU]: { size: 2, result: 'v & 0xffff' },
};

const STORE_SIZE: Record<number, number> = { [Op.SB]: 1, [Op.SH]: 2, [Op.SW]: 4 };

/** The typed array and index expression of a RAM access of `size` bytes at offset expression `offset`. */
function ramAccess(size: number, offset: string): string {
  if (size === 4) return `ram32[(${offset}) >>> 2]`;
  if (size === 2) return `ram16[(${offset}) >>> 1]`;
  return `ram8[${offset}]`;
}

function isTerminator(op: number): boolean {
  return op === Op.JAL || op === Op.JALR || BRANCH_CONDITION[op] !== undefined;
}

function translates(op: number): boolean {
  return op === Op.LUI || op === Op.AUIPC || isTerminator(op) || IMMEDIATE_RESULT[op] !== undefined ||
    REGISTER_RESULT[op] !== undefined || LOADS[op] !== undefined || STORE_SIZE[op] !== undefined;
}

/** A block as read from memory: its instructions in the order they run, and where the last one leads. */
export interface BlockCode {
  instructions: Instruction[];
  /** The page offset control goes to after the last instruction (unless it is a JALR or a taken branch). */
  exitOffset: number;
}

/**
 * Reads the block starting at `slot` of the RAM page at `ramOffset`: a
 * trace that runs on past branches not taken (a taken one leaves it) and
 * follows JALs within the page, up to a JALR, a jump back to its start or
 * to an instruction it already holds, the start of another block
 * (`startsBlock`), an instruction the compiler does not translate, the
 * page's end or MAX_BLOCK_LENGTH instructions. None if the first
 * instruction is one it does not translate.
 */
export function readBlock(
  ram16: Uint16Array, ramOffset: number, slot: number, startsBlock: (slot: number) => boolean,
): BlockCode {
  const instructions: Instruction[] = [];
  const decoded: DecodeTarget = { word: 0, imm: 0 };
  const held = new Set<number>();
  const head = slot * 2;
  for (;;) {
    const offset = slot * 2;
    if (slot < 0 || slot >= PAGE_SLOTS || held.has(slot) || instructions.length >= MAX_BLOCK_LENGTH ||
      (instructions.length > 0 && startsBlock(slot))) {
      return { instructions, exitOffset: offset };
    }
    const low = ram16[(ramOffset >>> 1) + slot];
    if ((low & 3) === 3) {
      // A 32-bit instruction whose upper half is on the next page is left to the interpreter.
      if (slot === PAGE_SLOTS - 1) return { instructions, exitOffset: offset };
      decode(low | (ram16[(ramOffset >>> 1) + slot + 1] << 16), decoded);
    } else {
      decode(low, decoded);
    }
    const word = decoded.word;
    const op = word & 127;
    if (!translates(op)) return { instructions, exitOffset: offset };
    const length = word >>> 24;
    instructions.push({
      offset, op, rd: (word >>> 7) & 63, rs1: (word >>> 13) & 31, rs2: (word >>> 18) & 31, imm: decoded.imm, length, word,
    });
    held.add(slot);
    if (op === Op.JALR) return { instructions, exitOffset: -1 };
    if (op === Op.JAL) {
      const target = offset + decoded.imm;
      if (target === head || target < 0 || target >= 4096) return { instructions, exitOffset: target };
      slot = target >>> 1;
    } else {
      slot += length >>> 1;
    }
  }
}

/**
 * Where control may leave a block for (page offsets; outside 0..4095 is
 * another page): taken branches, its end, and the return points of the
 * calls in it, which the compiler translates next.
 */
export function successors(code: BlockCode): number[] {
  const offsets = [code.exitOffset];
  for (const instruction of code.instructions) {
    if (BRANCH_CONDITION[instruction.op]) offsets.push(instruction.offset + instruction.imm);
    if ((instruction.op === Op.JAL || instruction.op === Op.JALR) && instruction.rd !== SINK) {
      offsets.push(instruction.offset + instruction.length);
    }
  }
  return offsets;
}

/**
 * Translates `instructions` (from readBlock, not empty) into a block over
 * `env`. The code does not depend on the virtual address the page runs at:
 * the block gets the page's base (`base`) and computes pcs from it.
 */
export function compileBlock(code: BlockCode, env: BlockEnvironment): CompiledBlock {
  const { instructions } = code;
  const head = instructions[0].offset;
  const count = instructions.length;
  const last = instructions[count - 1];
  const backEdge = (instruction: Instruction) =>
    (instruction.op === Op.JAL || BRANCH_CONDITION[instruction.op] !== undefined) && instruction.offset + instruction.imm === head;
  const loops = instructions.some((instruction, index) => backEdge(instruction) && (instruction.op !== Op.JAL || index === count - 1));
  /** The pc at `offset` from the page's base, as an expression. */
  const at = (offset: number) => `(base + ${offset}) | 0`;

  // The registers it uses live in locals, loaded at entry; those it writes
  // are stored back once, where every exit leads (or before a call out).
  const used = new Set<number>();
  const written = new Set<number>();
  for (const instruction of instructions) {
    for (const register of sources(instruction)) used.add(register);
    if (writes(instruction)) {
      used.add(instruction.rd);
      written.add(instruction.rd);
    }
  }
  const reg = (r: number) => (r === 0 ? '0' : `r${r}`);
  const writeBack = [...written].map((r) => `x[${r}] = r${r};`).join(' ');
  /** Leaves the block after `done` instructions of this pass, for pc expression `pc`. */
  const exit = (done: number, pc: string) => `{ done = ${done}; next = ${pc}; break block; }`;

  const lines: string[] = [];
  instructions.forEach((instruction, index) => {
    const { op, rd, rs1, rs2, imm, offset } = instruction;
    const next = at(offset + instruction.length);
    const target = at(offset + imm);
    const a = reg(rs1);
    const b = reg(rs2);
    const assign = (value: string) => (rd === SINK ? '' : `r${rd} = ${value};`);
    if (op === Op.LUI) lines.push(assign(`${imm}`));
    else if (op === Op.AUIPC) lines.push(assign(target));
    else if (IMMEDIATE_RESULT[op]) lines.push(assign(IMMEDIATE_RESULT[op](a, imm)));
    else if (REGISTER_RESULT[op]) lines.push(assign(REGISTER_RESULT[op](a, b)));
    else if (LOADS[op]) {
      const { size, result } = LOADS[op];
      const aligned = size === 1 ? '' : ` && (a & ${size - 1}) === 0`;
      lines.push(`a = (${a} + ${imm}) | 0; e = (a >>> 12) & 255;`,
        `if (readTag[e] === ((a >>> 12) | dataTag)${aligned}) v = ${ramAccess(size, 'readOffset[e] + (a & 0xfff)')};`,
        `else ${exit(index, at(offset))}`,
        assign(result));
    } else if (STORE_SIZE[op]) {
      const size = STORE_SIZE[op];
      const aligned = size === 1 ? '' : ` && (a & ${size - 1}) === 0`;
      lines.push(`a = (${a} + ${imm}) | 0; e = (a >>> 12) & 255;`,
        `if (writeTag[e] === ((a >>> 12) | dataTag)${aligned}) ${ramAccess(size, 'writeOffset[e] + (a & 0xfff)')} = ${b};`,
        `else ${exit(index, at(offset))}`);
    } else if (op === Op.JAL) {
      lines.push(assign(next));
      // A JAL inside the block was followed: the next instruction here is its target.
      if (index === count - 1) lines.push(backEdge(instruction) ? repeat(index + 1, count, at(head), exit) : exit(count, target));
    } else if (op === Op.JALR) {
      lines.push(`a = (${a} + ${imm}) & -2;`, assign(next), exit(count, 'a'));
    } else {
      const condition = BRANCH_CONDITION[op](a, b);
      lines.push(`if (${condition}) ${backEdge(instruction) ? repeat(index + 1, count, at(head), exit) : exit(index + 1, target)}`);
    }
  });
  if (last.op !== Op.JAL && last.op !== Op.JALR) lines.push(exit(count, at(code.exitOffset)));

  const registers = [...used].filter((r) => r !== 0 && r !== SINK);
  const declarations = registers.length ? `let ${registers.map((r) => `r${r} = x[${r}]`).join(', ')};` : '';
  const body = loops ? `for (;;) {\n${lines.join('\n')}\n}` : lines.join('\n');
  const source = `return function block_${head.toString(16)}(base, dataTag, budget) {\n` +
    `${declarations}\nlet n = 0, a = 0, e = 0, v = 0, done = 0, next = 0;\n` +
    `block: {\n${body}\n}\n${writeBack}\nh.blockRetired = n + done;\nreturn next;\n};`;
  const factory = new Function('h', 'x', 'ram8', 'ram16', 'ram32', 'readTag', 'readOffset', 'writeTag', 'writeOffset',
    'mulhSigned', 'mulhSignedUnsigned', 'mulhUnsigned', source);
  const run = factory(env.hart, env.x, env.ram8, env.ram16, env.ram32, env.readTag, env.readOffset, env.writeTag,
    env.writeOffset, env.mulhSigned, env.mulhSignedUnsigned, env.mulhUnsigned) as BlockFunction;
  return { run, length: count, word: instructions[0].word, imm: instructions[0].imm };
}

/**
 * A jump back to the block's start after `done` instructions of the pass:
 * another pass if the batch has room for a whole one (`count`), else leave at the start.
 */
function repeat(done: number, count: number, head: string, exit: (done: number, pc: string) => string): string {
  return `{ n += ${done}; if (n + ${count} <= budget) continue; ${exit(0, head)} }`;
}

function sources(instruction: Instruction): number[] {
  const { op, rs1, rs2 } = instruction;
  if (op === Op.LUI || op === Op.AUIPC || op === Op.JAL) return [];
  if (BRANCH_CONDITION[op] || REGISTER_RESULT[op] || STORE_SIZE[op]) return [rs1, rs2];
  return [rs1];
}

function writes(instruction: Instruction): boolean {
  return instruction.rd !== SINK && BRANCH_CONDITION[instruction.op] === undefined &&
    STORE_SIZE[instruction.op] === undefined;
}
