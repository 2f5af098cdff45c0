/*
 * Boot-and-drive of the hypervisor, on HyperLab and on QEMU alike: boots
 * the hypervisor with its domains, types at each domain's console and at
 * the hypervisor's debug keys, and reads what each console printed.
 *
 *  - HyperLab runs in this process (the thread machine, deterministic
 *    clock): domain N's console is UART N.
 *  - QEMU's virt board has UART0 only, so the hypervisor shows every DomU's
 *    console there a line at a time behind "(dN) " and switches UART0's
 *    input between the consoles with Ctrl-A pressed three times; the boot
 *    domains come through a device tree made here (QEMU's own, with
 *    /chosen written as the board writes it) and QEMU's loader device.
 *
 * console(0) is Domain-0's console: UART0 without the hypervisor's log
 * ("(HV) " lines) and without the other domains' lines.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addBootModules, placeModules, type BootModule, type ShutdownAction } from '../machine/boot-modules.ts';
import { decodeFdt, encodeFdt } from '../machine/fdt.ts';
import { createThreadMachine, whenStopped, type StopReason, type ThreadMachine } from '../runtime/index.ts';
import { FIRMWARE, ROOT } from './console-session.ts';

export const LOG_PREFIX = '(HV) ';
export const CTRL_A3 = '\x01\x01\x01';
export const HYPERVISOR_IMAGE = `${FIRMWARE}/hypervisor.elf`;
export const KERNEL = `${FIRMWARE}/kernel.elf`;
/** The kernel's dom0 build: the hypervisor's built-in domain 0. */
export const KERNEL_DOM0 = `${FIRMWARE}/kernel-dom0.elf`;
export const guest = (name: string) => `${FIRMWARE}/guests/${name}`;

/** A DomU built at boot, as `--domain` names it. */
export interface DomainSpec {
  name: string;
  file: string;
  memoryMiB?: number;
  vcpus?: number;
  weight?: number;
  cap?: number;
  onPoweroff?: ShutdownAction;
  onReboot?: ShutdownAction;
  onCrash?: ShutdownAction;
  bootargs?: string;
}

/**
 * Domain 0's kernel, as `--module` gives it. Omitted: the hypervisor's
 * built-in one (beside DomUs built at boot, in single-user mode: its
 * /etc/rc creates no guests).
 */
export interface Dom0Spec {
  file: string;
  bootargs?: string;
}

export interface HvOptions {
  harts: number;
  dom0?: Dom0Spec;
  domains?: DomainSpec[];
  ramMiB?: number;
  /** HyperLab only: stop after this many instructions in all (a failing test ends). */
  maxInstructions?: number;
}

