/*
 * The hypervisor's credit scheduler, measured. Two CPU-bound domains
 * (firmware/guests/spin.c) with weights 256 and 512 on one hart must get
 * the CPU in the ratio 1:2, within 10%: on HyperLab the machine itself
 * counts the instructions each VMID retired, and the hypervisor's 'q' key
 * says how long each vCPU ran (the only count QEMU can give). And with 4
 * vCPUs of one domain on 2 harts, every vCPU progresses.
 */
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../machine/testing/tools.ts';
import {
  guest, startHyperLab, startQemu, type DomainSpec, type HvSession, type HyperLabSession,
} from './hv-session.ts';

const LONG = 600_000;
const SPIN = guest('spin.elf');
/** How much longer than the 30 ms accounting period to measure over. */
const MEASURE_INSTRUCTIONS = 150_000_000;   // 1.5 s of the deterministic clock on one hart
const MEASURE_MS_QEMU = 3000;

const WEIGHTED: DomainSpec[] = [
  { name: 'light', file: SPIN, memoryMiB: 8, weight: 256 },
  { name: 'heavy', file: SPIN, memoryMiB: 8, weight: 512 },
];

/** "vCPU n: ... time run T ms" for each vCPU of domain `id` in a 'q' listing. */
function timeRun(list: string, id: number): number[] {
  const block = list.split(/^(?=d\d )/m).find((part) => part.startsWith(`d${id} `)) ?? '';
  return [...block.matchAll(/vCPU \d+: .*time run (\d+) ms/g)].map((match) => Number(match[1]));
}

/** The uptime a 'q' listing gives, in ms. */
function uptime(list: string): number {
  return Number(/domains and vCPUs \(uptime (\d+) ms\)/.exec(list)?.[1]);
}

async function listDomains(session: HvSession): Promise<string> {
  const logged = session.log().length;
  await session.debugKeys('q');
  await session.until('the domain list', () => /^memory: \d+ of \d+ MiB free$/m.test(session.log().slice(logged)));
  return session.log().slice(logged);
}

async function spinning(session: HvSession, ids: number[]): Promise<void> {
  await session.until('the spinning domains', () => ids.every((id) => session.console(id).includes('spin: counting')));
}

/** Waits until the machine has retired `count` more instructions. */
async function runFor(session: HyperLabSession, count: number): Promise<void> {
  const until = session.machine.instructions() + count;
  await session.until(`${count} instructions`, () => session.machine.instructions() >= until);
}

const ratio = (heavy: number, light: number) => heavy / light;

describe('the credit scheduler on HyperLab', () => {
  it('gives domains of weights 256 and 512 on one hart CPU in the ratio 1:2', { timeout: LONG }, async () => {
    const session = startHyperLab({ harts: 1, domains: WEIGHTED });
    try {
      await spinning(session, [1, 2]);
      await runFor(session, 30_000_000);        // past the first accounting periods
      const [light0, heavy0] = [session.retiredByVmid(1), session.retiredByVmid(2)];
      const before = await listDomains(session);
      await runFor(session, MEASURE_INSTRUCTIONS);
      const [light, heavy] = [session.retiredByVmid(1) - light0, session.retiredByVmid(2) - heavy0];
      const after = await listDomains(session);
      expect(ratio(heavy, light)).toBeGreaterThan(1.8);
      expect(ratio(heavy, light)).toBeLessThan(2.2);
      const ran = (id: number) => timeRun(after, id)[0] - timeRun(before, id)[0];
      expect(ratio(ran(2), ran(1))).toBeGreaterThan(1.8);
      expect(ratio(ran(2), ran(1))).toBeLessThan(2.2);
    } finally {
      await session.stop();
    }
  });

  it('holds a domain capped at 30% to 30% of a hart, though the hart has nothing else to do', { timeout: LONG }, async () => {
    const session = startHyperLab({ harts: 1, domains: [{ name: 'capped', file: SPIN, memoryMiB: 8, cap: 30 }] });
    try {
      await spinning(session, [1]);
      const before = await listDomains(session);
      await runFor(session, MEASURE_INSTRUCTIONS / 5);
      const after = await listDomains(session);
      const ran = timeRun(after, 1)[0] - timeRun(before, 1)[0];
      const elapsed = uptime(after) - uptime(before);
      expect(ran / elapsed).toBeGreaterThan(0.27);
      expect(ran / elapsed).toBeLessThan(0.33);
    } finally {
      await session.stop();
    }
  });

  it('runs every vCPU of a 4-vCPU domain on 2 harts', { timeout: LONG }, async () => {
    const session = startHyperLab({ harts: 2, domains: [{ name: 'four', file: SPIN, memoryMiB: 8, vcpus: 4 }] });
    try {
      await session.until('four vCPUs', () => session.console(1).includes('spin: counting on 4 vCPUs'));
      const before = timeRun(await listDomains(session), 1);
      await runFor(session, MEASURE_INSTRUCTIONS);
      const after = timeRun(await listDomains(session), 1);
      const ran = after.map((ms, i) => ms - before[i]);
      expect(ran).toHaveLength(4);
      // 2 harts for 4 vCPUs: a fair share is half a hart each; every one gets at least a third of that.
      const total = ran.reduce((a, b) => a + b, 0);
      for (const ms of ran) expect(ms).toBeGreaterThan(total / 4 / 3);
    } finally {
      await session.stop();
    }
  });
});

describe('the credit scheduler on QEMU', () => {
  const hasQemu = toolAvailable('qemu-system-riscv32', 'qemu-system-misc');

  it.skipIf(!hasQemu)('gives domains of weights 256 and 512 on one hart CPU in the ratio 1:2', { timeout: LONG }, async () => {
    const session = startQemu({ harts: 1, domains: WEIGHTED });
    try {
      await spinning(session, [1, 2]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = await listDomains(session);
      await new Promise((resolve) => setTimeout(resolve, MEASURE_MS_QEMU));
      const after = await listDomains(session);
      const ran = (id: number) => timeRun(after, id)[0] - timeRun(before, id)[0];
      expect(ratio(ran(2), ran(1))).toBeGreaterThan(1.8);
      expect(ratio(ran(2), ran(1))).toBeLessThan(2.2);
    } finally {
      await session.stop();
    }
  });
});
