/*
 * `npm run bench:hv`: what the hypervisor costs, in instructions (exact,
 * the same on every run) and in time (this machine, now):
 *
 *  1. the CPU benchmark (bench/'s kernels, firmware/guests/cpubench.c) in
 *     a domain, as a share of the same benchmark on the bare machine. The
 *     guest counts its own instructions with instret, which on one hart
 *     also counts what the hypervisor and Domain-0 ran meanwhile;
 *  2. the kernel's own `bench` command (system calls, page faults, context
 *     switches) in Domain-0 and on the bare machine, side by side;
 *  3. the cost of one exit, as instructions the harts retired in HS-mode
 *     per VM exit, for SBI set_timer, a vUART register write, a vPLIC
 *     claim and complete, and an IPI between two vCPUs
 *     (firmware/guests/exits.c, deterministic clock, 2 harts);
 *  4. power-on to all three prompts of the default image, in
 *     instructions and wall time, in this Node process;
 *  5. `xl create /etc/xen/guest3.cfg` typed in Domain-0's shell, to
 *     guest3's prompt on UART3: instructions by mode (deterministic
 *     clock) and wall time (real clock), 2 harts.
 *
 *   npm run bench:hv [-- --only cpu|kernel|exits|boot|create]
 */
import { readFileSync } from 'node:fs';
import { MODE_M, MODE_S, MODE_U, MODE_VS, MODE_VU, RETIRED, RETIRED_BY_VMID, VM_EXITS } from '../machine/counters.ts';
import type { BootModule } from '../machine/boot-modules.ts';
import type { BootSoftware } from '../machine/boot.ts';
import { Machine } from '../machine/machine.ts';
import { FIRMWARE } from '../system/console-session.ts';

const TARGETS = { cpuShare: 0.95, setTimer: 300, mmio: 500, bootSeconds: 1, createSeconds: 0.3 };
const QUANTUM = 1_000;
const TIMEOUT_MS = 300_000;
const UARTS = 8;

const file = (name: string) => `${FIRMWARE}/${name}`;
const bytes = (name: string) => readFileSync(file(name));

function domainModule(name: string, kernel: string, settings: Partial<NonNullable<BootModule['domain']>> = {}): BootModule {
  return { file: file(kernel), bytes: bytes(kernel), domain: { name, ...settings } };
}

/** What the harts have counted, summed over harts. */
interface Counts {
  instructions: number;
  byMode: number[];
  exits: number;
  /** Instructions retired in VS/VU-mode per VMID (the first few). */
  byVmid: number[];
  seconds: number;
}

/** A machine in this process, driven round by round, with its consoles as text. */
class Rig {
  readonly machine: Machine;
  readonly text: string[] = new Array(UARTS).fill('');
  private readonly input: number[][] = Array.from({ length: UARTS }, () => []);
  private readonly lineWatchers: Array<(uart: number, line: string) => void> = [];
  private readonly lines: string[] = new Array(UARTS).fill('');

  constructor(harts: number, deterministic: boolean, software: BootSoftware) {
    this.machine = new Machine({ harts, deterministic, output: (uart, byte) => this.output(uart, byte) });
    this.machine.load(software);
  }

  /** Calls `watch` with each complete line a UART prints, as the byte ending it is sent. */
  onLine(watch: (uart: number, line: string) => void): void {
    this.lineWatchers.push(watch);
  }

  type(uart: number, keys: string): void {
    for (const c of keys) this.input[uart].push(c.charCodeAt(0));
  }

  counts(): Counts {
    const harts = this.machine.harts;
    const sum = (index: number) => harts.reduce((total, hart) => total + hart.counters[index], 0);
    let exits = 0;
    for (let slot = 0; slot < 64; slot++) exits += sum(VM_EXITS + slot);
    const byMode = [MODE_M, MODE_S, MODE_U, MODE_VS, MODE_VU].map((mode) => sum(RETIRED + mode));
    const byVmid = Array.from({ length: 8 }, (_, vmid) => sum(RETIRED_BY_VMID + vmid));
    return { instructions: byMode.reduce((a, b) => a + b, 0), byMode, exits, byVmid, seconds: performance.now() / 1000 };
  }