export interface HvSession {
  readonly name: string;
  /** What domain `id` printed on its console (without '\r'); its last line may be unfinished: wait for a line's end. */
  console(id: number): string;
  /** UART0 as printed (the log, Domain-0 and, on QEMU, the other domains), without '\r'. */
  uart0(): string;
  /** The hypervisor's log: UART0's "(HV) " lines, without the prefix. */
  log(): string;
  /** Makes domain `id`'s console the one typed at (on QEMU, UART0's input switches to it). */
  attach(id: number): Promise<void>;
  /** Types at domain `id`'s console. */
  type(id: number, keys: string): Promise<void>;
  /** Types at the hypervisor's debug keys (and switches UART0's input back to Domain-0). */
  debugKeys(keys: string): Promise<void>;
  /** Resolves once `done()` holds; fails if the machine stops first, or after `ms`. */
  until(what: string, done: () => boolean, ms?: number): Promise<void>;
  /** The exit status, once the machine has stopped by itself (null if it was stopped). */
  exited(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Where domain `id`'s console is, as session.console() takes it: the UART
 * the hypervisor's log says it gave the domain ("console UART2"), or on a
 * machine that had none left for it ("console UART0 as d3"), the id; -1
 * before the log has described the domain.
 */
export function consoleOf(session: HvSession, id: number): number {
  const described = [...session.log().matchAll(new RegExp(`^d${id} \\(.*\\): HVM.*console UART(\\d+)( as d\\d+)?$`, 'gm'))].at(-1);
  if (!described) return -1;
  return described[2] ? id : Number(described[1]);
}

const DEFAULT_WAIT_MS = Number(process.env.HYPERLAB_WAIT_MS ?? 240_000);
const POLL_MS = 10;

const withoutReturns = (text: string) => text.replace(/\r/g, '');

/** The lines of `text` that begin with `prefix`, without it; each ended as it was in `text`. */
export function linesWith(text: string, prefix: string): string {
  const lines = text.split('\n');
  const last = lines.pop()!;
  const whole = lines.filter((line) => line.startsWith(prefix)).map((line) => `${line.slice(prefix.length)}\n`).join('');
  return last.startsWith(prefix) ? whole + last.slice(prefix.length) : whole;
}

/**
 * Domain-0's console: UART0 from the hypervisor's first line on (before
 * it, the SBI firmware spoke), without the log and other domains' lines.
 */
function dom0Console(uart0: string): string {
  const start = uart0.indexOf(LOG_PREFIX);
  return (start < 0 ? '' : uart0.slice(start)).split('\n')
    .filter((line) => !line.startsWith(LOG_PREFIX) && !/^\(d\d+\) /.test(line)).join('\n');
}

async function poll(name: string, what: string, done: () => boolean, stopped: () => boolean, tail: () => string,
  ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (stopped()) throw new Error(`${name}: the machine stopped while waiting for ${what}\n${tail()}`);
    if (Date.now() > deadline) throw new Error(`${name}: timed out after ${ms} ms waiting for ${what}\n${tail()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function bootModules(options: HvOptions): BootModule[] {
  const dom0 = options.dom0;
  const kernel: BootModule[] = dom0
    ? [{ file: dom0.file, bytes: readFileSync(dom0.file), ...(dom0.bootargs ? { bootargs: dom0.bootargs } : {}) }]
    : [];
  return [...kernel, ...(options.domains ?? []).map((d) => ({
    file: d.file,
    bytes: readFileSync(d.file),
    ...(d.bootargs ? { bootargs: d.bootargs } : {}),
    domain: {
      name: d.name, memoryMiB: d.memoryMiB, vcpus: d.vcpus, weight: d.weight, cap: d.cap,
      onPoweroff: d.onPoweroff, onReboot: d.onReboot, onCrash: d.onCrash,
    },
  }))];
}

// ---- HyperLab ----

class HyperLabSession implements HvSession {
  readonly name: string;
  readonly machine: ThreadMachine;
  private readonly outputs: string[] = [];
  private reason: StopReason | undefined;
  private readonly stopped: Promise<StopReason>;

  constructor(options: HvOptions) {
    this.name = `HyperLab, ${options.harts} hart${options.harts > 1 ? 's' : ''}`;
    const machine = createThreadMachine({
      harts: options.harts,
      ramMiB: options.ramMiB ?? 128,
      image: readFileSync(HYPERVISOR_IMAGE),
      modules: bootModules(options),
      clock: 'deterministic',
      maxInstructions: options.maxInstructions ?? 20_000_000_000,
    });
    this.machine = machine;
    for (let uart = 0; uart < 8; uart++) {
      this.outputs.push('');
      machine.console(uart).onOutput((bytes) => { this.outputs[uart] += Buffer.from(bytes).toString('latin1'); });
    }
    this.stopped = (async () => {
      await machine.powerOn();
      this.reason = await whenStopped(machine);
      return this.reason;
    })();
  }

  uart0(): string {
    return withoutReturns(this.outputs[0]);
  }

  console(id: number): string {
    return id === 0 ? dom0Console(this.uart0()) : withoutReturns(this.outputs[id]);
  }

  log(): string {
    return linesWith(this.uart0(), LOG_PREFIX);
  }

  async attach(id: number): Promise<void> {
    void id; // every domain has a UART of its own
  }

  async type(id: number, keys: string): Promise<void> {
    this.machine.console(id).write(keys);
  }

  async debugKeys(keys: string): Promise<void> {
    this.machine.console(0).write(CTRL_A3 + keys + CTRL_A3);
  }

  until(what: string, done: () => boolean, ms = DEFAULT_WAIT_MS): Promise<void> {
    return poll(this.name, what, done, () => this.reason !== undefined, () => this.tail(), ms);
  }

  async exited(): Promise<number | null> {
    const reason = await this.stopped;
    if (reason.kind === 'finisher') return reason.event.kind === 'fail' ? reason.event.code : 0;
    return null;
  }

  async stop(): Promise<void> {
    await this.machine.powerOff();
  }

  /** The hardware's own count of VS/VU instructions of VMID `vmid`, over every hart. */
  retiredByVmid(vmid: number): number {
    let total = 0;
    for (let hart = 0; hart < this.machine.harts; hart++) total += this.machine.hart(hart).retiredByVmid(vmid);
    return total;
  }

  private tail(): string {
    return this.outputs.map((text, uart) => text && `--- UART${uart} (last 1500 bytes) ---\n${text.slice(-1500)}`)
      .filter(Boolean).join('\n');
  }
}

// ---- QEMU ----

const QEMU = 'qemu-system-riscv32';
const QEMU_RAM_MIB = 256;
/** Where the modules go in QEMU's RAM: below here, above the firmware and the hypervisor. */
const QEMU_MODULES_TOP = 0x8f00_0000;
const QEMU_OCCUPIED = [{ name: 'the firmware and the hypervisor', address: 0x8000_0000, size: 0x100_0000 }];

function qemuMachineArgs(harts: number): string[] {
  return ['-M', 'virt', '-cpu', 'rv32,h=true', '-smp', String(harts), '-m', `${QEMU_RAM_MIB}M`,
    '-bios', `${FIRMWARE}/sbi.elf`];
}

/**
 * QEMU's own device tree for this machine, with the boot modules named in
 * /chosen as HyperLab's board names them, and QEMU's loader devices that
 * put the module files there. Returns the extra QEMU arguments.
 */
function qemuBootModules(harts: number, modules: BootModule[], directory: string): string[] {
  if (modules.length === 0) return [];
  const dumped = join(directory, 'virt.dtb');
  const dump = spawnSync(QEMU, ['-M', `virt,dumpdtb=${dumped}`, ...qemuMachineArgs(harts).slice(2), '-display', 'none']);
  if (dump.status !== 0) throw new Error(`${QEMU} could not dump its device tree: ${dump.stderr}`);
  const tree = decodeFdt(readFileSync(dumped)).root;
  const chosen = tree.children.find((node) => node.name === 'chosen') ?? tree.addChild('chosen');
  const placed = placeModules(modules, QEMU_MODULES_TOP, 0x8000_0000, QEMU_OCCUPIED);
  addBootModules(chosen, placed);
  const file = join(directory, 'hypervisor.dtb');
  writeFileSync(file, encodeFdt(tree));
  return ['-dtb', file, ...placed.flatMap((m) => ['-device', `loader,file=${m.file},addr=0x${m.address.toString(16)},force-raw=on`])];
}

/** What the hypervisor logs when UART0's input changes hands. */
const SWITCHED = '*** Serial input to';

class QemuSession implements HvSession {
  readonly name: string;
  private readonly child: ChildProcess;
  private output = '';
  private status: number | null | undefined;
  private readonly exit: Promise<number | null>;
  private readonly directory = mkdtempSync(join(tmpdir(), 'hyperlab-qemu-'));
  /** Who gets UART0's input: a domain id, or -1 for the hypervisor (as console.c cycles it). */
  private focus = 0;
  private readonly domainCount: number;

  constructor(options: HvOptions) {
    this.name = `QEMU, ${options.harts} hart${options.harts > 1 ? 's' : ''}`;
    this.domainCount = 1 + Math.max(2, (options.domains ?? []).length);
    const args = [...qemuMachineArgs(options.harts), '-kernel', `${FIRMWARE}/hv.elf`,
      ...qemuBootModules(options.harts, bootModules(options), this.directory),
      '-display', 'none', '-serial', 'stdio', '-monitor', 'none'];
    this.child = spawn(QEMU, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
    this.child.stdout!.on('data', (chunk: Buffer) => { this.output += chunk.toString('latin1'); });
    this.exit = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('exit', (code) => {
        this.status = code;
        rmSync(this.directory, { recursive: true, force: true });
        resolve(code);
      });
    });
  }

  uart0(): string {
    return withoutReturns(this.output);
  }

  console(id: number): string {
    return id === 0 ? dom0Console(this.uart0()) : linesWith(this.uart0(), `(d${id}) `);
  }

  log(): string {
    return linesWith(this.uart0(), LOG_PREFIX);
  }

  /** Presses Ctrl-A three times until UART0's input goes to `target` (a domain id, or -1). */
  private async focusOn(target: number): Promise<void> {
    for (let presses = 0; this.focus !== target; presses++) {
      if (presses > 2 * this.domainCount) throw new Error(`${this.name}: UART0's input never reached ${target}`);
      const switches = this.log().split(SWITCHED).length;
      this.child.stdin!.write(CTRL_A3);
      await this.until('the console switch', () => this.log().split(SWITCHED).length > switches);
      const said = this.log().split(SWITCHED).pop()!;
      this.focus = said.startsWith(' the hypervisor') ? -1 : Number(/^ d(\d+)/.exec(said)?.[1] ?? 0);
    }
  }

  attach(id: number): Promise<void> {
    return this.focusOn(id);
  }

  async type(id: number, keys: string): Promise<void> {
    await this.focusOn(id);
    this.child.stdin!.write(keys);
  }

  async debugKeys(keys: string): Promise<void> {
    await this.focusOn(-1);
    this.child.stdin!.write(keys);
    await this.focusOn(0);
  }

  until(what: string, done: () => boolean, ms = DEFAULT_WAIT_MS): Promise<void> {
    return poll(this.name, what, done, () => this.status !== undefined,
      () => `--- UART0 (last 3000 bytes) ---\n${this.output.slice(-3000)}`, ms);
  }

  exited(): Promise<number | null> {
    return this.exit;
  }

  async stop(): Promise<void> {
    if (this.status === undefined) this.child.kill('SIGKILL');
    await this.exit;
  }
}

export function startHyperLab(options: HvOptions): HyperLabSession {
  return new HyperLabSession(options);
}

export function startQemu(options: HvOptions): HvSession {
  return new QemuSession(options);
}

export type { HyperLabSession };

/** The number of prompts ("$ " at a line start) in a console's text. */
export function prompts(text: string): number {
  return (text.match(/(^|\n)\$ /g) ?? []).length;
}
