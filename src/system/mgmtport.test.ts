/*
 * The management port (firmware/guests/mgmtport.c), on HyperLab: the
 * hypervisor passes UART7 through to domain 0, which drives it itself
 * (its registers mapped, its interrupt forwarded through its vPLIC and
 * taken again only once completed there) and answers each line typed at
 * it; a DomU that reaches for the same registers is crashed, and nothing
 * else is. QEMU's virt board has UART0 only, so it has no management port.
 */
import { describe, expect, it } from 'vitest';
import { guest, startHyperLab } from './hv-session.ts';

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
