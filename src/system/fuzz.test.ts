/*
 * A DomU attacking the hypervisor through the hypercall ABI,
 * firmware/guests/fuzz.c, on HyperLab: every call that is Dom0's alone
 * answers it -EPERM and writes nothing back; ports and grants of others
 * are refused as evtchn.c and grant.c say; then a million hypercalls with
 * pseudo-random numbers and arguments (a fixed seed: the same calls each
 * run; half wholly random, half with structs shaped for the operation),
 * after which the fuzzer still runs, took no exception, finds its memory
 * untouched outside the scratch area it gave the hypervisor, and its own
 * grants still map.
 * Meanwhile and afterwards the hypervisor does not panic, Domain-0 and a
 * bystander DomU (both the native kernel) answer at their consoles, the
 * debug keys still describe every domain, and once the fuzzer powers off
 * its memory comes back: free memory does not shrink across the run.
 */
import { describe, expect, it } from 'vitest';
import { guest, KERNEL, prompts, startHyperLab, type HvOptions, type HvSession } from './hv-session.ts';

const LONG = 900_000;
const FUZZ = guest('fuzz.elf');
const FUZZER = 1;
const BYSTANDER = 2;
const CALLS = 1_000_000;
const FUZZ_MIB = 8;

const options: HvOptions = {
  harts: 2,
  dom0: { file: KERNEL },
  domains: [
    { name: 'fuzz', file: FUZZ, memoryMiB: FUZZ_MIB, bootargs: 'wait' },
    { name: 'bystander', file: KERNEL, memoryMiB: 16 },
  ],
};

/** What the debug key 'q' printed after `logged`: the domain list and the free memory (MiB). */
async function domainList(session: HvSession): Promise<{ list: string; free: number }> {
  const logged = session.log().length;
  await session.debugKeys('q');
  const line = /^memory: (\d+) of \d+ MiB free$/m;
  await session.until('the domain list', () => line.test(session.log().slice(logged)));
  const list = session.log().slice(logged);
  return { list, free: Number(line.exec(list)![1]) };
}

/**
 * Types a line at a native kernel's shell and waits for its answer and the next prompt (on Domain-0's
 * console the log's lines, taken out, may leave line ends after it).
 */
async function command(session: HvSession, id: number, line: string): Promise<string> {
  await session.until(`d${id}'s prompt`, () => /(^|\n)\$ \n*$/.test(session.console(id)));
  const before = session.console(id);
  await session.type(id, `${line}\r`);
  await session.until(`d${id}'s answer to '${line}'`, () => prompts(session.console(id)) > prompts(before));
  return session.console(id).slice(before.length);
}

