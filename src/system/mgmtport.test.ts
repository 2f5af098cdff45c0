/*
 * The management port (firmware/guests/mgmtport.c), on HyperLab: the
 * hypervisor passes UART7 through to domain 0, which drives it itself
 * (its registers mapped, its interrupt forwarded through its vPLIC and
 * taken again only once completed there) and answers each line typed at
 * it; a DomU that reaches for the same registers is crashed, and nothing
 * else is. Then the management protocol on it (firmware/toolstack/mgmt.c
 * served from domain 0, src/runtime/management.ts the client): the host,
 * the domains with the hypervisor's counts, create, pause and unpause
 * with the subscription's events, destroy, and errors for bad requests,
 * after which the daemon still answers. That is the default image's
 * domain 0: the kernel's dom0 build, whose /etc/rc starts the management
 * daemon (firmware/dom0/mgmtd.c, on /dev/mgmt) before the guests, so
 * that the page and xl in domain 0's shell see the same domains. QEMU's
 * virt board has UART0 only, so it has no management port.
 */
import { describe, expect, it } from 'vitest';
import { consoleTransport, ManagementClient, ManagementError, type DomainInfo } from '../runtime/index.ts';
import { guest, prompts, startHyperLab } from './hv-session.ts';

const LONG = 600_000;
const MGMT = guest('mgmtport.elf');
const MGMT_UART = 7;

describe('the management port on HyperLab', () => {
  it('is domain 0\'s own UART, interrupts and all, and no DomU\'s', { timeout: LONG }, async () => {
    const session = startHyperLab({
      harts: 2,
      dom0: { file: MGMT, bootargs: 'dom0' },
      domains: [{ name: 'nosy', file: MGMT, memoryMiB: 8 }],
    });
    try {
      const port = () => session.console(MGMT_UART);
      await session.until('the port to be ready', () => port().includes('mgmt: ready\n'));
      expect(session.log()).toContain('management port: UART7, domain 0\'s');
      await session.until('the DomU to be crashed', () => /d1v0 \(nosy\): load from guest-physical 0x10017005, outside its memory .*: domain crashed/.test(session.log()));
      expect(session.console(1)).toContain('mgmtport: ok: a DomU\'s tree -> 0, names no management port');
      expect(session.console(1)).not.toContain('FAIL');

      await session.type(MGMT_UART, 'ping\n');
      await session.until('the answer to ping', () => port().includes('mgmt: PING\n'));
      await session.type(MGMT_UART, 'hello, world\n');
      await session.until('the answer to hello', () => port().includes('mgmt: HELLO, WORLD\n'));
      // Every exit of domain 0's for a device was its vPLIC's: the port's registers cost none.
      const logged = session.log().length;
      await session.debugKeys('q');
      await session.until('the domain list', () => /memory: \d+ of \d+ MiB free/.test(session.log().slice(logged)));
      const d0 = session.log().slice(logged).split(/\nd1 /)[0];
      const faults = [...d0.matchAll(/(load|store) guest-page fault (\d+)/g)].reduce((n, m) => n + Number(m[2]), 0);
      const vplic = /vUART accesses 0, vPLIC accesses (\d+)/.exec(d0);
      expect(vplic, d0).not.toBeNull();
      expect(faults).toBe(Number(vplic![1]));
      expect(faults).toBeGreaterThan(0);

      await session.type(MGMT_UART, 'quit\n');
      expect(await session.exited()).toBe(0);
      expect(port()).toContain('mgmt: bye\n');
      const dom0 = session.console(0);
      expect(dom0).toContain('mgmtport: serving the management port at 0x10017000, irq 18');
      const took = /mgmtport: 3 lines, (\d+) interrupts/.exec(dom0);
      expect(took, dom0).not.toBeNull();
      expect(Number(took![1])).toBeGreaterThanOrEqual(3);
      expect(dom0).toMatch(/mgmtport: done: 1 passed, 0 failed/);
    } finally {
      await session.stop();
    }
  });
});

