/*
 * The lab's first screen, end to end: isolation, boot, the console in both
 * directions, the controls (pause, resume, step, reset, speed) and the
 * harts' workers, against the production build.
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_AVAILABLE, CHROMIUM_MISSING } from './chromium.ts';
import {
  BUSY_MACHINE, CONSOLE_DEMO, DEFAULT_BANNER, expectConsole, openLab, retired, terminalText, typeLine,
} from './lab.ts';

test.skip(!CHROMIUM_AVAILABLE, CHROMIUM_MISSING);

test('the page is cross-origin isolated', async ({ page }) => {
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
});

test('the default machine boots and the console shows the guest\'s banner', async ({ page }) => {
  await openLab(page);
  await expectConsole(page, DEFAULT_BANNER);
  await expect(page.getByTestId('hart-0')).toBeVisible();
  await expect(page.getByTestId('hart-1')).toBeVisible();
});

test('the default machine boots the HyperLab kernel to a shell that answers', async ({ page }) => {
  await openLab(page);
  await expectConsole(page, /^\$ $/m);
  await typeLine(page, 'uname');
  await expectConsole(page, /^\$ uname\nHyperLab$/m);
});

test('typed input reaches the guest and its echo comes back', async ({ page }) => {
  await openLab(page, CONSOLE_DEMO);
  await expectConsole(page, /> $/m);
  await typeLine(page, 'hello from the keyboard');
  await expectConsole(page, /^> hello from the keyboard\necho: hello from the keyboard$/m);
  // A line typed faster than the guest reads it (longer than the UART's FIFO) arrives whole.
  const long = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(2);
  await typeLine(page, long);
  await expectConsole(page, new RegExp(`^echo: ${long}$`, 'm'));
});

test('an IPI from hart 0 wakes hart 1 in its own worker at once', async ({ page }) => {
  await openLab(page, CONSOLE_DEMO);
  await expectConsole(page, /> $/m);
  for (let n = 1; n <= 3; n++) {
    await expect.poll(() => page.evaluate(() => window.__hyperlab!.hartState(1))).toBe('waiting');
    await typeLine(page, 'ipi 1');
    // The guest gives hart 1 250 ms to answer: a worker woken only by its
    // sleep's timeout, not by Atomics.notify, would miss that.
    await expect.poll(async () => (await terminalText(page)).match(/^hart 1: woken by an IPI$/gm)?.length).toBe(n);
  }
  expect(await terminalText(page)).not.toContain('no answer');
});

test('pause freezes every hart\'s instruction count, and resume restarts it', async ({ page }) => {
  await openLab(page, BUSY_MACHINE);
  await expect.poll(async () => Math.min(...await retired(page))).toBeGreaterThan(1_000_000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect.poll(() => page.evaluate(() => window.__hyperlab!.runState())).toBe('paused');
  const frozen = await retired(page);
  await page.waitForTimeout(500);
  expect(await retired(page)).toEqual(frozen);
  for (const hart of [0, 1]) expect(await page.evaluate((h) => window.__hyperlab!.hartState(h), hart)).toBe('paused');

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(async () => {
    const now = await retired(page);
    return now.every((count, hart) => count > frozen[hart] + 100_000);
  }).toBe(true);
});

test('step advances exactly the requested number of instructions', async ({ page }) => {
  await openLab(page, BUSY_MACHINE);
  await expect.poll(async () => Math.min(...await retired(page))).toBeGreaterThan(100_000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect.poll(() => page.evaluate(() => window.__hyperlab!.runState())).toBe('paused');

  for (const [hart, count] of [[1, 1], [1, 1000], [0, 12345]] as const) {
    const before = await retired(page);
    await page.getByLabel('Hart to step').selectOption(String(hart));
    await page.getByLabel('Instructions to step').fill(String(count));
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('status')).toContainText(`hart ${hart} retired ${count.toLocaleString('en')} instruction`);
    const after = await retired(page);
    expect(after[hart] - before[hart]).toBe(count);
    expect(after[1 - hart]).toBe(before[1 - hart]);
  }
});

test('a hart\'s numbers change its own card only', async ({ page }) => {
  await openLab(page, BUSY_MACHINE);
  await expect.poll(async () => Math.min(...await retired(page))).toBeGreaterThan(100_000);
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('hart-0').locator('.hart-mips')).toHaveText('0 MIPS'); // the last second has passed
  await expect(page.getByTestId('hart-1').locator('.hart-mips')).toHaveText('0 MIPS');
  await page.evaluate(() => {
    const counts: Record<string, number> = {};
    (window as unknown as { mutations: Record<string, number> }).mutations = counts;
    for (const selector of ['[data-testid=hart-0]', '[data-testid=hart-1]', '.hardware-summary', '.mode-legend']) {
      counts[selector] = 0;
      new MutationObserver((records) => { counts[selector] += records.length; })
        .observe(document.querySelector(selector)!, { subtree: true, childList: true, characterData: true, attributes: true });
    }
  });
  const before = await page.getByTestId('hart-1').locator('.hart-retired').textContent();
  await page.getByLabel('Hart to step').selectOption('1');
  await page.getByLabel('Instructions to step').fill('250000');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(page.getByTestId('hart-1').locator('.hart-retired')).not.toHaveText(before!);
  const counts = await page.evaluate(() => (window as unknown as { mutations: Record<string, number> }).mutations);
  expect(counts['[data-testid=hart-1]']).toBeGreaterThan(0);
  expect(counts).toMatchObject({
    '[data-testid=hart-0]': 0, '.hardware-summary': 0, '.mode-legend': 0,
  });
});

test('the speed slider limits every hart', async ({ page }) => {
  await openLab(page, BUSY_MACHINE);
  await page.getByLabel('Speed').fill('3'); // 10^3 instructions per second
  await expect(page.locator('.speed-value')).toHaveText('1 k instr/s');
  await page.waitForTimeout(300); // let the workers see the new limit
  const before = await retired(page);
  await page.waitForTimeout(2000);
  const after = await retired(page);
  for (const hart of [0, 1]) {
    const perSecond = (after[hart] - before[hart]) / 2;
    expect(perSecond).toBeGreaterThan(500);
    expect(perSecond).toBeLessThan(1500);
  }
});

test('reset boots the machine again', async ({ page }) => {
  await openLab(page, CONSOLE_DEMO);
  await expectConsole(page, /> $/m);
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(async () => (await terminalText(page)).match(/HyperLab console demo/g)?.length).toBe(2);
  await typeLine(page, 'after reset');
  await expectConsole(page, /^echo: after reset$/m);
});

test('power off stops every hart and its worker; power on boots again', async ({ page }) => {
  await openLab(page, CONSOLE_DEMO);
  await expectConsole(page, /> $/m);
  await page.getByRole('button', { name: 'Power off' }).click();
  await expect.poll(() => page.evaluate(() => window.__hyperlab!.runState())).toBe('off');
  for (const hart of [0, 1]) expect(await page.evaluate((h) => window.__hyperlab!.hartState(h), hart)).toBe('off');
  await expect.poll(() => page.workers().length).toBe(0);
  await expect(page.getByTestId('status')).toContainText('Powered off');

  await page.getByRole('button', { name: 'Power on' }).click();
  await expect.poll(async () => (await terminalText(page)).match(/HyperLab console demo/g)?.length).toBe(2);
  await expect.poll(() => page.workers().length).toBe(2);
});

test('the guest rebooting through the test finisher boots again', async ({ page }) => {
  await openLab(page, CONSOLE_DEMO);
  await expectConsole(page, /> $/m);
  await typeLine(page, 'reboot');
  await expect.poll(async () => (await terminalText(page)).match(/HyperLab console demo/g)?.length).toBe(2);
  expect(await page.evaluate(() => window.__hyperlab!.runState())).toBe('running');
});

test('the guest powering off stops the machine and says so', async ({ page }) => {
  await openLab(page, CONSOLE_DEMO);
  await expectConsole(page, /> $/m);
  await typeLine(page, 'poweroff');
  await expect.poll(() => page.evaluate(() => window.__hyperlab!.runState())).toBe('stopped');
  await expect(page.getByTestId('status')).toContainText('The guest powered the machine off');
});

test('there is one worker per hart', async ({ page }) => {
  await openLab(page);
  await expect.poll(() => page.workers().length).toBe(2);
  const names = await Promise.all(page.workers().map((worker) => worker.evaluate(() => self.name)));
  expect(names.sort()).toEqual(['hart-0', 'hart-1']);

  await openLab(page, `${CONSOLE_DEMO}&harts=4`);
  await expectConsole(page, /HyperLab console demo: 4 harts/);
  await expect.poll(() => page.workers().length).toBe(4);
});

test('without cross-origin isolation the page explains why and how to fix it', async ({ page }) => {
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const help = page.getByTestId('isolation-help');
  await expect(help).toContainText('not cross-origin isolated');
  await expect(help).toContainText('Cross-Origin-Embedder-Policy: require-corp');
  expect(page.workers()).toHaveLength(0);
});
