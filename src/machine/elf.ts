/*
 * Loader for the images the machine boots: ELF32 little-endian RISC-V
 * executables, and raw binaries.
 *
 * Segments are placed at their physical address (p_paddr), as QEMU's ELF
 * loader does, and must lie inside RAM. Everything is validated before the
 * first byte is written, so a rejected image leaves RAM untouched. Any
 * problem with the file is an ImageError with a message meant for the
 * person who built the image; the reader never reads outside the file.
 *
 * The symbol table (.symtab with its .strtab) is kept so that the UI can
 * name the function a pc is in.
 */

/** The image cannot be loaded; the message says why. */
export class ImageError extends Error {
  override name = 'ImageError';

  /**
   * `file`: the file at fault when it is not the image itself (a kernel or
   * a boot module, src/machine/boot.ts); the message then names it.
   */
  constructor(message: string, readonly file?: string) {
    super(message);
  }
}

const ELF_MAGIC = 0x464c457f; // "\x7fELF" read little-endian
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const EM_RISCV = 243;
const ELF32_HEADER_SIZE = 52;
const ELF32_PHDR_SIZE = 32;
const ELF32_SHDR_SIZE = 40;
const ELF32_SYM_SIZE = 16;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHF_EXECINSTR = 0x4;
const STT_NOTYPE = 0;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STB_LOCAL = 0;
const SHN_UNDEF = 0;
/** Section indexes from here up are special (ABS, COMMON...), not sections. */
const SHN_LORESERVE = 0xff00;

export type SymbolKind = 'function' | 'object';

export interface ElfSymbol {
  name: string;
  address: number;
  size: number;
  kind: SymbolKind;
}

/** Where an address falls: `offset` bytes into function `name`. */
export interface SymbolLocation {
  name: string;
  offset: number;
}

/** Functions and objects of an image, sorted by address. */
export class SymbolTable {
  readonly symbols: readonly ElfSymbol[];
  private readonly functions: readonly ElfSymbol[];

  /** `symbols` in preference order at equal addresses: later ones win. */
  constructor(symbols: ElfSymbol[]) {
    this.symbols = [...symbols].sort((a, b) => a.address - b.address);
    this.functions = this.symbols.filter((s) => s.kind === 'function');
  }

  /** "name+0x1c" (or "name" at offset 0) for the function enclosing `address`. */
  lookup(address: number): string | undefined {
    const location = this.locate(address);
    if (location === undefined) return undefined;
    return location.offset === 0 ? location.name : `${location.name}+0x${location.offset.toString(16)}`;
  }

  /**
   * The function enclosing `address`: the closest function symbol at or
   * below it, if the address lies within its size (a symbol of size 0, an
   * assembly label, reaches up to the next symbol).
   */
  locate(address: number): SymbolLocation | undefined {
    const functions = this.functions;
    let low = 0;
    let high = functions.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (functions[middle].address <= address) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (found < 0) return undefined;
    const symbol = functions[found];
    const offset = address - symbol.address;
    if (symbol.size !== 0 && offset >= symbol.size) return undefined;
    return { name: symbol.name, offset };
  }

  /** Address of the symbol called `name`, if there is one. */
  address(name: string): number | undefined {
    return this.symbols.find((s) => s.name === name)?.address;
  }
}

export interface LoadedSegment {
  address: number;
  fileSize: number;
  memorySize: number;
}

export interface LoadedImage {
  entry: number;
  segments: LoadedSegment[];
  symbols: SymbolTable;
  /** Address of the `tohost` symbol (HTIF-style test harnesses), if any. */
  tohost?: number;
}

const MiB = 1024 * 1024;
const hex = (value: number) => '0x' + value.toString(16).padStart(8, '0');

function describeSize(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** "0x80000000..0x8000ffff (64 KiB)": an inclusive range and its size. */
export function describeRange(start: number, size: number): string {
  return `${hex(start)}..${hex(start + size - 1)} (${describeSize(size)})`;
}

/** A range of RAM an image must not overwrite, such as the device tree. */
export interface ReservedRange {
  name: string;
  address: number;
  size: number;
}

/** Throws unless [address, address + size) lies inside RAM and overlaps none of `reserved`. */
function checkPlacement(
  what: string,
  address: number,
  size: number,
  ramBase: number,
  ramSize: number,
  reserved: readonly ReservedRange[],
): void {
  if (address < ramBase || address + size > ramBase + ramSize) {
    throw new ImageError(
      `${what} at ${describeRange(address, size)} does not fit in RAM at ${describeRange(ramBase, ramSize)}`,
    );
  }
  for (const range of reserved) {
    if (address < range.address + range.size && range.address < address + size) {
      throw new ImageError(
        `${what} at ${describeRange(address, size)} overlaps ${range.name} at ${describeRange(range.address, range.size)}`,
      );
    }
  }
}

/** Bounds-checked little-endian reads over the file. */
class FileReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws an ImageError naming `what` unless [offset, offset + size) is in the file. */
  require(offset: number, size: number, what: string): void {
    if (offset + size > this.bytes.length || offset < 0 || size < 0) {
      throw new ImageError(`${what} lies outside the file (truncated or corrupt ELF)`);
    }
  }

  u8(offset: number): number {
    return this.view.getUint8(offset);
  }

  u16(offset: number): number {
    return this.view.getUint16(offset, true);
  }

  u32(offset: number): number {
    return this.view.getUint32(offset, true);
  }
}