describe('the management protocol on HyperLab', () => {
  it('lists, creates, pauses and destroys domains for a typed client, as xl sees them, and answers bad requests with errors',
    { timeout: LONG }, async () => {
      const session = startHyperLab({ harts: 2 });
      const transport = consoleTransport(session.machine.console(MGMT_UART));
      const client = new ManagementClient(transport, { timeoutMs: 0 });
      const replies: string[] = [];
      transport.onLine((line) => replies.push(line));
      const xl = async (line: string) => {
        const before = session.console(0);
        await session.type(0, `${line}\r`);
        await session.until(`domain 0's answer to ${line}`, () => prompts(session.console(0)) > prompts(before));
        return session.console(0).slice(before.length);
      };
      try {
        await session.until('the port to be ready', () => session.console(MGMT_UART).includes('mgmt: ready\n'));
        await session.until('domain 0\'s guests', () => /^d2 \(guest2\): HVM/m.test(session.log()));
        await session.until('domain 0\'s shell', () => prompts(session.console(0)) > 0);
        expect((await client.hello()).protocol).toBe(1);
        const host = await client.host();
        expect(host).toMatchObject({ nrCpus: 2, scheduler: 'credit', xenVersion: '0.1-hyperlab' });
        expect(host.freeMemKiB).toBeLessThan(host.totalMemKiB);

        let { domains } = await client.list();
        expect(domains.map((d) => [d.id, d.name, d.memKiB])).toEqual([[0, 'Domain-0', 32768], [1, 'guest1', 16392], [2, 'guest2', 16392]]);
        expect(domains[1]).toMatchObject({ shutdown: false, paused: false });
        expect(domains[1].exits['ecall from VS']).toBeGreaterThan(0);
        expect(domains[0].sbi.time).toBeGreaterThan(0);
        expect(domains[0].hypercalls.domctl).toBeGreaterThan(0);   // xl create's
        expect(domains[0].hypercalls.sysctl).toBeGreaterThan(0);   // the list itself

        const events: DomainInfo[][] = [];
        await client.subscribe((list) => events.push(list));
        const created = await client.create('name = "web"\nmemory = 8\nvcpus = 2\nkernel = "/boot/kernel.elf"\n');
        expect(created).toEqual({ domid: 3, name: 'web' });
        await session.until('web\'s kernel', () => session.console(3).includes('Welcome to HyperLab.'));
        ({ domains } = await client.list());
        const web = domains.find((d) => d.name === 'web')!;
        expect(web).toMatchObject({ id: 3, memKiB: 8192 + 8, paused: false });
        expect(web.vcpus.length).toBe(2);
        expect(web.exits['ecall from VS']).toBeGreaterThan(0);
        expect(web.sbi.time).toBeGreaterThan(0);
        expect(web.mmio.uart).toBeGreaterThan(0);
        expect(await xl('xl list')).toMatch(/^web +3 +8 +2 /m);      // what the page made, xl sees

        await client.pause('web');
        await session.until('an event with web paused', () =>
          events.some((list) => list.some((d) => d.name === 'web' && d.paused)));
        expect(await xl('xl list web')).toMatch(/^web +3 +8 +2 +-[rb-]p--- /m);
        await client.unpause(3);
        await session.until('an event with web running again', () =>
          events.at(-1)!.some((d) => d.name === 'web' && !d.paused));
        expect(await client.schedCredit('web', { weight: 512 })).toEqual({ weight: 512, cap: 0 });

        const refused = async (promise: Promise<unknown>) => {
          try {
            await promise;
          } catch (error) {
            if (error instanceof ManagementError) return [error.code, error.message];
          }
          return ['accepted'];
        };
        expect(await refused(client.pause('nosuch'))).toEqual(['ESRCH', 'pause: no domain nosuch (ESRCH)']);
        expect(await refused(client.destroy(0))).toEqual(['EPERM', 'destroy: domain 0 is not destroyed (EPERM)']);
        expect((await refused(client.memSet('web', 4096)))[0]).toBe('ENOSYS');
        expect(await refused(client.create('name = "x"\nmemory = = 8\n'))).toEqual(
          ['bad-config', "create: config:2: config parsing error near `=': syntax error (bad-config)"]);
        expect(await refused(client.create('name = "x"\nkernel = "/boot/nosuch"\n'))).toEqual(
          ['ENOENT', 'create: the domain could not be built (domain 0\'s console says why) (ENOENT)']);
        expect(await refused(client.create('name = "guest1"\nkernel = "/boot/kernel.elf"\n'))).toEqual(
          ['EEXIST', 'create: Domain with name "guest1" already exists. (EEXIST)']);

        const raw = async (line: string) => {
          const seen = replies.length;
          transport.send(line);
          await session.until(`the reply to ${line}`, () => replies.slice(seen).some((r) => r.startsWith('{"v":1,"id"')));
          return JSON.parse(replies.slice(seen).find((r) => r.startsWith('{"v":1,"id"'))!);
        };
        expect(await raw('{not json')).toMatchObject({ id: null, ok: false, error: { code: 'bad-json' } });
        expect(await raw('not even a brace')).toMatchObject({ id: null, ok: false, error: { code: 'bad-json' } });
        expect(await raw('{"v":2,"id":50,"op":"list"}')).toMatchObject({ id: 50, ok: false, error: { code: 'bad-version' } });
        expect(await raw('{"v":1,"id":51}')).toMatchObject({ id: 51, ok: false, error: { code: 'bad-request' } });
        expect(await raw('{"v":1,"id":52,"op":"frobnicate"}')).toMatchObject({ id: 52, error: { code: 'unknown-op' } });
        expect(await raw('{"v":1,"id":53,"op":"pause","domain":{"id":2}}')).toMatchObject({ id: null, error: { code: 'bad-json', message: 'nested objects and arrays are not taken here' } });
        expect(await raw(`{"v":1,"id":54,"op":"create","config":"${'x'.repeat(3000)}"}`)).toMatchObject({ ok: false });

        await client.destroy('web');
        await session.until('web to be gone', () => events.at(-1)!.every((d) => d.name !== 'web'));
        expect((await client.list()).domains.map((d) => d.id)).toEqual([0, 1, 2]);
        expect(await xl('xl list')).not.toMatch(/^web /m);
        expect(session.console(1)).not.toContain('mgmt');             // the guests never saw the port
        await session.type(0, 'halt\r');
        expect(await session.exited()).toBe(0);
      } finally {
        client.close();
        await session.stop();
      }
    });
});
