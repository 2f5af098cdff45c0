/*
 * What the page boots from its address, end to end: a kernel apart from
 * the firmware, boot modules named in the device tree's /chosen, and a
 * clear message for an address or a file the lab cannot use.
 */
import { expect, test, type Page } from '@playwright/test';
import { decodeFdt } from '../src/machine/fdt.ts';
import { CHROMIUM_AVAILABLE, CHROMIUM_MISSING } from './chromium.ts';
import { expectConsole, openLab, typeLine } from './lab.ts';

test.skip(!CHROMIUM_AVAILABLE, CHROMIUM_MISSING);

/** Opens the lab with `query` and returns the message it shows instead of a machine. */
async function startFailure(page: Page, query: string): Promise<string> {
  await page.goto(`/?${query}`);
  const alert = page.getByRole('alert');
  await expect(alert).toBeVisible();
  return (await alert.textContent()) ?? '';
}

test('the SBI firmware with kernel= boots the HyperLab kernel to its shell', async ({ page }) => {
  await openLab(page, 'image=firmware/sbi.elf&kernel=firmware/kernel.elf');
  await expectConsole(page, /^\$ $/m);
  await typeLine(page, 'uname');
  await expectConsole(page, /^\$ uname\nHyperLab$/m);
});

test('module= and domain= put kernels in RAM, named in /chosen', async ({ page }) => {
  await openLab(page, 'module=firmware/kernel.elf:console%3Dhvc0&domain=guest1:firmware/kernel.elf:memory=32:vcpus=2');
  await expectConsole(page, /^\$ $/m); // the image, which ignores them, boots as ever
  const blob = new Uint8Array(await page.evaluate(() => window.__hyperlab!.deviceTree()));
  const chosen = decodeFdt(blob).root.find('/chosen')!;
  const dom0 = chosen.children.find((node) => node.name.startsWith('module@'))!;
  expect(dom0.strings('compatible')).toEqual(['multiboot,kernel', 'multiboot,module']);
  expect(dom0.string('bootargs')).toBe('console=hvc0');
  const guest1 = chosen.child('guest1')!;
  expect(guest1.string('compatible')).toBe('xen,domain');
  expect(guest1.cells('memory')).toEqual([0, 32 * 1024]);
  expect(guest1.cells('cpus')).toEqual([2]);
  expect(guest1.children[0].cells('reg')![1]).toBe(dom0.cells('reg')![1]); // the same file twice
});

test('a bad parameter, a missing file and a file that is no kernel each say what is wrong', async ({ page }) => {
  expect(await startFailure(page, 'domain=guest1')).toContain("domain=: 'guest1' is not NAME:KERNEL");
  expect(await startFailure(page, 'harts=99')).toContain('harts=99: a whole number from 1 to 16');
  expect(await startFailure(page, 'module=firmware/missing.elf')).toContain('cannot load firmware/missing.elf');
  expect(await startFailure(page, 'domain=guest1:isolation-worker.js'))
    .toContain('guest1: isolation-worker.js is neither an ELF32 RISC-V executable nor a RISC-V Image');
  expect(page.workers()).toHaveLength(0);
});