  /** Runs until `done()` holds after a round; calls `afterRound` after each. Returns the wall seconds. */
  runUntil(what: string, done: () => boolean, afterRound?: () => void): number {
    const started = performance.now();
    const machine = this.machine;
    while (!done()) {
      this.feedInput();
      if (machine.allWaiting()) {
        if (machine.deterministic) machine.skipToNextDeadline();
        else while (machine.allWaiting() && machine.mtime() < machine.nextTimerDeadline()) { /* real time passes */ }
      }
      machine.runRound(QUANTUM);
      afterRound?.();
      if (machine.stopReason && !done()) throw new Error(`the machine stopped before ${what}\n${this.tails()}`);
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`no ${what} after ${TIMEOUT_MS} ms\n${this.tails()}`);
    }
    return (performance.now() - started) / 1000;
  }

  private output(uart: number, byte: number): void {
    const c = String.fromCharCode(byte);
    this.text[uart] += c;
    if (c === '\r') return;
    if (c !== '\n') {
      this.lines[uart] += c;
      return;
    }
    const line = this.lines[uart];
    this.lines[uart] = '';
    for (const watch of this.lineWatchers) watch(uart, line);
  }

  private feedInput(): void {
    for (let uart = 0; uart < UARTS; uart++) {
      const device = this.machine.board.uart(uart);
      while (this.input[uart].length > 0 && device.rxSpace() > 0) device.receive(this.input[uart].shift()!);
    }
  }

  private tails(): string {
    return this.text.map((t, uart) => t && `--- UART${uart} ---\n${t.slice(-1200)}`).filter(Boolean).join('\n');
  }
}

const count = (n: number) => Math.round(n).toLocaleString('en');
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** Runs cpubench to its end marker on `uart`; its own instret count and the wall time between the markers. */
function runCpuBench(rig: Rig, uart: number): { instructions: number; seconds: number; during: Counts[] } {
  const during: Counts[] = [];
  rig.onLine((from, line) => {
    if (from === uart && (line === 'cpubench: start' || line === 'cpubench: end')) during.push(rig.counts());
  });
  rig.runUntil('the benchmark\'s end', () => during.length === 2);
  const reported = /instructions: (\d+)/.exec(rig.text[uart]);
  if (!reported || !rig.text[uart].includes('bench: pass')) throw new Error(`cpubench did not pass:\n${rig.text[uart]}`);
  return { instructions: Number(reported[1]), seconds: during[1].seconds - during[0].seconds, during };
}

/** cpubench both ways: its instructions with the deterministic clock (exact), its time with the real one. */
function measureCpuBench(software: () => BootSoftware, uart: number) {
  const exact = new Rig(1, true, software());
  const counted = runCpuBench(exact, uart);
  const timed = runCpuBench(new Rig(1, false, software()), uart);
  return { ...counted, seconds: timed.seconds };
}

function cpuShare(): void {
  console.log('1. The CPU benchmark (bench/\'s five kernels) in a domain, against the bare machine (one hart)');
  const native = measureCpuBench(() => ({ image: bytes('sbi.elf'), kernel: { file: 'cpubench.elf', bytes: bytes('guests/cpubench.elf') } }), 0);
  const domain = measureCpuBench(() => ({ image: bytes('hypervisor.elf'), modules: [domainModule('cpubench', 'guests/cpubench.elf')] }), 1);
  const [start, end] = domain.during;
  const guest = end.byVmid[1] - start.byVmid[1];
  const all = end.instructions - start.instructions;
  const hs = end.byMode[1] - start.byMode[1];
  console.log(`   bare machine (S-mode under the SBI firmware): ${count(native.instructions)} instructions, ${native.seconds.toFixed(2)} s`);
  console.log(`   in a domain (VS-mode, beside an idle Domain-0): ${count(domain.instructions)} instructions counted by the guest's instret, ${domain.seconds.toFixed(2)} s`);
  console.log(`     of which the guest's VMID ${count(guest)}, the hypervisor (HS) ${count(hs)}, the rest (Domain-0, M-mode) ${count(all - guest - hs)}`);
  const byInstructions = native.instructions / domain.instructions;
  const byTime = native.seconds / domain.seconds;
  console.log(`   share of native, by instructions: ${percent(byInstructions)} (target ${percent(TARGETS.cpuShare)} or more: ${met(byInstructions >= TARGETS.cpuShare)}; deterministic clock)`);
  console.log(`   share of native, by time:         ${percent(byTime)} (real time: host noise included)\n`);
}

