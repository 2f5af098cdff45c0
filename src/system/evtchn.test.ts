/*
 * Event channels from both ends, firmware/guests/evtchn.c, on HyperLab and
 * on QEMU: domain 0 offers d1 a port the way Xen's toolstack offers a
 * guest its xenstore port (alloc_unbound, the number in the guest's
 * HVM_PARAM_STORE_EVTCHN), binds to it and answers each notification; the
 * DomU checks every operation with bad arguments, an IPI port delivered,
 * masked, unmasked and polled, VIRQ_TIMER from a singleshot timer, a
 * second vCPU with its own vcpu_info taken down and up, and 50 round
 * trips with domain 0. Domain 0 hears of the DomU's end through
 * VIRQ_DOM_EXC and of a typed key through VIRQ_CONSOLE.
 */
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../machine/testing/tools.ts';
import { guest, startHyperLab, startQemu, type HvOptions, type HvSession } from './hv-session.ts';

const LONG = 600_000;
const EVTCHN = guest('evtchn.elf');
const DONE = /evtchn: done: \d+ passed, \d+ failed\n/;

const options: HvOptions = {
  harts: 2,
  dom0: { file: EVTCHN, bootargs: 'dom0' },
  domains: [{ name: 'front', file: EVTCHN, memoryMiB: 8, vcpus: 3 }],
};

async function bothEnds(session: HvSession): Promise<void> {
  try {
    await session.until('the front end\'s checks', () => DONE.test(session.console(1)));
    const front = session.console(1);
    expect(front).not.toContain('FAIL');
    expect(front).toMatch(/evtchn: done: \d+ passed, 0 failed/);
    expect(front).toContain('evtchn: ok: alloc_unbound in domain 0 -> -1, -EPERM');
    expect(front).toMatch(/evtchn: ok: send on the IPI port -> 0, its upcall at once/);
    expect(front).toMatch(/evtchn: ok: send on the masked port -> 1, pending, no upcall/);
    expect(front).toMatch(/evtchn: ok: singleshot timer in 5 ms -> 0, VIRQ_TIMER once it is due/);
    expect(front).toMatch(/evtchn: ok: vCPU 1 down -> 0, it does not run/);
    expect(front).toMatch(/evtchn: ok: round trips with domain 0 -> 50, 50, each answered/);

    const said = (text: string) => () => session.console(0).includes(text);
    await session.until('domain 0 to ask for a key', said('evtchn: type a key\n'));
    const logged = session.log().length;
    await session.debugKeys('e');
    await session.until('the event channel list',
      () => /^Event channels of d0 \(Domain-0\):\n(?:.*\n)*?  port \d+: unbound v0 .* for d1\n/m.test(session.log().slice(logged)));
    const list = session.log().slice(logged);
    expect(list).toMatch(/^  port \d+: virq v0 pending 0 masked 0 virq 3$/m);
    expect(list).not.toContain('Event channels of d1');
    await session.type(0, 'k');
    expect(await session.exited()).toBe(0);
    const dom0 = session.console(0);
    expect(dom0).not.toContain('FAIL');
    expect(dom0).toMatch(/evtchn: done: \d+ passed, 0 failed/);
    expect(dom0).toContain('evtchn: ok: bind_interdomain to it -> 0, a port, pending at once');
    expect(dom0).toContain('evtchn: ok: answers to d1 -> 50, 50');
    expect(dom0).toMatch(/evtchn: ok: VIRQ_DOM_EXC -> [1-9]\d*, once d1 is gone/);
    expect(dom0).toContain('evtchn: ok: VIRQ_CONSOLE -> 1, the key came');
    expect(session.log()).toMatch(/^d1 \(front\) powered off: destroyed, its memory scrubbed and freed$/m);
  } finally {
    await session.stop();
  }
}

describe('event channels on HyperLab', () => {
  it('carry notifications between domain 0 and a DomU, within a domain, and from the hypervisor', { timeout: LONG },
    () => bothEnds(startHyperLab(options)));
});

describe('event channels on QEMU', () => {
  const hasQemu = toolAvailable('qemu-system-riscv32', 'qemu-system-misc');
  it.skipIf(!hasQemu)('carry notifications between domain 0 and a DomU, within a domain, and from the hypervisor',
    { timeout: LONG }, () => bothEnds(startQemu(options)));
});
