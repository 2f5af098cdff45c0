/*
 * Domain 0 as a student meets it: the default hypervisor image boots its
 * built-in domain 0, the kernel's dom0 build (kernel-dom0.elf), alone; its /etc/rc starts guest1 and guest2 with
 * `xl create`, and a shell session drives the toolstack from domain 0's
 * console: xl list, info, vcpu-list, pause and unpause (the paused guest's
 * console stops and resumes), console (typing reaches the guest through
 * its console ring, its UART stays quiet, Ctrl-] comes back), reboot -F (the watcher builds it again, with
 * a new id), shutdown (refused without PV drivers, as Xen's xl does), shutdown -F
 * (the watcher destroys it), destroy, create again, and the errors of a
 * missing config, a bad setting, a duplicate name and too little memory,
 * none of which leaves anything behind. The session's transcript, with the
 * times and the letters that depend on the moment masked, must equal
 * golden/dom0-session.txt on HyperLab and on QEMU alike.
 *
 * UPDATE_GOLDEN=1 npx vitest run src/system/dom0.test.ts writes the golden
 * file from the HyperLab run (then read its diff before committing it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../machine/testing/tools.ts';
import { consoleOf, prompts, startHyperLab, startQemu, type HvOptions, type HvSession } from './hv-session.ts';

const LONG = 600_000;
const GOLDEN = join(import.meta.dirname, 'golden', 'dom0-session.txt');
// QEMU's machine has 256 MiB (its boot modules sit high): HyperLab's gets as much, for the same figures.
const options: HvOptions = { harts: 2, ramMiB: 256 };

/**
 * What in a transcript depends on the moment, masked: CPU times, uptimes,
 * which pCPU a vCPU is on, and whether it runs or waits at that instant
 * (r and b).
 */
export function masked(text: string): string {
  return text.split('\n').map((line) => {
    const uptime = /^(\S+ +\d+ )[ \d]\d:\d\d:\d\d$/.exec(line);
    if (uptime) return `${uptime[1]}U`;
    const list = /^(\S+ +\d+ +\d+ +\d+ +)[r-][b-]([p-][s-][c-][d-] +)\d+\.\d$/.exec(line);
    if (list) return `${list[1]}??${list[2]}T`;
    const vcpu = /^(\S+ +\d+ +\d+ +)(\d+|-)( +)(\S+)( +)\d+\.\d( +.*)$/.exec(line);
    if (vcpu) return `${vcpu[1]}C${vcpu[3]}${vcpu[4].replace(/[rb]/g, '?')}${vcpu[5]}T${vcpu[6]}`;
    return line;
  }).join('\n');
}

