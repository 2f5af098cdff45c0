/*
 * Grant tables from both ends, firmware/guests/grant.c, on HyperLab and on
 * QEMU: d1 gives frames of its RAM back and has them again (memory_op),
 * then grants domain 0 pages of its RAM; domain 0 copies and maps
 * them with good and bad arguments while d1 watches its entries' flags
 * (it cannot take a grant back while it is mapped, and finds domain 0's
 * reply in the page once it is unmapped); d1 powers off with a page still
 * mapped, which domain 0 goes on reading until it unmaps it, and the
 * debug key 'g' shows that mapping meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../machine/testing/tools.ts';
import { guest, startHyperLab, startQemu, type HvOptions, type HvSession } from './hv-session.ts';

const LONG = 600_000;
const GRANT = guest('grant.elf');

const options: HvOptions = {
  harts: 2,
  dom0: { file: GRANT, bootargs: 'dom0' },
  domains: [{ name: 'granter', file: GRANT, memoryMiB: 8 }],
};

async function bothEnds(session: HvSession): Promise<void> {
  try {
    const said = (id: number, text: string) => () => session.console(id).includes(text);
    await session.until('domain 0 to ask for a key', said(0, 'grant: type a key\n'));
    const granter = session.console(1);
    expect(granter).not.toContain('FAIL');
    expect(granter).toMatch(/grant: done: \d+ passed, 0 failed/);
    expect(granter).toContain('grant: ok: decrease_reservation of 3 frames -> 3, 3');
    expect(granter).toContain('grant: ok: populate_physmap of them -> 3, 3, zeroed, as many pages as before');
    expect(granter).toContain('grant: ok: decrease_reservation of 100 -> 100, 100, more than are done at once');
    expect(granter).toContain('grant: ok: current_reservation at the end -> 2048, as at the start');
    expect(granter).toContain('grant: ok: take grant 8 back while mapped -> 25, refused');
    expect(granter).toContain('grant: ok: grant 8 unmapped -> 1, flags clear, domain 0\'s reply in the page');
    const gone = /^d1 \(granter\) powered off: destroyed, its memory scrubbed and freed$/m;
    await session.until('d1 to be gone', () => gone.test(session.log()));

    const logged = session.log().length;
    await session.debugKeys('g');
    await session.until('the grant table list', () => /Grant table of d0 .*\n  handle \d+: d1's grant 11 at 0x38012000, read-only\n/
      .test(session.log().slice(logged)));
    expect(session.log().slice(logged)).not.toContain('Grant table of d1');
    await session.type(0, 'k');
    expect(await session.exited()).toBe(0);
    const dom0 = session.console(0);
    expect(dom0).not.toContain('FAIL');
    expect(dom0).toMatch(/grant: done: \d+ passed, 0 failed/);
    expect(dom0).toContain('grant: ok: copy from d1\'s grant 8 -> 0, hello from d1');
    expect(dom0).toContain('grant: ok: map of read-only grant 9, writable -> -8, GNTST_permission_denied');
    expect(dom0).toContain('grant: ok: a batch of 100 copies -> 100, 100 done, each right');
    expect(dom0).toContain('grant: ok: a store to read-only grant 9 -> 7, a store access fault for it, the page unchanged');
    expect(dom0).toContain('grant: ok: a load where grant 9 was -> 5, a load access fault for it');
    expect(session.log()).toMatch(/d0v0 \(Domain-0\): store to guest-physical 0x38011000 in its window, not mapped so: an access fault/);
    expect(dom0).toContain('grant: ok: d1\'s page once d1 is gone -> -2, still mapped, as it was');
    expect(dom0).toContain('grant: ok: free pages after it -> 1, 1 more: its frame went back to the hypervisor');
  } finally {
    await session.stop();
  }
}

describe('grant tables on HyperLab', () => {
  it('let domain 0 copy and map what a DomU grants, and nothing else', { timeout: LONG },
    () => bothEnds(startHyperLab(options)));
});

describe('grant tables on QEMU', () => {
  const hasQemu = toolAvailable('qemu-system-riscv32', 'qemu-system-misc');
  it.skipIf(!hasQemu)('let domain 0 copy and map what a DomU grants, and nothing else', { timeout: LONG },
    () => bothEnds(startQemu(options)));
});
