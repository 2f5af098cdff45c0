/*
 * Helpers of the end-to-end tests: opening the lab and reading it through
 * the page's test hook (window.__hyperlab, src/ui/test-hook.ts), never
 * through the renderer's DOM.
 */
import { expect, type Page } from '@playwright/test';

/** The default image's banner (src/ui/config.ts DEFAULT_IMAGE): the HyperLab kernel on both harts. */
export const DEFAULT_BANNER = /harts: 2 of 2 online/;

/** The console demo, named explicitly for the tests that drive its shell. */
export const CONSOLE_DEMO = 'image=firmware/console.elf';

/** Every hart busy: the benchmark's kernels on each hart, slowed so that it lasts the test (10 M instr/s per hart). */
export const BUSY_MACHINE = 'image=firmware/bench-smp.elf&speed=10000000';

/** Opens the lab with `query` and waits until its machine runs. */
export async function openLab(page: Page, query = ''): Promise<void> {
  await page.goto(query ? `/?${query}` : '/');
  await expect.poll(() => page.evaluate(() => window.__hyperlab?.runState()), { timeout: 20_000 }).toBe('running');
}

/** UART `uart`'s terminal text (UART0 by default). */
export function terminalText(page: Page, uart = 0): Promise<string> {
  return page.evaluate((n) => window.__hyperlab?.terminalText(n) ?? '', uart);
}

/** Instructions retired by each hart, read from shared memory. */
export function retired(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const hook = window.__hyperlab!;
    return Array.from({ length: hook.harts() }, (_, hart) => hook.retired(hart));
  });
}

/** Waits until UART `uart`'s terminal (UART0's by default) shows `pattern`. */
export async function expectConsole(page: Page, pattern: RegExp | string, uart = 0): Promise<void> {
  await expect.poll(() => terminalText(page, uart)).toMatch(pattern);
}

/** Types into UART `uart`'s terminal (UART0's by default) as a user does: click it, then the keyboard. */
export async function typeLine(page: Page, line: string, uart = 0): Promise<void> {
  await page.getByTestId(`console-${uart}`).click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}
