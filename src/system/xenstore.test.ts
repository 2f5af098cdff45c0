/*
 * xenstore, as the default image runs it: domain 0's /etc/rc starts
 * xenstored before the guests, and xl writes each new domain's entries
 * (/local/domain/N, as libxl does) and hands xenstored its ring.
 *
 * In domain 0's shell the xenstore-* tools read, write, list, chmod and
 * remove; then `xl create /etc/xen/snoop.cfg` starts snoop
 * (firmware/guests/snoop.c), a DomU that speaks xenstore on its own ring
 * and tries what it must not: domain 0's and the other guests' entries,
 * its own read-only name, nodes outside its home, introduce and release,
 * more nodes than its quota, and at last a message too long, which ends
 * its connection and nobody else's. Afterwards the other domains' entries
 * are as they were, the guests still answer, and once snoop has powered
 * off its entries are gone and xl info's free memory is what it was
 * before it came (its ring page was given back). snoop again, with
 * cmdline "grant": it grants domain 0 a page, and devtest maps it through
 * /dev/gntdev (with the device's refusals). Last, `xl console`
 * on guest2, which is halted from there: xl console ends with it; and
 * xl create -c, whose guest's console shows on Domain-0's from its first
 * byte.
 */
import { describe, expect, it } from 'vitest';
import { consoleOf, prompts, startHyperLab, type HvSession } from './hv-session.ts';

const LONG = 600_000;

async function shell(session: HvSession) {
  const run = async (line: string): Promise<string> => {
    const from = session.console(0).length;
    const seen = prompts(session.console(0));
    await session.type(0, `${line}\r`);
    await session.until(`the answer to '${line}'`, () => prompts(session.console(0)) > seen);
    // The answer: what came after the echoed line, up to the next prompt.
    const text = session.console(0).slice(from);
    return text.slice(text.indexOf('\n') + 1).replace(/\$ $/, '');
  };
  return run;
}

const freeMemory = (info: string) => Number(/^free_memory +: (\d+)$/m.exec(info)![1]);

