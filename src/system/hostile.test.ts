/*
 * Hostile guests (firmware/guests/hostile.c) against the hypervisor, on
 * HyperLab and on QEMU. Each DomU runs the attacks its bootargs name and
 * prints one line per check. What a guest may survive gets what the
 * specifications say (an SBI error code, an illegal-instruction trap into
 * the guest); what it may not crashes that domain, which the hypervisor
 * reports. Meanwhile Domain-0 keeps answering its console, and a canary
 * domain's memory is intact afterwards.
 *
 * Two boots: the attacks a domain survives (and one that crashes), then
 * six that crash, beside the canary.
 */
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../machine/testing/tools.ts';
import { guest, prompts, startHyperLab, startQemu, type DomainSpec, type HvOptions, type HvSession } from './hv-session.ts';

const LONG = 900_000;
const HOSTILE = guest('hostile.elf');

const domain = (name: string, bootargs: string, extra: Partial<DomainSpec> = {}): DomainSpec =>
  ({ name, file: HOSTILE, memoryMiB: 8, bootargs, ...extra });

/** Boot A: survivable attacks, one crash (another domain's UART). Domain ids follow the order. */
const SURVIVABLE = (quirks: string): DomainSpec[] => [
  domain('canary', 'canary'),
  domain('traps', `traps sbi ${quirks}`.trim(), { vcpus: 2 }),
  domain('timers', 'timers'),
  domain('irqoff', 'irqoff'),
  domain('uart1', 'uart1'),
];

/** Boot B: attacks that crash the domain, and what the hypervisor must say of each. */
const FATAL: [string, RegExp][] = [
  ['load-outside', /load from guest-physical 0x90000000, outside its memory/],
  ['store-outside', /store to guest-physical 0x80800000, outside its memory/],
  ['finisher', /store to guest-physical 0x00100000, outside its memory/],
  ['clint', /store to guest-physical 0x02000004, outside its memory/],
  ['fetch-outside', /instruction fetch from guest-physical 0x90000000, outside its memory/],
  ['pagetable-outside', /page-table read at guest-physical 0x90000804, outside its memory, for address 0x804[0-9a-f]{5}/],
];

const crashed = (session: HvSession, id: number, name: string) =>
  new RegExp(`^d${id}v0 \\(${name}\\): .*: domain crashed$`, 'm').test(session.log());

/** Domain-0 answers, and the canary (domain 1) finds its memory as it left it. */
async function othersUnharmed(session: HvSession): Promise<void> {
  const checks = () => session.console(1).match(/hostile\(canary\): (ok|FAIL): canary.*\n/g)?.length ?? 0;
  const before = checks();
  await session.type(1, 'c');
  await session.until('the canary\'s check', () => checks() > before);
  expect(session.console(1)).toMatch(/hostile\(canary\): ok: canary -> intact, \d+ KiB/);
  expect(session.console(1)).not.toContain('FAIL');
  await session.attach(0);
  const prompted = prompts(session.console(0));
  await session.type(0, 'echo Domain-0 is alive\r');
  await session.until('Domain-0\'s answer', () => prompts(session.console(0)) > prompted);
  expect(session.console(0)).toContain('\nDomain-0 is alive\n');
}

async function listDomains(session: HvSession): Promise<string> {
  const logged = session.log().length;
  await session.debugKeys('q');
  await session.until('the domain list', () => /^memory: \d+ of \d+ MiB free$/m.test(session.log().slice(logged)));
  return session.log().slice(logged);
}

async function powerOff(session: HvSession): Promise<void> {
  await session.type(0, 'halt\r');
  expect(await session.exited()).toBe(0);
}

