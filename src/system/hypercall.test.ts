/*
 * Xen's hypercalls (firmware/include/hypercall.h) from a guest,
 * firmware/guests/hcall.c, on HyperLab and on QEMU: as a DomU, where each
 * call answers what its arguments call for (a buffer it cannot reach is
 * -EFAULT, an unknown operation -ENOSYS) and Dom0's calls are -EPERM, and
 * the hypervisor counts every call by number; and as domain 0, whose
 * toolstack calls (sysctl, domctl) see the machine and its domains as
 * Xen's `xl list` shows them, pause guest1 (which then does not run, though
 * a line is typed at it) and unpause it, reboot guest2 and destroy it,
 * destroy a crashed domain kept for inspection, and
 * whose SCHEDOP_shutdown powers the machine off.
 */
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../machine/testing/tools.ts';
import { guest, KERNEL, startHyperLab, startQemu, type HvOptions, type HvSession } from './hv-session.ts';

const LONG = 600_000;
const HCALL = guest('hcall.elf');
const DONE = /hcall: done: \d+ passed, \d+ failed\n/;

async function asDomU(session: HvSession): Promise<void> {
  try {
    await session.until('the hypercall checks', () => DONE.test(session.console(1)));
    const text = session.console(1);
    expect(text).toMatch(/hcall: done: \d+ passed, 0 failed/);
    expect(text).not.toContain('FAIL');
    expect(text).toContain('\nhcall: a line written with console_io\n');
    expect(text).toContain('hcall: ok: domctl getdomaininfo -> -1, -EPERM');
    expect(text).toContain('hcall: ok: sysctl physinfo -> -1, -EPERM');
    expect(text).toContain('hcall: ok: hvm_op set_param console_pfn of itself -> -1, -EPERM');
    expect(text).toContain('hcall: ok: hvm_op get_param of domain 0 -> -1, -EPERM');
    expect(text).toContain('hcall: ok: xen_version extraversion into memory outside -> -14, -EFAULT');
    expect(text).toContain('hcall: ok: vcpu_op is_up 1 (not started) -> 0, 0');
    const logged = session.log().length;
    await session.debugKeys('q');
    await session.until('the domain list', () => /^memory: \d+ of \d+ MiB free$/m.test(session.log().slice(logged)));
    const list = session.log().slice(logged);
    expect(list).toMatch(/^d1 hcall: running/m);
    // Counted by number: 10 xen_version, 5 console_io, 3 vcpu_op, sched_op (7, and the blocks since), 8 hvm_op,
    // one each of sysctl and domctl, and the two numbers no hypercall has.
    expect(list).toMatch(
      /hypercalls: xen_version 10, console_io 5, vcpu_op 3, sched_op \d+, hvm_op 8, sysctl 1, domctl 1, other 2$/m);
    expect(list).toMatch(/^d0 Domain-0: running/m);
    await session.type(0, 'halt\r');
    expect(await session.exited()).toBe(0);
  } finally {
    await session.stop();
  }
}

async function asDom0(session: HvSession): Promise<void> {
  try {
    const said = (text: string) => () => session.console(0).includes(text);
    await session.until('the prompt to pause d1', said('hcall: type p to pause d1\n'));
    await session.type(0, 'p');
    await session.until('d1 to be paused', said('hcall: paused d1; type u to unpause it\n'));
    await session.type(1, 'echo after the pause\r');
    await session.type(0, 'u');
    expect(await session.exited()).toBe(0);
    const text = session.console(0);
    expect(text).toMatch(/hcall: done: \d+ passed, 0 failed/);
    expect(text).not.toContain('FAIL');
    expect(text).toContain('hcall: ok: domctl of another interface version -> -13, -EACCES');
    expect(text).toContain('hcall: ok: domctl getdomaininfo of domain 7 (none) -> -3, -ESRCH');
    expect(text).toContain('hcall: ok: hvm_op get_param store_pfn of d1 -> 0, 0x12345, as set');
    expect(text).toMatch(/^hcall: physinfo: 2 pCPUs, 10000 kHz, \d+ pages, \d+ free$/m);
    // `xl dmesg`: the hypervisor's log, from its first line.
    expect(text).toMatch(/^hcall: dmesg: \(HV\) HyperLab hypervisor 0\.1, HS-mode, on 2 pCPUs, \d+ MiB of RAM at 0x80000000$/m);
    // The toolstack's view, as `xl list` prints it: Domain-0 running the calls, guest1 and guest2 (32 MiB,
    // one vCPU each) running or waiting at their prompts.
    expect(text).toMatch(/^hcall: xl list:  0    32     1 r----- +\d+\.\d$/m);
    for (const id of [1, 2]) {
      expect(text).toMatch(new RegExp(`^hcall: xl list:  ${id}    32     1 [r-][b-]---- +\\d+\\.\\d$`, 'm'));
    }
    expect(text).toMatch(/^hcall: xl list:  3     8     [01] [r-][b-]--[c-]- +\d+\.\d$/m);   // the crasher, maybe crashed yet
    expect(text).not.toMatch(/^hcall: xl list:  4 /m);
    // Paused, d1 did not run though a line was typed at it; unpaused, it answered the line.
    expect(text).toContain('hcall: ok: a paused d1 does not run -> 0, no CPU time since the pause');
    expect(session.console(1)).toContain('\nafter the pause\n');
    const log = session.log();
    expect(log).toMatch(/^d2 \(guest2\) rebooted: building it again from its kernel$/m);
    expect(log).toMatch(/^d2 \(guest2\) destroyed: its memory scrubbed and freed$/m);
    expect(log).toMatch(/^d3 \(crasher\) is kept for inspection: its memory stays allocated$/m);
    expect(log).toMatch(/^d3 \(crasher\) destroyed: its memory scrubbed and freed$/m);
    expect(log).toMatch(/^d0 \(Domain-0\) powered off: powering the machine off$/m);
  } finally {
    await session.stop();
  }
}

const domU: HvOptions = {
  harts: 2,
  domains: [{ name: 'hcall', file: HCALL, memoryMiB: 8, vcpus: 2, bootargs: 'two-vcpus' }],
};
const dom0: HvOptions = {
  harts: 2,
  dom0: { file: HCALL, bootargs: 'dom0 control destroy-crashed shutdown' },
  domains: [
    { name: 'guest1', file: KERNEL },
    { name: 'guest2', file: KERNEL },
    { name: 'crasher', file: guest('hostile.elf'), memoryMiB: 8, bootargs: 'load-outside' },
  ],
};

describe('hypercalls on HyperLab', () => {
  it('answer a DomU as its arguments call for, are counted, and refuse it Dom0\'s', { timeout: LONG },
    () => asDomU(startHyperLab(domU)));
  it('let domain 0 see, pause, reboot and destroy the others; its sched_op shutdown powers the machine off', { timeout: LONG },
    () => asDom0(startHyperLab(dom0)));
});

describe('hypercalls on QEMU', () => {
  const hasQemu = toolAvailable('qemu-system-riscv32', 'qemu-system-misc');
  it.skipIf(!hasQemu)('answer a DomU as its arguments call for, are counted, and refuse it Dom0\'s',
    { timeout: LONG }, () => asDomU(startQemu(domU)));
  it.skipIf(!hasQemu)('let domain 0 see, pause, reboot and destroy the others; its sched_op shutdown powers the machine off',
    { timeout: LONG }, () => asDom0(startQemu(dom0)));
});