/** Types `bench` at the prompt of UART `uart` and returns its table's lines. */
function runKernelBench(rig: Rig, uart: number, prompts: number[]): string[] {
  const prompted = (u: number) => /\n\$ $/.test(rig.text[u].replace(/\r/g, ''));
  rig.runUntil('the prompts', () => prompts.every(prompted));
  const before = rig.text[uart].length;
  rig.type(uart, 'bench\r');
  rig.runUntil('the bench table', () => /\n\$ $/.test(rig.text[uart].slice(before).replace(/\r/g, '')));
  return rig.text[uart].slice(before).replace(/\r/g, '').split('\n').filter((line) => /^(test|cpu|syscall|fault|switch) /.test(line));
}

function kernelBench(): void {
  console.log('2. The kernel\'s own `bench`, on the bare machine and in Domain-0 (one hart, real time)');
  const native = runKernelBench(new Rig(1, false, { image: bytes('hyperlab.elf') }), 0, [0]);
  const domain = runKernelBench(new Rig(1, false, { image: bytes('hypervisor.elf') }), 0, [0, 1, 2]);
  console.log('   bare machine:');
  for (const line of native) console.log(`     ${line}`);
  console.log('   Domain-0 (beside two idle DomUs):');
  for (const line of domain) console.log(`     ${line}`);
  console.log('   (instr/op in a domain counts the hart\'s instret: the hypervisor\'s exits are in it)\n');
}

interface Phase {
  name: string;
  begin?: Counts;
  end?: Counts;
}

function exitCosts(): void {
  console.log('3. The cost of one exit (firmware/guests/exits.c, 2 vCPUs on 2 harts, deterministic)');
  const rig = new Rig(2, true, { image: bytes('hypervisor.elf'), modules: [domainModule('exits', 'guests/exits.elf', { vcpus: 2, memoryMiB: 8 })] });
  const phases = new Map<string, Phase>();
  const marks: Array<[string, 'begin' | 'end']> = [];
  rig.onLine((uart, line) => {
    const match = uart === 1 ? /^exits: (begin|end) (\S+)$/.exec(line) : null;
    if (match) marks.push([match[2], match[1] as 'begin' | 'end']);
  });
  let done = false;
  rig.onLine((uart, line) => { if (uart === 1 && line === 'exits: done') done = true; });
  rig.runUntil('the exits phases', () => done, () => {
    for (const [name, edge] of marks.splice(0)) {
      const phase = phases.get(name) ?? { name };
      phase[edge] = rig.counts();
      phases.set(name, phase);
    }
  });
  const rounds = Number(/exits: (\d+) rounds a phase/.exec(rig.text[1])?.[1] ?? NaN);
  const rows: Array<[string, string, number]> = [
    ['set_timer', 'SBI set_timer', TARGETS.setTimer], ['uart-write', 'vUART register write', TARGETS.mmio],
    ['plic-claim', 'vPLIC claim + complete', TARGETS.mmio], ['ipi', 'IPI to another vCPU', 0],
  ];
  console.log(`   ${rounds} rounds a phase; HS- and M-mode instructions of both harts, per VM exit:`);
  for (const [name, label, target] of rows) {
    const { begin, end } = phases.get(name)!;
    const exits = end!.exits - begin!.exits;
    const hs = end!.byMode[1] - begin!.byMode[1];
    const m = end!.byMode[0] - begin!.byMode[0];
    const perExit = hs / exits;
    const goal = target ? ` (target under ${target}: ${met(perExit < target)})` : '';
    console.log(`   ${label.padEnd(24)} ${perExit.toFixed(1).padStart(7)} HS/exit${goal}; ` +
      `${(exits / rounds).toFixed(2)} exits and ${count(hs / rounds)} HS + ${count(m / rounds)} M instructions a round`);
  }
  console.log('');
}