async function fuzzed(session: HvSession): Promise<void> {
  try {
    const fuzzer = () => session.console(FUZZER);
    await session.until('the fuzzer\'s targeted checks', () => fuzzer().includes('fuzz: type g to start'));
    await session.until('the shells', () => prompts(session.console(0)) > 0 && prompts(session.console(BYSTANDER)) > 0);
    // The targeted attacks: all refused, none of them written back.
    expect(fuzzer()).not.toMatch(/fuzz: FAIL/);
    for (const line of [
      'domctl createdomain of d0 -> -1, -EPERM', 'domctl destroydomain of d0 -> -1, -EPERM',
      'domctl pausedomain of another DomU -> -1, -EPERM', 'domctl hyperlab_vcpustats of d0 -> -1, -EPERM',
      'domctl hyperlab_name of itself -> -1, -EPERM', 'domctl setvcpucontext of another DomU -> -1, -EPERM',
      'sysctl readconsole -> -1, -EPERM', 'sysctl getdomaininfolist -> -1, -EPERM',
      'memory_op add_to_physmap_batch gmfn_foreign of d0\'s frames -> -1, -EPERM',
      'sched_op remote_shutdown of d0 -> -1, -EPERM', 'sched_op remote_shutdown of itself -> -1, -EPERM',
      'send on port 1 (not its own) -> -22, -EINVAL', 'status of d0\'s port 1 -> -1, -EPERM',
      'bind_interdomain to d0\'s port 1 (not offered) -> -22, -EINVAL', 'bind_virq dom_exc (d0\'s) -> -22, -EINVAL',
      'map d0\'s grant 0xffffffff -> -3, GNTST_bad_gntref',
      'copy from d0\'s first frame -> -8, GNTST_permission_denied, nothing copied',
      // Its own grants, which the random calls then use, work.
      'map its own grant 1 -> 0, GNTST_okay, its frame in the window, in use for writing',
      'copy from its own grant 1 -> 0, GNTST_okay, the word there',
    ]) expect(fuzzer()).toContain(`fuzz: ok: ${line}\n`);
    const before = await domainList(session);
    expect(before.list).toMatch(/^d1 fuzz: /m);

    const started = Date.now();
    await session.type(FUZZER, 'g');
    const done = /fuzz: done: (\d+) passed, (\d+) failed\n/;
    await session.until('the random hypercalls', () => done.test(fuzzer()), LONG - 120_000);
    console.log(`fuzz: ${CALLS} random hypercalls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const text = fuzzer();
    expect(text).not.toMatch(/fuzz: FAIL/);
    expect(done.exec(text)![2]).toBe('0');
    for (let made = 100_000; made <= CALLS; made += 100_000) {
      expect(text).toContain(`fuzz: ${made} of ${CALLS} random hypercalls made\n`);
    }
    const distinct = Number(/fuzz: (\d+) random hypercalls, (\d+) distinct errors\n/.exec(text)?.[2]);
    // The random calls got past the hypervisor's first checks into its handlers: refused, bad pointers, bad
    // arguments and unknown operations, at least.
    expect(distinct).toBeGreaterThanOrEqual(4);
    for (const errno of [1, 14, 22, 38]) expect(text).toMatch(new RegExp(`fuzz: error -${errno}: \\d+ calls\n`));
    expect(text).toMatch(/fuzz: [1-9]\d* calls succeeded; /);
    expect(text).toContain('fuzz: ok: exceptions taken during the random calls -> 0, none\n');
    expect(text).toMatch(/fuzz: ok: its RAM below the image \(\d+ KiB\) -> 0, as it was filled\n/);
    expect(text).toContain('fuzz: a line written with console_io after\n');
    expect(text).toMatch(/fuzz: ok: map its own grant \d+ after -> 0, GNTST_okay, its frame in the window\n/);

    // The hypervisor still describes every domain, the fuzzer's ports and grants among them.
    const logged = session.log().length;
    await session.debugKeys('e');
    await session.debugKeys('g');
    const during = await domainList(session);
    const dumps = session.log().slice(logged);
    expect(dumps).toMatch(/^Event channels of d1 \(fuzz\):$/m);
    expect(dumps).toMatch(/^Grant table of d1 \(fuzz\): /m);
    for (const name of ['Domain-0', 'fuzz', 'bystander']) expect(during.list).toMatch(new RegExp(`^d\\d ${name}: `, 'm'));
    // What the fuzz may have had allocated for itself (grant table frames, window page tables) is a few frames.
    expect(during.free).toBeGreaterThanOrEqual(before.free - 1);

    // The others were not harmed: each answers its console.
    expect(await command(session, BYSTANDER, 'echo still here')).toContain('\nstill here\n');
    expect(await command(session, 0, 'echo Domain-0 still here')).toContain('\nDomain-0 still here\n');

    // The fuzzer powers off when asked (it was not crashed), and all of its memory comes back.
    await session.type(FUZZER, 'x');
    const gone = /^d1 \(fuzz\) powered off: destroyed, its memory scrubbed and freed$/m;
    await session.until('the fuzzer to be gone', () => gone.test(session.log()));
    const after = await domainList(session);
    expect(after.list).not.toMatch(/^d1 /m);
    expect(after.free).toBeGreaterThanOrEqual(before.free + FUZZ_MIB);
    expect(await command(session, BYSTANDER, 'echo after the fuzzer')).toContain('\nafter the fuzzer\n');

    const log = session.log();
    expect(log).not.toMatch(/panic/i);
    expect(log).not.toMatch(/crashed/);
    expect(log).not.toMatch(/^d[02]\S* .*(powered off|rebooted|destroyed)/m);
  } finally {
    await session.stop();
  }
}

describe('a fuzzing DomU on HyperLab', () => {
  it('is refused Dom0\'s calls and others\' ports and grants, and a million random hypercalls harm nobody',
    { timeout: LONG }, () => fuzzed(startHyperLab(options)));
});
