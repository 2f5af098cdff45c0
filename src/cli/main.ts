/*
 * `hyperlab`, the headless runner: boots an image on the emulated machine
 * with UART0 on stdin/stdout and exits with the guest's own status.
 *
 *   hyperlab run [IMAGE] [--harts N] [--ram MIB] [--max-instructions N]
 *                      [--deterministic] [--no-compile] [--raw] [--kernel FILE]
 *                      [--module FILE[:BOOTARGS]] [--domain NAME:KERNEL[:...]]...
 *                      [--serial N=file:PATH | N=unix:PATH]...
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BootConfigError, ImageError, moduleOwner, parseBootModules, type BootFile, type BootModule, type BootModuleSpec,
} from '../runtime/index.ts';
import { EXIT_USAGE, runImage, type RunOptions } from './run.ts';
import { parseSerialOptions, SerialError } from './serial.ts';

/** The lab's default stack: SBI firmware + HyperLab kernel + shell, in one image. */
const DEFAULT_IMAGE = fileURLToPath(new URL('../../public/firmware/hyperlab.elf', import.meta.url));

const USAGE = `usage: hyperlab run [IMAGE] [options]

Boots IMAGE (an ELF32 RISC-V executable) on HyperLab's emulated RISC-V
machine. UART0 is connected to stdin and stdout. Without IMAGE it boots
HyperLab's own stack (SBI firmware, kernel and shell): ${relative(process.cwd(), DEFAULT_IMAGE)}.

options:
  --harts N              number of harts (1..16, default 1)
  --ram MIB              RAM size in MiB (default 128)
  --max-instructions N   stop after N instructions in all (exit status 124)
  --deterministic        time derived from instructions retired: the same
                         image and input give the same output every run
  --no-compile           interpret every instruction (by default hot code is
                         compiled into JavaScript blocks; the result is the
                         same, only slower)
  --raw                  IMAGE is a raw binary, loaded at 0x80000000
  --kernel FILE          a kernel for the SBI firmware in IMAGE, as QEMU's
                         -kernel: an ELF32 at its own addresses, or a RISC-V
                         Image at 0x80400000
  --module FILE[:BOOTARGS]
                         Dom0's kernel, for a hypervisor in IMAGE (once)
  --domain NAME:KERNEL[:memory=MIB][:vcpus=N][:weight=W][:cap=C][:on_poweroff=A][:on_reboot=A][:on_crash=A][:BOOTARGS]
                         a DomU built at boot (up to 7); A: destroy, restart
                         or preserve (what its power-off, reboot or crash
                         leads to); bootargs start at the first field that
                         is not one of those keys
  --serial N=file:PATH   UART N's (1..7) output appended to PATH
  --serial N=unix:PATH   UART N on a Unix-domain socket listening at PATH
  --dump-dtb FILE        write the device tree the machine built (with the
                         modules in /chosen) to FILE and exit

Boot modules are copied into RAM below the device tree and named in its
/chosen as Xen's dom0less boot reads them. A kernel or module is an ELF32
RISC-V executable or a RISC-V Image.

exit status: the guest's (0 when it powers off or passes, its code when it
fails), 124 when the instruction limit ran out or the guest idles with no
input left, 2 for a bad command line, image, kernel, module or serial path.
On a terminal, Ctrl-A then x quits.`;

class UsageError extends Error {}

/** What the command line asks for, before any file is read. */
export interface CommandLine extends RunOptions {
  image: string;
  kernelFile?: string;
  moduleSpecs: BootModuleSpec[];
}

function parseInteger(flag: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${flag} needs a whole number`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${flag} must be between ${min} and ${max}`);
  return value;
}

function valueOf(flag: string, text: string | undefined): string {
  if (text === undefined || text === '') throw new UsageError(`${flag} needs a value`);
  return text;
}

/** Runs `parse`, turning the errors of the option parsers into usage errors. */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof BootConfigError || error instanceof SerialError) throw new UsageError(error.message);
    throw error;
  }
}

export function parseArguments(args: string[]): CommandLine {
  if (args[0] !== 'run') throw new UsageError(args.length === 0 ? 'no command given' : `unknown command '${args[0]}'`);
  let image: string | undefined;
  let kernelFile: string | undefined;
  const modules: string[] = [];
  const domains: string[] = [];
  const serial: string[] = [];
  const options: RunOptions = { harts: 1, ramMiB: 128, deterministic: false, raw: false };
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    switch (arg) {
      case '--harts': options.harts = parseInteger(arg, args[++i], 1, 16); break;
      case '--ram': options.ramMiB = parseInteger(arg, args[++i], 4, 2048); break;
      case '--max-instructions': options.maxInstructions = parseInteger(arg, args[++i], 1, Number.MAX_SAFE_INTEGER); break;
      case '--deterministic': options.deterministic = true; break;
      case '--no-compile': options.compile = false; break;
      case '--raw': options.raw = true; break;
      case '--kernel':
        if (kernelFile !== undefined) throw new UsageError('--kernel may be given once');
        kernelFile = valueOf(arg, args[++i]);
        break;
      case '--module': modules.push(valueOf(arg, args[++i])); break;
      case '--domain': domains.push(valueOf(arg, args[++i])); break;
      case '--serial': serial.push(valueOf(arg, args[++i])); break;
      case '--dump-dtb': options.dumpDeviceTree = valueOf(arg, args[++i]); break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
        if (image !== undefined) throw new UsageError('only one IMAGE may be given');
        image = arg;
    }
  }
  return {
    ...options,
    image: image ?? DEFAULT_IMAGE,
    kernelFile,
    moduleSpecs: asUsage(() => parseBootModules(modules, domains, { module: '--module', domain: '--domain' })),
    serial: asUsage(() => parseSerialOptions(serial)),
  };
}

/** A file's bytes; an Error saying which file could not be read. */
function readBootFile(what: string, file: string): BootFile {
  try {
    return { file, bytes: readFileSync(file) };
  } catch (error) {
    throw new Error(`cannot read ${what}: ${(error as Error).message}`);
  }
}

/** The image, the kernel and the boot modules the command line names. Throws Error. */
function readFiles(command: CommandLine): { image: Uint8Array; kernel?: BootFile; modules: BootModule[] } {
  return {
    image: readBootFile('image', command.image).bytes,
    kernel: command.kernelFile === undefined ? undefined : readBootFile('the kernel', command.kernelFile),
    modules: command.moduleSpecs.map((spec) => ({
      ...spec,
      ...readBootFile(`${moduleOwner(spec)}'s kernel`, spec.file),
    })),
  };
}

export async function main(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    console.log(USAGE);
    return 0;
  }
  let command: CommandLine;
  let files: ReturnType<typeof readFiles>;
  try {
    command = parseArguments(args);
    files = readFiles(command);
  } catch (error) {
    if (error instanceof UsageError) console.error(`hyperlab: ${error.message}\n\n${USAGE}`);
    else console.error(`hyperlab: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
  try {
    return await runImage(files.image, { ...command, kernel: files.kernel, modules: files.modules });
  } catch (error) {
    if (error instanceof ImageError) {
      // Problems with a kernel or a module name their file; the image's do not.
      console.error(`hyperlab: ${error.file === undefined ? `${command.image}: ` : ''}${error.message}`);
      return EXIT_USAGE;
    }
    if (error instanceof BootConfigError || error instanceof SerialError) {
      console.error(`hyperlab: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
