/*
 * The hypervisor image on the page, end to end: a console per UART it
 * uses (UART0: the hypervisor and Domain-0; UART1 and 2: the guests),
 * each its own kernel's shell, typed input going to the console that has
 * the focus, the grid, and the hart cards naming the guest a hart runs.
 */
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_AVAILABLE, CHROMIUM_MISSING } from './chromium.ts';
import { expectConsole, openLab, terminalText, typeLine } from './lab.ts';

test.skip(!CHROMIUM_AVAILABLE, CHROMIUM_MISSING);

const HYPERVISOR = 'image=firmware/hypervisor.elf&harts=2';
/** The HyperLab kernel's banner, then its shell's prompt. */
const SHELL_READY = /Welcome to HyperLab[^]*^\$ $/m;
const LABELS = ['UART0 · hypervisor + Domain-0', 'UART1 · guest1 (d1)', 'UART2 · guest2 (d2)'];

/** Opens the hypervisor image and waits until every domain's shell prompts on its console. */
async function openHypervisor(page: Page): Promise<void> {
  await openLab(page, HYPERVISOR);
  await expect.poll(() => page.evaluate(() => window.__hyperlab!.consoles())).toEqual([0, 1, 2]);
  for (const uart of [0, 1, 2]) await expectConsole(page, SHELL_READY, uart);
}

test('the hypervisor image has a console per domain, each labelled and each its own kernel\'s shell', async ({ page }) => {
  await openHypervisor(page);
  await expect(page.getByRole('tab')).toHaveText(LABELS);
  await expect(page.getByRole('tab', { name: LABELS[0] })).toHaveAttribute('aria-selected', 'true');
  expect(await terminalText(page, 0)).toMatch(/^\(HV\) d2 \(guest2\): .*console UART2$/m);
  for (const uart of [1, 2]) expect(await terminalText(page, uart)).not.toContain('(HV)');
});

test('what is typed into guest2\'s console reaches guest2 alone', async ({ page }) => {
  await openHypervisor(page);
  await page.getByRole('tab', { name: LABELS[2] }).click();
  await expect(page.getByTestId('console-2')).toBeVisible();
  await expect(page.getByTestId('console-0')).toBeHidden();
  await typeLine(page, 'uname -a', 2);
  await expectConsole(page, /^\$ uname -a\nHyperLab hyperlab \S+ native riscv32\n\$ $/m, 2);
  for (const uart of [0, 1]) expect(await terminalText(page, uart)).not.toContain('uname');
});

test('the grid shows the consoles side by side, the same terminals, each typed into by itself', async ({ page }) => {
  await openHypervisor(page);
  const terminals = page.locator('.terminal-box .xterm');
  await page.getByRole('tab', { name: LABELS[1] }).click(); // opens UART1's terminal
  await terminals.evaluateAll((all) => all.forEach((element, i) => element.setAttribute('data-first-seen', String(i))));
  const seen = await terminals.evaluateAll((all) => all.map((element) => element.getAttribute('data-first-seen')));

  await page.getByRole('button', { name: 'Grid' }).click();
  for (const uart of [0, 1, 2]) await expect(page.getByTestId(`console-${uart}`)).toBeVisible();
  await typeLine(page, 'echo grid one', 1);
  await expectConsole(page, /^\$ echo grid one\ngrid one$/m, 1);
  await expect(page.getByRole('tab', { name: LABELS[1] })).toHaveAttribute('aria-selected', 'true'); // the focus chose it
  for (const uart of [0, 2]) expect(await terminalText(page, uart)).not.toContain('grid one');

  await page.getByRole('button', { name: 'Grid' }).click();
  await expect(page.getByTestId('console-1')).toBeVisible();
  await expect(page.getByTestId('console-0')).toBeHidden();
  // The terminals that were open are the same elements: switching never re-created one.
  expect((await terminals.evaluateAll((all) => all.map((element) => element.getAttribute('data-first-seen')))).slice(0, seen.length))
    .toEqual(seen);
});

test('a hart card shows the VMID of the guest the hart runs', async ({ page }) => {
  await openHypervisor(page);
  await page.getByRole('tab', { name: LABELS[1] }).click();
  await typeLine(page, 'bench', 1); // keeps guest1's vCPU busy in VU- and VS-mode for a few seconds
  // Checked in every frame, as the card may show it for a moment only.
  const shown = await page.waitForFunction(() => [...document.querySelectorAll('[data-testid^=hart-] .hart-guest')]
    .map((element) => element.textContent ?? '').find((text) => /VMID/.test(text)), undefined, { polling: 'raf' });
  expect(await shown.jsonValue()).toMatch(/^ guest \(V=1\) · VMID [0-2]$/); // the hypervisor's three domains
});