interface ElfHeader {
  type: number;
  entry: number;
  phoff: number;
  shoff: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
}

function readHeader(file: FileReader): ElfHeader {
  const { bytes } = file;
  if (bytes.length < 4 || file.u32(0) !== ELF_MAGIC) throw new ImageError('not an ELF file (no \\x7fELF magic)');
  if (bytes.length < 6) throw new ImageError('truncated ELF header');
  const elfClass = file.u8(4);
  if (elfClass === ELFCLASS64) {
    throw new ImageError(
      'this is a 64-bit ELF (ELFCLASS64); the machine is RV32: build with -march=rv32imac_zicsr_zifencei -mabi=ilp32',
    );
  }
  if (elfClass !== ELFCLASS32) throw new ImageError(`unknown ELF class ${elfClass}`);
  if (file.u8(5) !== ELFDATA2LSB) throw new ImageError('big-endian ELF; RISC-V images are little-endian');
  if (bytes.length < ELF32_HEADER_SIZE) throw new ImageError('truncated ELF header');
  const machine = file.u16(18);
  if (machine !== EM_RISCV) throw new ImageError(`ELF for machine ${machine}, not RISC-V (EM_RISCV = ${EM_RISCV})`);
  const type = file.u16(16);
  if (type === ET_DYN) {
    throw new ImageError('position-independent executable (ET_DYN); link a fixed-address executable (-static, no -pie)');
  }
  if (type === ET_REL) throw new ImageError('relocatable object (ET_REL), not a linked executable');
  if (type !== ET_EXEC) throw new ImageError(`ELF type ${type} is not an executable (ET_EXEC)`);
  return {
    type,
    entry: file.u32(24),
    phoff: file.u32(28),
    shoff: file.u32(32),
    phentsize: file.u16(42),
    phnum: file.u16(44),
    shentsize: file.u16(46),
    shnum: file.u16(48),
  };
}

interface Segment extends LoadedSegment {
  /** Program header index, as readelf numbers segments. */
  index: number;
  fileOffset: number;
}

function readSegments(file: FileReader, header: ElfHeader): Segment[] {
  if (header.phnum === 0) throw new ImageError('ELF has no program headers: nothing to load');
  if (header.phentsize < ELF32_PHDR_SIZE) throw new ImageError(`bad program header size ${header.phentsize}`);
  file.require(header.phoff, header.phnum * header.phentsize, 'program header table');
  const segments: Segment[] = [];
  for (let i = 0; i < header.phnum; i++) {
    const at = header.phoff + i * header.phentsize;
    if (file.u32(at) !== PT_LOAD) continue;
    const segment = {
      index: i,
      fileOffset: file.u32(at + 4),
      address: file.u32(at + 12), // p_paddr
      fileSize: file.u32(at + 16),
      memorySize: file.u32(at + 20),
    };
    if (segment.memorySize === 0) continue;
    if (segment.fileSize > segment.memorySize) {
      throw new ImageError(`segment ${i} has more file bytes (${segment.fileSize}) than memory (${segment.memorySize})`);
    }
    file.require(segment.fileOffset, segment.fileSize, `segment ${i}'s data`);
    segments.push(segment);
  }
  if (segments.length === 0) throw new ImageError('ELF has no loadable (PT_LOAD) segments');
  return segments;
}

interface Section {
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
}

function readSections(file: FileReader, header: ElfHeader): Section[] {
  if (header.shnum === 0 || header.shoff === 0) return [];
  if (header.shentsize < ELF32_SHDR_SIZE) throw new ImageError(`bad section header size ${header.shentsize}`);
  file.require(header.shoff, header.shnum * header.shentsize, 'section header table');
  const sections: Section[] = [];
  for (let i = 0; i < header.shnum; i++) {
    const at = header.shoff + i * header.shentsize;
    sections.push({
      type: file.u32(at + 4),
      flags: file.u32(at + 8),
      offset: file.u32(at + 16),
      size: file.u32(at + 20),
      link: file.u32(at + 24),
    });
  }
  return sections;
}

