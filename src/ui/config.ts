/*
 * What the page boots: the default machine, or what its address asks for.
 * The default image is one constant: switching the lab to another image is
 * a one-line change here (and the e2e tests' banner in e2e/lab.ts).
 *
 *   ?image=firmware/bench.elf&harts=4&ram=64&speed=1000
 *   ?compile=0   (the interpreter only: no block compiler)
 *   ?image=firmware/sbi.elf&kernel=firmware/kernel.elf
 *   ?image=firmware/hypervisor.elf&module=firmware/kernel.elf
 *       &domain=guest1:firmware/kernel.elf:memory=32&domain=...
 *
 * Files are under the site's base (public/). `module` and `domain` take
 * the runner's --module and --domain forms (src/runtime/boot-options.ts).
 */
import { BootConfigError, MAX_HARTS, parseBootModules, type BootModuleSpec } from '../runtime/index.ts';

/** The image the page boots, under public/: the SBI firmware, the HyperLab kernel and its shell. */
export const DEFAULT_IMAGE = 'firmware/hyperlab.elf';
/** Harts of the default machine. */
export const DEFAULT_HARTS = 2;
export const DEFAULT_RAM_MIB = 128;
/** The most RAM the page gives a machine: a browser tab's memory is not the host's. */
export const MAX_RAM_MIB = 1024;

export interface LabConfig {
  /** Path of the image under the site's base (public/). */
  image: string;
  harts: number;
  ramMiB: number;
  /** Instructions per second per hart at power-on; Infinity = full speed. */
  speed: number;
  /** A kernel for the SBI firmware in `image`, under the site's base. */
  kernel?: string;
  /** Boot modules for a hypervisor in `image`: Dom0's kernel and DomUs, their files under the site's base. */
  modules: BootModuleSpec[];
  /** Whether the harts compile hot code into blocks (compile=0 turns it off). */
  compile: boolean;
}

/** What the address asks for, or why the lab cannot do it. */
export type LabAddress = { config: LabConfig } | { error: string };

const SINGLE = ['image', 'harts', 'ram', 'speed', 'kernel', 'compile'];
const REPEATABLE = ['module', 'domain'];

class AddressError extends Error {}

/** A path under the site's base: no way out of it, nothing but plain file-name characters. */
function sitePath(label: string, path: string): string {
  if (!/^[\w./-]+$/.test(path) || path.includes('..') || path.startsWith('/')) {
    throw new AddressError(`${label}${path}: name a file under the lab's site (letters, digits, _ . / -)`);
  }
  return path;
}

function wholeNumber(params: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const text = params.get(name);
  if (text === null) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new AddressError(`${name}=${text}: a whole number from ${min} to ${max}`);
  }
  return Number(text);
}

function speedOf(params: URLSearchParams): number {
  const text = params.get('speed');
  if (text === null) return Infinity;
  const speed = Number(text);
  if (!(speed >= 1)) throw new AddressError(`speed=${text}: instructions per second per hart, from 1`);
  return speed;
}

function compileOf(params: URLSearchParams): boolean {
  const text = params.get('compile');
  if (text === null || text === '1') return true;
  if (text === '0') return false;
  throw new AddressError(`compile=${text}: 1 (compile hot code, the default) or 0 (interpret only)`);
}

function checkParameterNames(params: URLSearchParams): void {
  for (const name of new Set(params.keys())) {
    if (!SINGLE.includes(name) && !REPEATABLE.includes(name)) {
      throw new AddressError(`unknown parameter '${name}' (the lab knows ${[...SINGLE, ...REPEATABLE].join(', ')})`);
    }
    if (SINGLE.includes(name) && params.getAll(name).length > 1) throw new AddressError(`${name}= is given twice`);
  }
}

function bootModules(params: URLSearchParams): BootModuleSpec[] {
  let modules: BootModuleSpec[];
  try {
    modules = parseBootModules(params.getAll('module'), params.getAll('domain'), { module: 'module=', domain: 'domain=' });
  } catch (error) {
    if (error instanceof BootConfigError) throw new AddressError(error.message);
    throw error;
  }
  for (const module of modules) sitePath(module.domain ? `domain=${module.domain.name}:` : 'module=', module.file);
  return modules;
}

/** The machine the address (`location.search`) asks for: the default one for an empty address. */
export function labConfig(search: string): LabAddress {
  const params = new URLSearchParams(search);
  try {
    checkParameterNames(params);
    const kernel = params.get('kernel');
    return {
      config: {
        image: sitePath('image=', params.get('image') ?? DEFAULT_IMAGE),
        harts: wholeNumber(params, 'harts', 1, MAX_HARTS, DEFAULT_HARTS),
        ramMiB: wholeNumber(params, 'ram', 4, MAX_RAM_MIB, DEFAULT_RAM_MIB),
        speed: speedOf(params),
        ...(kernel === null ? {} : { kernel: sitePath('kernel=', kernel) }),
        modules: bootModules(params),
        compile: compileOf(params),
      },
    };
  } catch (error) {
    if (error instanceof AddressError) return { error: error.message };
    throw error;
  }
}