describe('xenstore, on HyperLab (deterministic)', () => {
  it('keeps each domain\'s entries, serves the tools, and refuses a DomU everything not its own', { timeout: LONG },
    async () => {
      const session = startHyperLab({ harts: 2, ramMiB: 256 });
      try {
        const run = await shell(session);
        await session.until('domain 0\'s prompt', () => prompts(session.console(0)) > 0);
        await session.until('guest1 and guest2', () => prompts(session.console(1)) > 0 && prompts(session.console(2)) > 0);

        // Domain-0's help names the tools.
        expect(await run('help')).toMatch(/^Domain 0:\n {2}xl help +the toolstack.*\n {2}xenstore-ls \[-p\] \[PATH\] +the xenstore tree/m);

        // What xl wrote for the guests, and who may read it.
        const tree = await run('xenstore-ls -p /local/domain');
        expect(tree).toMatch(/^0 = "" {2}\(n0\)\n name = "Domain-0"/m);
        expect(tree).toMatch(/^1 = "" {2}\(n0,r1\)\n name = "guest1" {2}\(n0,r1\)\n domid = "1" {2}\(n0,r1\)\n/m);
        expect(tree).toMatch(/^ data = "" {2}\(n1\)$/m);
        expect(tree).toMatch(/^2 = "" {2}\(n0,r2\)\n name = "guest2"/m);
        expect(await run('xenstore-read /local/domain/2/name')).toBe('guest2\n');
        expect(await run('xl list guest2')).toMatch(/^guest2 +2 /m);

        // The tools, and their errors.
        expect(await run('xenstore-write /local/domain/1/data/lesson one')).toBe('');
        expect(await run('xenstore-read /local/domain/1/data/lesson')).toBe('one\n');
        expect(await run('xenstore-list /local/domain/1')).toBe('name\ndomid\ndata\ncontrol\ndevice\nvuart\n');
        // Its console ring (xl console's), named as Xen names a vUART's.
        expect(await run('xenstore-ls /local/domain/1/vuart')).toMatch(/^0 = ""\n ring-ref = "\d+"\n port = "\d+"\n type = "xenconsoled"\n$/);
        // What xl kept of guest1's config, as xl list -l shows it (libxl's JSON).
        const long = await run('xl list -l guest1');
        expect(JSON.parse(long)).toMatchObject([{ domid: 1, config: {
          c_info: { type: 'hvm', name: 'guest1' },
          b_info: { max_vcpus: 1, max_memkb: 16384, target_memkb: 16384, kernel: '/boot/kernel.elf' },
          on_poweroff: 'destroy', on_reboot: 'restart',
        } }]);
        const all = JSON.parse(await run('xl list -l')) as Array<{ domid: number; config: { c_info: { name: string } } }>;
        expect(all.map((d) => [d.domid, d.config.c_info.name])).toEqual([[0, 'Domain-0'], [1, 'guest1'], [2, 'guest2']]);
        expect(await run('xenstore-read /local/domain/1/nosuch')).toMatch(/no such file or directory/);
        expect(await run('xenstore-chmod /local/domain/1/data/lesson n1 r2')).toBe('');
        expect(await run('xenstore-ls -p /local/domain/1/data')).toBe('lesson = "one"  (n1,r2)\n');
        expect(await run('xenstore-chmod /local/domain/1/data/lesson x1')).toMatch(/not a permission/);
        expect(await run('xenstore-rm /local/domain/1/data/lesson')).toBe('');
        expect(await run('xenstore-read /local/domain/1/data/lesson')).toMatch(/no such file or directory/);
        expect(await run('xenstore-read bad//path')).toMatch(/invalid argument/);
        // xenstore-watch in the background: an event when set, one per change.
        const watchedAt = session.console(0).length;
        await run('xenstore-watch -n 2 /local/domain/1/data/watched &');
        const events = () => session.console(0).slice(watchedAt).match(/\/local\/domain\/1\/data\/watched\n/g)?.length ?? 0;
        await session.until('the watch\'s first event', () => events() === 1);     // it may come after the prompt
        await run('xenstore-write /local/domain/1/data/watched yes');
        await run('wait');
        expect(events()).toBe(2);

        // snoop: everything not its own refused, its ring ended by its own bad message, nobody else's.
        const before = freeMemory(await run('xl info'));
        const created = await run('xl create /etc/xen/snoop.cfg');
        expect(created).toContain('Parsing config from /etc/xen/snoop.cfg');
        await session.until('snoop described', () => /^d(\d) \(snoop\): HVM/m.test(session.log()));
        const id = Number(/^d(\d) \(snoop\): HVM/m.exec(session.log())![1]);
        const snoop = () => session.console(consoleOf(session, id));
        await session.until('snoop\'s checks', () => /snoop: done: \d+ passed, \d+ failed\n/.test(snoop()));
        const report = snoop();
        expect(report).not.toContain('snoop: FAIL');
        expect(report).toMatch(/snoop: done: [1-9]\d* passed, 0 failed\n/);
        for (const line of [
          'read of its own name -> ', 'read of /local/domain/0/name -> -1, EACCES (-1)',
          'write of its own name (domain 0\'s node) -> -1, EACCES (-1)', 'directory of /local/domain -> -1, EACCES (-1)',
          'write of /tool/snoop -> -1, EACCES (-1)', 'the ring\'s error after a message too long -> 3',
          'close of its console ring\'s port -> -22, -EINVAL', 'send on it after that (still the hypervisor\'s) -> -22',
        ]) expect(report).toContain(`snoop: ok: ${line}`);
        expect(report).toMatch(/snoop: quota: \d+ nodes made, then error -\d+\n/);

        // Nobody else's entries changed; the guests and xenstore still answer.
        await session.until('snoop destroyed by its watcher', () => session.log().includes(`d${id} (snoop) destroyed`));
        expect(await run('xenstore-ls /local/domain')).not.toMatch(new RegExp(`^${id} = `, 'm'));
        expect(await run('xenstore-read /local/domain/1/name /local/domain/2/name')).toBe('guest1\nguest2\n');
        expect(await run('xenstore-ls /local/domain/0')).toBe('name = "Domain-0"\ndomid = "0"\n');
        expect(await run(`xenstore-ls /libxl`)).not.toMatch(new RegExp(`^${id} = `, 'm'));
        await session.type(1, 'echo guest1 still here\r');
        await session.until('guest1\'s answer', () => session.console(1).includes('\nguest1 still here\n'));
        expect(freeMemory(await run('xl info'))).toBe(before);

        // A PV front end's handshake: snoop (cmdline "grant") grants domain 0 a page and names it in xenstore;
        // devtest maps it through /dev/gntdev, answers in it, and snoop takes its grant back.
        const grantAt = session.log().length;
        const printed = Array.from({ length: 8 }, (_, uart) => session.console(uart).length);   // the UART may be the first snoop's
        await run('xl create /etc/xen/snoop.cfg \'cmdline="grant"\'');
        await session.until('snoop again', () => /^d(\d) \(snoop\): HVM/m.test(session.log().slice(grantAt)));
        const again = Number(/^d(\d) \(snoop\): HVM/m.exec(session.log().slice(grantAt))![1]);
        const snoop2 = () => session.console(consoleOf(session, again)).slice(printed[consoleOf(session, again)]);
        await session.until('snoop\'s grant', () => snoop2().includes('snoop: grant 8 holds a page for domain 0'));
        const devtest = await run(`devtest gntdev ${again}`);
        expect(devtest).not.toContain('FAIL');
        expect(devtest).toMatch(/devtest: done: \d+ passed, 0 failed/);
        for (const line of ['what it wrote there -> 32, "a page snoop granted to domain 0"',
          'map of a grant it did not make -> -1', 'map from a bad pointer -> -14', 'unmap of its grant -> 0'])
          expect(devtest).toContain(`devtest: ok: ${line}`);
        await session.until('snoop\'s checks again', () => /snoop: done: \d+ passed, \d+ failed\n/.test(snoop2()));
        expect(snoop2()).toMatch(/snoop: done: [1-9]\d* passed, 0 failed\n/);
        for (const line of ['domain 0\'s answer in the granted page', 'its grant taken back once domain 0 unmapped it'])
          expect(snoop2()).toContain(`snoop: ok: ${line}`);
        await session.until('snoop destroyed again', () => session.log().includes(`d${again} (snoop) destroyed`));

        // xl console ends with its domain: guest2 halted from its console, Domain-0's shell is back.
        const attached = session.console(0).length;
        await session.type(0, 'xl console guest2\r');
        await session.until('xl console to attach', () => session.console(0).slice(attached).includes('xl console guest2\n'));
        await session.type(0, 'halt\r');
        await session.until('guest2 destroyed by its watcher', () => session.log().includes('d2 (guest2) destroyed'));
        await session.until('Domain-0\'s prompt', () => /\n\$ $/.test(session.console(0).slice(attached)));
        expect(await run('xl list')).not.toContain('guest2');
        expect(await run('xl console guest2')).toBe('guest2 is an invalid domain identifier (rc=-6)\n');

        // xl create -c: the new guest's console from its first byte, on Domain-0's; its own UART shows nothing.
        const printedBefore = Array.from({ length: 8 }, (_, uart) => session.console(uart).length);
        const createdAt = session.console(0).length;
        await session.type(0, 'xl create -c /etc/xen/guest3.cfg\r');
        await session.until('guest3\'s prompt on Domain-0\'s console',
          () => /HyperLab kernel 0\.1 \(native\)[^]*Welcome to HyperLab\.[^]*\n\$ $/.test(session.console(0).slice(createdAt)));
        await session.type(0, '\x1d');
        await session.until('Domain-0\'s prompt again', () => /\$ \n\$ $/.test(session.console(0).slice(createdAt)));
        const guest3 = Number(/^d(\d) \(guest3\): HVM/m.exec(session.log())![1]);
        const uart = consoleOf(session, guest3);
        expect(session.console(uart).slice(printedBefore[uart])).toBe('');
        expect(session.log()).not.toMatch(/panic|crashed/);
      } finally {
        await session.stop();
      }
    });
});