/** Reads the NUL-terminated name at `offset` in a string table section. */
function readName(file: FileReader, strings: Section, offset: number): string {
  if (offset >= strings.size) throw new ImageError(`symbol name offset ${offset} outside the string table`);
  const start = strings.offset + offset;
  const end = file.bytes.indexOf(0, start);
  if (end < 0 || end >= strings.offset + strings.size) throw new ImageError('unterminated symbol name');
  let name = '';
  for (let i = start; i < end; i++) name += String.fromCharCode(file.u8(i));
  return name;
}

function readSymbols(file: FileReader, sections: Section[]): SymbolTable {
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (symtab === undefined) return new SymbolTable([]);
  if (symtab.link >= sections.length) throw new ImageError('symbol table links to a missing string table');
  const strings = sections[symtab.link];
  file.require(symtab.offset, symtab.size, 'symbol table');
  file.require(strings.offset, strings.size, 'symbol string table');
  const ranked: { symbol: ElfSymbol; rank: number }[] = [];
  for (let at = symtab.offset; at + ELF32_SYM_SIZE <= symtab.offset + symtab.size; at += ELF32_SYM_SIZE) {
    const info = file.u8(at + 12);
    const sectionIndex = file.u16(at + 14);
    const type = info & 0xf;
    if (sectionIndex === SHN_UNDEF) continue;
    let kind: SymbolKind;
    if (type === STT_FUNC) kind = 'function';
    else if (type === STT_OBJECT) kind = 'object';
    else if (type === STT_NOTYPE && sectionIndex < Math.min(sections.length, SHN_LORESERVE)) {
      // Assembly labels: code if their section is executable.
      kind = sections[sectionIndex].flags & SHF_EXECINSTR ? 'function' : 'object';
    } else continue;
    const name = readName(file, strings, file.u32(at));
    // Skip unnamed symbols and the assembler's local and mapping symbols.
    if (name === '' || name.startsWith('.L') || name.startsWith('$')) continue;
    const size = file.u32(at + 8);
    const rank = (type === STT_NOTYPE ? 0 : 2) + (info >>> 4 === STB_LOCAL ? 0 : 1);
    ranked.push({ symbol: { name, address: file.u32(at + 4), size, kind }, rank });
  }
  // At one address, the typed global symbol is the one to name.
  ranked.sort((a, b) => a.rank - b.rank);
  return new SymbolTable(ranked.map((r) => r.symbol));
}

/**
 * Validates an ELF image's header and program headers without loading
 * it: an ELF32 little-endian RISC-V executable whose loadable segments
 * lie inside the file. Returns the segments; throws ImageError.
 */
export function readElfSegments(bytes: Uint8Array): LoadedSegment[] {
  const file = new FileReader(bytes);
  return readSegments(file, readHeader(file)).map(({ address, fileSize, memorySize }) => ({ address, fileSize, memorySize }));
}

/**
 * Validates an ELF image and copies its segments into RAM (`ram` holds the
 * bytes from physical address `ramBase` on), zero-filling each segment's
 * memory beyond its file bytes. Segments may not overlap `reserved` ranges.
 */
export function loadElf(
  bytes: Uint8Array,
  ramBase: number,
  ram: Uint8Array,
  reserved: readonly ReservedRange[] = [],
): LoadedImage {
  const file = new FileReader(bytes);
  const header = readHeader(file);
  const segments = readSegments(file, header);
  for (const segment of segments) {
    checkPlacement(`segment ${segment.index}`, segment.address, segment.memorySize, ramBase, ram.length, reserved);
  }
  const symbols = readSymbols(file, readSections(file, header));
  for (const segment of segments) {
    const at = segment.address - ramBase;
    ram.set(bytes.subarray(segment.fileOffset, segment.fileOffset + segment.fileSize), at);
    ram.fill(0, at + segment.fileSize, at + segment.memorySize);
  }
  return {
    entry: header.entry,
    segments: segments.map(({ address, fileSize, memorySize }) => ({ address, fileSize, memorySize })),
    symbols,
    tohost: symbols.address('tohost'),
  };
}

/**
 * Copies a raw binary into RAM at `address`, which is also its entry
 * point. `memorySize` (default: the file's size) is what it occupies
 * once running; that much may not overlap the `reserved` ranges.
 */
export function loadRawImage(
  bytes: Uint8Array,
  ramBase: number,
  ram: Uint8Array,
  address: number = ramBase,
  reserved: readonly ReservedRange[] = [],
  memorySize = bytes.length,
): LoadedImage {
  if (bytes.length === 0) throw new ImageError('the image is empty');
  checkPlacement('image', address, Math.max(bytes.length, memorySize), ramBase, ram.length, reserved);
  ram.set(bytes, address - ramBase);
  return {
    entry: address,
    segments: [{ address, fileSize: bytes.length, memorySize: Math.max(bytes.length, memorySize) }],
    symbols: new SymbolTable([]),
  };
}
