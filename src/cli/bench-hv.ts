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
 *     clock) and wall time (real clock), 2 harts;
 *  6. the fixed cost of a call, as HS-mode instructions per call, for the
 *     cheapest hypercall (xen_version XENVER_version) and the cheapest SBI
 *     call (BASE get_spec_version), each in a tight loop in a DomU
 *     (exits.c's last two phases); and an event channel round trip
 *     between domain 0 and a DomU (firmware/guests/evtchn.c's 50, each a
 *     send and a SCHEDOP_block until the answer, at both ends), in HS and
 *     in VS+VU instructions of each domain (deterministic clock, 2 harts);
 *  7. a xenstore read and a write from a program in Domain-0
 *     (firmware/dom0/xsbench.c, 200 of each through /dev/xenbus and
 *     xenstored), in instructions of all modes and both harts per request
 *     (deterministic clock, the default image).
 *
 *   npm run bench:hv [-- --only cpu|kernel|exits|boot|create|hypercall|xenstore]
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

/** What the harts counted from `before` to `after`; `seconds` between them. */
function since(before: Counts, after: Counts): Counts {
  return {
    instructions: after.instructions - before.instructions,
    byMode: after.byMode.map((n, mode) => n - before.byMode[mode]),
    exits: after.exits - before.exits,
    byVmid: after.byVmid.map((n, vmid) => n - before.byVmid[vmid]),
    seconds: after.seconds - before.seconds,
  };
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

/** The counts at a phase's begin and end markers. */
interface Phase {
  begin?: Counts;
  end?: Counts;
}

/** Which phase a console line begins or ends, if it is a marker. */
type Marker = (line: string) => [name: string, edge: 'begin' | 'end'] | undefined;

/**
 * Runs `rig` until `done(phases)`, taking the counts after each round in
 * which UART `uart` printed a marker line (so to within a round of
 * QUANTUM instructions a hart). Returns the phases by name.
 */
function runPhases(rig: Rig, uart: number, marker: Marker, what: string, done: (phases: Map<string, Phase>) => boolean) {
  const phases = new Map<string, Phase>();
  const marks: Array<[string, 'begin' | 'end']> = [];
  rig.onLine((from, line) => {
    const mark = from === uart ? marker(line) : undefined;
    if (mark) marks.push(mark);
  });
  rig.runUntil(what, () => done(phases), () => {
    for (const [name, edge] of marks.splice(0)) {
      const phase = phases.get(name) ?? {};
      phase[edge] = rig.counts();
      phases.set(name, phase);
    }
  });
  return phases;
}

/** What the harts counted in a phase that has begun and ended. */
function phaseCounts(phases: Map<string, Phase>, name: string): Counts {
  const phase = phases.get(name);
  if (!phase?.begin || !phase.end) throw new Error(`no phase ${name} between its markers`);
  return since(phase.begin, phase.end);
}

/** exits.c as a DomU with 2 vCPUs on 2 harts (UART1), run until phase `last` has ended; its phases and rounds. */
function runExits(last: string): { phases: Map<string, Phase>; rounds: number } {
  const rig = new Rig(2, true, { image: bytes('hypervisor.elf'), modules: [domainModule('exits', 'guests/exits.elf', { vcpus: 2, memoryMiB: 8 })] });
  const marker: Marker = (line) => {
    const match = /^exits: (begin|end) (\S+)$/.exec(line);
    return match ? [match[2], match[1] as 'begin' | 'end'] : undefined;
  };
  const phases = runPhases(rig, 1, marker, `the exits phases to ${last}`, (p) => p.get(last)?.end !== undefined);
  const rounds = Number(/exits: (\d+) rounds a phase/.exec(rig.text[1])?.[1] ?? NaN);
  return { phases, rounds };
}

function exitCosts(): void {
  console.log('3. The cost of one exit (firmware/guests/exits.c, 2 vCPUs on 2 harts, deterministic)');
  const { phases, rounds } = runExits('ipi');
  const rows: Array<[string, string, number]> = [
    ['set_timer', 'SBI set_timer', TARGETS.setTimer], ['uart-write', 'vUART register write', TARGETS.mmio],
    ['plic-claim', 'vPLIC claim + complete', TARGETS.mmio], ['ipi', 'IPI to another vCPU', 0],
  ];
  console.log(`   ${rounds} rounds a phase; HS- and M-mode instructions of both harts, per VM exit:`);
  for (const [name, label, target] of rows) {
    const c = phaseCounts(phases, name);
    const hs = c.byMode[1];
    const perExit = hs / c.exits;
    const goal = target ? ` (target under ${target}: ${met(perExit < target)})` : '';
    console.log(`   ${label.padEnd(24)} ${perExit.toFixed(1).padStart(7)} HS/exit${goal}; ` +
      `${(c.exits / rounds).toFixed(2)} exits and ${count(hs / rounds)} HS + ${count(c.byMode[0] / rounds)} M instructions a round`);
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
  return { counts: since(before, rig.counts()), seconds };
}

function create(): void {
  console.log('5. `xl create /etc/xen/guest3.cfg` in Domain-0\'s shell to guest3\'s prompt (2 harts, in this Node process)');
  const { counts: c } = createOnce(true);
  const { seconds } = createOnce(false);
  console.log(`   ${count(c.instructions)} instructions (HS ${count(c.byMode[1])}, VS+VU ${count(c.byMode[3] + c.byMode[4])}: ` +
    `Domain-0 ${count(c.byVmid[0])}, guest3 ${count(c.byVmid[3])}; M ${count(c.byMode[0])}), ${count(c.exits)} exits (deterministic clock)`);
  console.log(`   ${seconds.toFixed(3)} s (real clock; target under ${TARGETS.createSeconds} s: ${met(seconds < TARGETS.createSeconds)})\n`);
}

/** The lines of evtchn.c's front end (d1, UART1) just before and just after its round trips with domain 0. */
const ROUND_TRIPS_BEGIN = 'evtchn: ok: the port domain 0 offered ';
const ROUND_TRIPS_END = 'evtchn: ok: round trips with domain 0 ';

/** evtchn.c at both ends (domain 0 and d1 with 3 vCPUs, 2 harts), to the end of d1's round trips: their counts and number. */
function runRoundTrips(): { counts: Counts; roundTrips: number } {
  const rig = new Rig(2, true, {
    image: bytes('hypervisor.elf'),
    modules: [
      { file: file('guests/evtchn.elf'), bytes: bytes('guests/evtchn.elf'), bootargs: 'dom0' },
      domainModule('front', 'guests/evtchn.elf', { vcpus: 3, memoryMiB: 8 }),
    ],
  });
  const marker: Marker = (line) => (line.startsWith(ROUND_TRIPS_BEGIN) ? ['round-trips', 'begin']
    : line.startsWith(ROUND_TRIPS_END) ? ['round-trips', 'end'] : undefined);
  const phases = runPhases(rig, 1, marker, 'the event channel round trips', (p) => p.get('round-trips')?.end !== undefined);
  const answered = new RegExp(`^${ROUND_TRIPS_END}-> (\\d+), `, 'm').exec(rig.text[1].replace(/\r/g, ''));
  if (!answered || rig.text[1].includes('FAIL')) throw new Error(`evtchn's round trips failed:\n${rig.text[1]}`);
  return { counts: phaseCounts(phases, 'round-trips'), roundTrips: Number(answered[1]) };
}

function hypercallCosts(): void {
  console.log('6. The fixed cost of a call from a DomU, and an event channel round trip between two domains (2 harts, deterministic)');
  const { phases, rounds } = runExits('sbi-version');
  const rows: Array<[string, string]> = [['xen_version', 'hypercall xen_version'], ['sbi-version', 'SBI base get_spec_version']];
  console.log(`   ${rounds} calls in a loop (firmware/guests/exits.c); HS-mode instructions of both harts, per call:`);
  for (const [name, label] of rows) {
    const c = phaseCounts(phases, name);
    console.log(`   ${`${label}:`.padEnd(27)} ${(c.byMode[1] / rounds).toFixed(1).padStart(7)} HS instructions per call ` +
      `(${(c.exits / rounds).toFixed(2)} exits, ${(c.byMode[0] / rounds).toFixed(1)} M instructions a call)`);
  }
  const { counts: c, roundTrips } = runRoundTrips();
  const per = (n: number) => count(n / roundTrips);
  console.log(`   ${roundTrips} round trips (firmware/guests/evtchn.c: d1 sends, domain 0 answers, each blocks in SCHEDOP_block until it hears):`);
  console.log(`   event channel round trip d0 <-> d1: ${per(c.byMode[1])} HS + ${per(c.byMode[3] + c.byMode[4])} VS/VU instructions ` +
    `(d0 ${per(c.byVmid[0])}, d1 ${per(c.byVmid[1])}; M ${per(c.byMode[0])}), ${(c.exits / roundTrips).toFixed(1)} exits, per round trip\n`);
}

function xenstoreCosts(): void {
  console.log('7. A xenstore read and write from Domain-0 (firmware/dom0/xsbench.c through /dev/xenbus and xenstored; 2 harts, deterministic)');
  const rig = new Rig(2, true, { image: bytes('hypervisor.elf') });
  const prompted = (u: number) => /\n\$ $/.test(rig.text[u].replace(/\r/g, ''));
  rig.runUntil('all three prompts', () => [0, 1, 2].every(prompted));
  rig.type(0, 'xsbench\r');
  const marker: Marker = (line) => {
    const match = /^xsbench: (reads|writes) (begin|end)$/.exec(line);
    return match ? [match[1], match[2] as 'begin' | 'end'] : undefined;
  };
  const summary = /xsbench: (\d+) reads and \d+ writes(: FAILED)?\n/;
  const phases = runPhases(rig, 0, marker, 'xsbench', (p) => p.get('writes')?.end !== undefined && summary.test(rig.text[0].replace(/\r/g, '')));
  const done = summary.exec(rig.text[0].replace(/\r/g, ''));
  if (!done || done[2]) throw new Error(`xsbench failed:\n${rig.text[0]}`);
  const rounds = Number(done[1]);
  for (const name of ['reads', 'writes']) {
    const c = phaseCounts(phases, name);
    console.log(`   a ${name.slice(0, -1)}: ${count(c.instructions / rounds)} instructions (HS ${count(c.byMode[1] / rounds)}, ` +
      `VS+VU ${count((c.byMode[3] + c.byMode[4]) / rounds)}), ${(c.exits / rounds).toFixed(1)} exits, per request`);
  }
  console.log('');
}

export async function benchmarkHypervisor(args: string[]): Promise<number> {
  const only = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1] : undefined;
  const parts: Record<string, () => void> = { cpu: cpuShare, kernel: kernelBench, exits: exitCosts, boot, create, hypercall: hypercallCosts,
    xenstore: xenstoreCosts };
  if (only !== undefined && !(only in parts)) {
    console.error(`bench:hv: --only takes one of ${Object.keys(parts).join(', ')}`);
    return 2;
  }
  console.log(`bench:hv, Node ${process.version}\n`);
  for (const [name, run] of Object.entries(parts)) if (only === undefined || only === name) run();
  return 0;
}
