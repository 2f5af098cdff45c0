/*
 * `hyperlab`, the headless runner: boots an image on the emulated machine
 * with UART0 on stdin/stdout and exits with the guest's own status.
 *
 *   hyperlab run [IMAGE] [--harts N] [--ram MIB] [--max-instructions N]
 *                      [--deterministic] [--raw]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImageError } from '../runtime/index.ts';
import { EXIT_USAGE, runImage, type RunOptions } from './run.ts';

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
  --raw                  IMAGE is a raw binary, loaded at 0x80000000

exit status: the guest's (0 when it powers off or passes, its code when it
fails), 124 when the instruction limit ran out, 2 for a bad command line or
image. On a terminal, Ctrl-A then x quits.`;

class UsageError extends Error {}

function parseInteger(flag: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${flag} needs a whole number`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${flag} must be between ${min} and ${max}`);
  return value;
}

export function parseArguments(args: string[]): RunOptions & { image: string } {
  if (args[0] !== 'run') throw new UsageError(args.length === 0 ? 'no command given' : `unknown command '${args[0]}'`);
  let image: string | undefined;
  const options: RunOptions = { harts: 1, ramMiB: 128, deterministic: false, raw: false };
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    switch (arg) {
      case '--harts': options.harts = parseInteger(arg, args[++i], 1, 16); break;
      case '--ram': options.ramMiB = parseInteger(arg, args[++i], 4, 2048); break;
      case '--max-instructions': options.maxInstructions = parseInteger(arg, args[++i], 1, Number.MAX_SAFE_INTEGER); break;
      case '--deterministic': options.deterministic = true; break;
      case '--raw': options.raw = true; break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
        if (image !== undefined) throw new UsageError('only one IMAGE may be given');
        image = arg;
    }
  }
  return { ...options, image: image ?? DEFAULT_IMAGE };
}

export async function main(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    console.log(USAGE);
    return 0;
  }
  let options: ReturnType<typeof parseArguments>;
  let bytes: Uint8Array;
  try {
    options = parseArguments(args);
    bytes = readFileSync(options.image);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`hyperlab: ${error.message}\n\n${USAGE}`);
    } else {
      console.error(`hyperlab: cannot read image: ${(error as Error).message}`);
    }
    return EXIT_USAGE;
  }
  try {
    return await runImage(bytes, options);
  } catch (error) {
    if (error instanceof ImageError) {
      console.error(`hyperlab: ${options.image}: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