async function dom0Session(session: HvSession): Promise<string> {
  const log = () => session.log();
  const run = async (line: string): Promise<void> => {
    const seen = prompts(session.console(0));
    await session.type(0, `${line}\r`);
    await session.until(`the answer to '${line}'`, () => prompts(session.console(0)) > seen);
  };
  const booted = (id: number, times = 1) => () => session.console(id).split('Welcome to HyperLab').length > times;
  try {
    await session.until('domain 0\'s prompt', () => prompts(session.console(0)) > 0);
    await session.until('guest1 and guest2', () => booted(1)() && booted(2)());
    const start = session.console(0).length;

    await run('xl list');
    await run('xl info');
    await run('xl vcpu-list');
    await run('xl uptime');
    // Domain-0 has been up since the boot, its guests since /etc/rc made them: seconds, in xl's H:MM:SS.
    const seconds = (name: string) => {
      const [, h, m, s] = new RegExp(`^${name} +\\d+ +(\\d+):(\\d\\d):(\\d\\d)$`, 'm').exec(session.console(0).slice(start))!;
      return 3600 * Number(h) + 60 * Number(m) + Number(s);
    };
    expect(seconds('Domain-0')).toBeGreaterThanOrEqual(seconds('guest1'));
    expect(seconds('guest1')).toBeLessThan(60);
    await run('xl uptime guest1 nosuch');

    // Paused, guest1 does not run: what is typed at it waits; unpaused, it answers.
    await run('xl pause guest1');
    await session.type(1, 'echo after the pause\r');
    await run('xl list guest1');
    expect(session.console(1)).not.toContain('\nafter the pause\n');
    await run('xl unpause guest1');
    await session.until('guest1\'s answer', () => session.console(1).includes('\nafter the pause\n'));

    // xl console: guest1's console on Domain-0's (its UART is quiet meanwhile); Ctrl-] gives it back.
    const uart1Before = session.console(consoleOf(session, 1)).length;
    const attachedAt = session.console(0).length;
    await session.type(0, 'xl console guest1\r');
    await session.until('xl console to attach', () => session.console(0).slice(attachedAt).includes('xl console guest1\n'));
    await session.type(0, 'echo typed through xl console\r');
    await session.until('guest1\'s answer through the ring',
      () => /\ntyped through xl console\n\$ $/.test(session.console(0).slice(attachedAt)));
    await session.type(0, '\x1d');
    await session.until('Domain-0\'s prompt again', () => /\$ \n\$ $/.test(session.console(0).slice(attachedAt)));
    if (consoleOf(session, 1) !== 0) expect(session.console(1).slice(uart1Before)).not.toContain('typed through');
    await session.type(1, 'echo on its own UART again\r');
    await session.until('guest1 on its UART', () => session.console(consoleOf(session, 1)).includes('\non its own UART again\n'));
    await run('xl console Domain-0');
    await run('xl console nosuch');

    // Rebooted (-F: it has no PV drivers), guest1 is built again by its watcher: a new id, as on Xen.
    const welcomes = (console: number) => session.console(console).split('Welcome to HyperLab').length;
    const upAgain = (console: number, before: number[]) => welcomes(console) > before[console];
    const beforeReboot = Array.from({ length: 8 }, (_, console) => welcomes(console));
    await run('xl reboot -F guest1');
    const rebuilt = () => /^d(\d) \(guest1\): HVM/m.exec(log().split('d1 (guest1) rebooted')[1] ?? '');
    await session.until('guest1 built again', () => rebuilt() !== null);
    const again = Number(rebuilt()![1]);
    expect(again).toBe(3);
    await session.until('guest1\'s second boot', () => upAgain(consoleOf(session, again), beforeReboot));
    await run('xl list guest1');

    // Shut down: refused without PV drivers, as Xen's xl does; with -F, guest2's watcher (left by xl create) destroys it.
    await run('xl shutdown guest2');
    await run('xl shutdown -F guest2');
    await session.until('guest2 destroyed by its watcher', () => log().includes('d2 (guest2) destroyed'));
    await run('xl list');

    // Bad input: each a clear error, nothing half-built.
    await run('xl create /etc/xen/missing.cfg');
    await run('xl create /etc/xen/guest1.cfg');
    await run('xl create /etc/xen/guest3.cfg memory==2');
    await run('xl create /etc/xen/guest3.cfg memory=4000');
    await run('xl create /etc/xen/guest3.cfg memory=1000');
    await run('xl list');

    // Destroyed, created again: its memory goes back and is taken again.
    await run('xl destroy guest1');
    await session.until('guest1 destroyed', () => log().includes(`d${again} (guest1) destroyed`));
    await run('xl info');
    const before = Array.from({ length: 8 }, (_, console) => welcomes(console));
    await run('xl create /etc/xen/guest3.cfg');
    await session.until('guest3 described', () => /^d\d \(guest3\): HVM/m.test(log()));
    // A new id (ids go up, as Xen's: the one the failed create above took is not given again either), and
    // the lowest free UART (guest1's) for its console; on QEMU, UART0 behind its id.
    const id = Number(/^d(\d) \(guest3\): HVM/m.exec(log())![1]);
    expect(id).toBeGreaterThan(2);
    const console = consoleOf(session, id);
    await session.until('guest3\'s shell', () => upAgain(console, before));
    await run('xl list');
    expect(session.log()).not.toMatch(/panic|crashed/);
    return session.console(0).slice(start);
  } finally {
    await session.stop();
  }
}