async function survivableAttacks(session: HvSession): Promise<void> {
  try {
    await session.until('Domain-0\'s shell', () => session.console(0).includes('Welcome to HyperLab'));
    await session.until('the traps and SBI checks', () => /hostile\(sbi\): done: .*\n/.test(session.console(2)));
    expect(session.console(2)).toMatch(/hostile\(sbi\): done: 3\d passed, 0 failed/);
    expect(session.console(2)).not.toContain('FAIL');
    for (const insn of ['csrr a0, hstatus', 'hlv.w a0, (sp)', 'hfence.gvma zero, zero', 'mret']) {
      expect(session.console(2)).toContain(`ok: ${insn} -> illegal instruction at its pc`);
    }
    expect(session.console(2)).toContain('ok: HSM start of vCPU 5 -> invalid param');
    await session.until('a million set_timer calls', () => /hostile\(timers\): done: .*\n/.test(session.console(3)));
    expect(session.console(3)).toMatch(/hostile\(timers\): done: 2 passed, 0 failed/);
    expect(session.console(4)).toContain('hostile(irqoff): spinning with interrupts off, forever');
    await session.until('uart1 to be crashed', () => crashed(session, 5, 'uart1'));
    expect(session.log()).toMatch(/d5v0 \(uart1\): store to guest-physical 0x10011000, outside its memory/);
    await othersUnharmed(session);
    const list = await listDomains(session);
    for (const [id, name] of [[1, 'canary'], [2, 'traps'], [3, 'timers'], [4, 'irqoff']] as const) {
      expect(list).toMatch(new RegExp(`^d${id} ${name}: running`, 'm'));
    }
    expect(list).toMatch(/^d5 uart1: crashed/m);
    await powerOff(session);
  } finally {
    await session.stop();
  }
}

async function fatalAttacks(session: HvSession): Promise<void> {
  try {
    await session.until('Domain-0\'s shell', () => session.console(0).includes('Welcome to HyperLab'));
    for (const [index, [name, message]] of FATAL.entries()) {
      const id = index + 2;
      await session.until(`${name} to be crashed`, () => crashed(session, id, name));
      expect(session.log()).toMatch(new RegExp(`^d${id}v0 \\(${name}\\): ${message.source}`, 'm'));
    }
    expect(session.console(3)).toMatch(/wrote over its whole RAM \(\d+ KiB\): only its own frames/);
    await othersUnharmed(session);
    const list = await listDomains(session);
    expect(list).toMatch(/^d1 canary: running/m);
    for (const [index, [name]] of FATAL.entries()) expect(list).toMatch(new RegExp(`^d${index + 2} ${name}: crashed`, 'm'));
    await powerOff(session);
  } finally {
    await session.stop();
  }
}

const fatalDomains = (): DomainSpec[] => [domain('canary', 'canary'), ...FATAL.map(([name]) => domain(name, name))];

describe('hostile guests on HyperLab', () => {
  const options = (domains: DomainSpec[]): HvOptions => ({ harts: 2, domains });

  it('get error codes and traps; a million timers and a loop with interrupts off harm no one', { timeout: LONG },
    () => survivableAttacks(startHyperLab(options(SURVIVABLE('')))));

  it('that touch what they do not own are crashed, and nothing else is touched', { timeout: LONG },
    () => fatalAttacks(startHyperLab(options(fatalDomains()))));
});

describe('hostile guests on QEMU', () => {
  const hasQemu = toolAvailable('qemu-system-riscv32', 'qemu-system-misc');
  const options = (domains: DomainSpec[]): HvOptions => ({ harts: 2, domains });

  // QEMU 7.2 delivers a hardware-delegated illegal instruction to VS-mode with cause 1 (hostile.c).
  it.skipIf(!hasQemu)('get error codes and traps; a million timers and a loop with interrupts off harm no one',
    { timeout: LONG }, () => survivableAttacks(startQemu(options(SURVIVABLE('qemu-vs-cause')))));

  it.skipIf(!hasQemu)('that touch what they do not own are crashed, and nothing else is touched', { timeout: LONG },
    () => fatalAttacks(startQemu(options(fatalDomains()))));
});