function bootTime(harts: number): void {
  const rig = new Rig(harts, false, { image: bytes('hypervisor.elf') });
  const prompted = (u: number) => /\n\$ $/.test(rig.text[u].replace(/\r/g, ''));
  const seconds = rig.runUntil('all three prompts', () => [0, 1, 2].every(prompted));
  const c = rig.counts();
  console.log(`   ${harts} hart${harts > 1 ? 's' : ' '}: ${count(c.instructions)} instructions (HS ${count(c.byMode[1])}, VS+VU ${count(c.byMode[3] + c.byMode[4])}, M ${count(c.byMode[0])}), ` +
    `${seconds.toFixed(3)} s (target under ${TARGETS.bootSeconds} s: ${met(seconds < TARGETS.bootSeconds)})`);
}

function boot(): void {
  console.log('4. Power-on to the three prompts of the default image (Domain-0, guest1, guest2), in this Node process');
  bootTime(1);
  bootTime(2);
  console.log('');
}

/** Boots the default image to its three prompts, then types xl create in Domain-0: what it took, to guest3's prompt. */
function createOnce(deterministic: boolean): { counts: Counts; seconds: number } {
  const rig = new Rig(2, deterministic, { image: bytes('hypervisor.elf') });
  const prompted = (u: number) => /\n\$ $/.test(rig.text[u].replace(/\r/g, ''));
  rig.runUntil('all three prompts', () => [0, 1, 2].every(prompted));
  const before = rig.counts();
  rig.type(0, 'xl create /etc/xen/guest3.cfg\r');
  const seconds = rig.runUntil('guest3\'s prompt', () => prompted(3));
  const after = rig.counts();
  const counts: Counts = {
    instructions: after.instructions - before.instructions,
    byMode: after.byMode.map((n, mode) => n - before.byMode[mode]),
    exits: after.exits - before.exits,
    byVmid: after.byVmid.map((n, vmid) => n - before.byVmid[vmid]),
    seconds,
  };
  return { counts, seconds };
}

function create(): void {
  console.log('5. `xl create /etc/xen/guest3.cfg` in Domain-0\'s shell to guest3\'s prompt (2 harts, in this Node process)');
  const { counts: c } = createOnce(true);
  const { seconds } = createOnce(false);
  console.log(`   ${count(c.instructions)} instructions (HS ${count(c.byMode[1])}, VS+VU ${count(c.byMode[3] + c.byMode[4])}: ` +
    `Domain-0 ${count(c.byVmid[0])}, guest3 ${count(c.byVmid[3])}; M ${count(c.byMode[0])}), ${count(c.exits)} exits (deterministic clock)`);
  console.log(`   ${seconds.toFixed(3)} s (real clock; target under ${TARGETS.createSeconds} s: ${met(seconds < TARGETS.createSeconds)})\n`);
}

export async function benchmarkHypervisor(args: string[]): Promise<number> {
  const only = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1] : undefined;
  const parts: Record<string, () => void> = { cpu: cpuShare, kernel: kernelBench, exits: exitCosts, boot, create };
  if (only !== undefined && !(only in parts)) {
    console.error(`bench:hv: --only takes one of ${Object.keys(parts).join(', ')}`);
    return 2;
  }
  console.log(`bench:hv, Node ${process.version}\n`);
  for (const [name, run] of Object.entries(parts)) if (only === undefined || only === name) run();
  return 0;
}