function compare(transcript: string, update: boolean): void {
  // On QEMU, UART0 carries the DomUs' lines too: switching its input to one and back ends domain 0's prompt line
  // (the first one too, whose "$ " came before the transcript's start).
  const text = masked(transcript.replace(/^\$ \n(?=xl )/gm, '$ ').replace(/^\n(?=xl )/, '')).replace(/\$ $/, '');
  if (update) writeFileSync(GOLDEN, text);
  expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
}

describe('domain 0 with xl, on HyperLab (deterministic)', () => {
  it('boots, starts the guests from /etc/rc, and answers a shell session as the golden transcript', { timeout: LONG },
    async () => compare(await dom0Session(startHyperLab(options)), process.env.UPDATE_GOLDEN === '1'));
});

/** Domain 0's hypercalls by name so far, from the debug keys' domain list. */
async function dom0Hypercalls(session: HvSession): Promise<string> {
  const logged = session.log().length;
  await session.debugKeys('q');
  await session.until('the domain list', () => /^memory: \d+ of \d+ MiB free$/m.test(session.log().slice(logged)));
  const d0 = session.log().slice(logged).split(/\nd1 /)[0];
  return /^ +hypercalls: (.*)$/m.exec(d0)![1];
}

describe('xl\'s watchers, on HyperLab (deterministic)', () => {
  it('wait on /dev/evtchn: an idle domain 0 makes no hypercalls, and a guest\'s halt is acted on at once; the device refuses bad input', { timeout: LONG },
    async () => {
      const session = startHyperLab(options);
      const run = async (line: string): Promise<void> => {
        const seen = prompts(session.console(0));
        await session.type(0, `${line}\r`);
        await session.until(`the answer to '${line}'`, () => prompts(session.console(0)) > seen);
      };
      try {
        await session.until('domain 0\'s prompt', () => prompts(session.console(0)) > 0);
        await session.until('guest1\'s prompt', () => prompts(session.console(1)) > 0);
        await run('ps');
        expect(session.console(0).match(/ xl$/gm)?.length).toBe(2);    // the watchers of guest1 and guest2
        const before = await dom0Hypercalls(session);
        await run('sleep 2');                                           // polling every 100 ms would be 40 domctls
        expect(await dom0Hypercalls(session)).toBe(before);
        await session.type(1, 'halt\r');
        await session.until('guest1 destroyed by its watcher', () => session.log().includes('d1 (guest1) destroyed'));
        expect(await dom0Hypercalls(session)).not.toBe(before);

        // /dev/evtchn itself, end to end and with bad input (firmware/dom0/devtest.c).
        const from = session.console(0).length;
        await run('devtest');
        const report = session.console(0).slice(from);
        expect(report).toMatch(/devtest: done: \d+ passed, 0 failed/);
        expect(report).not.toContain('FAIL');
        for (const line of ['VIRQ_DOM_EXC bound by another', 'a reads -> ', 'b notifies on a\'s port -> -107',
          'one open more than the device holds -> -24', 'a write from a bad pointer -> -14',
          // xenstore through /dev/xenbus
          'a read from the other connection meanwhile -> 6, before', 'its commit -> -11, -EAGAIN',
          'its event for the change -> 0']) expect(report).toContain(line);
        expect(await dom0Hypercalls(session)).not.toBe(before);
      } finally {
        await session.stop();
      }
    });
});

describe('domain 0 with xl, on QEMU', () => {
  it.skipIf(!toolAvailable('qemu-system-riscv32', 'qemu-system-misc'))('answers the same session as on HyperLab', { timeout: LONG },
    async () => compare(await dom0Session(startQemu(options)), false));
});
