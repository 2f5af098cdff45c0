/*
 * `npm run bench:browser`: the machine in headless Chromium (Debian's,
 * never a downloaded one), harts in Web Workers.
 *
 *  1. MIPS of one hart in a worker, with the block compiler and without it,
 *     beside the same hart in Node (this process, the same sources and
 *     image) and Chromium's share of Node's figure (target: 90% or more),
 *     and the aggregate of two harts in two workers, each hart running the
 *     benchmark's kernels (public/firmware/bench-smp.elf, on bench.html: no
 *     UI shares the CPU), the fastest of RUNS runs each;
 *  2. how long two busy harts take to acknowledge a pause (control word);
 *  3. the CPU an idle, booted lab costs: the lab's page with its default
 *     image, at its prompt, measured as the CPU time of every process of
 *     the browser (from /proc) over a few seconds.
 *
 * It builds the site (vite build) and serves it with vite preview first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../../e2e/chromium.ts';
import type { BenchResult, ControlResult } from '../bench/page.ts';
import { totalRetired } from '../runtime/index.ts';
import { runImage } from './run.ts';

const RUNS = 3;
const IMAGE = 'firmware/bench-smp.elf';
/** Chromium's goal: this share of Node's MIPS on the same machine, or more. */
const BROWSER_SHARE_TARGET = 0.9;
const IDLE_SETTLE_MS = 3000;
const IDLE_MEASURE_MS = 10_000;

export async function benchmarkBrowser(): Promise<number> {
  if (!existsSync(CHROMIUM)) {
    console.error(`bench:browser: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    return 1;
  }
  console.log('building the site (vite build)...');
  await build({ logLevel: 'warn' });
  const server = await preview({ preview: { port: 4175, strictPort: false }, logLevel: 'warn' });
  const base = server.resolvedUrls?.local[0] ?? 'http://localhost:4175/';
  const browserServer = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const browser = await chromium.connect(browserServer.wsEndpoint());
  try {
    const version = browser.version();
    const cores = navigatorCores();
    console.log(`Chromium ${version}, ${cores} host cores\n`);
    for (const compile of [true, false]) {
      const mode = compile ? 'compiled' : 'interpreted';
      const one = await bestRun(browser, base, 1, compile);
      const node = await bestNodeRun(compile);
      const share = one.mips / node;
      console.log(`1 hart, ${mode}: ${one.mips.toFixed(1)} MIPS in Chromium (${format(one)}), ${node.toFixed(1)} MIPS in ` +
        `Node ${process.version}: ${(100 * share).toFixed(1)}% of Node (target: ${100 * BROWSER_SHARE_TARGET}% or more: ` +
        `${share >= BROWSER_SHARE_TARGET ? 'met' : 'NOT met'})`);
    }
    const one = await bestRun(browser, base, 1, true);
    const two = await bestRun(browser, base, 2, true);
    console.log(`2 harts: ${two.mips.toFixed(1)} MIPS aggregate, compiled  (${format(two)})`);
    console.log(`2 harts / 1 hart: ${(two.mips / one.mips).toFixed(2)}x (target >= 1.7x` +
      `${cores < 3 ? `; this host has ${cores} cores for the two workers, the page and the browser: not enough to show it` : ''})\n`);
    const control = await controlLatency(browser, base);
    console.log(`control words: ${control.pauses} pauses of 2 busy harts answered in ${control.medianMs.toFixed(2)} ms ` +
      `(median), ${control.maxMs.toFixed(2)} ms at most (target < 50 ms)\n`);
    const idle = await idleCpu(browser, base, browserServer.process().pid!);
    console.log(`idle booted lab (default image, 2 harts, UI running): ${idle.toFixed(1)}% of one core ` +
      `over ${IDLE_MEASURE_MS / 1000} s, all browser processes (target < 5%)`);
    return 0;
  } finally {
    await browser.close();
    await browserServer.close();
    await server.close();
  }
}

function format(result: BenchResult): string {
  const perHart = result.perHart.map((n) => `${(n / 1e6).toFixed(0)}M`).join(' + ');
  return `${perHart} instructions in ${result.seconds.toFixed(2)} s`;
}

function navigatorCores(): number {
  return readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((line) => line.startsWith('processor')).length;
}

/** Runs the SMP benchmark on one hart in Node RUNS times; returns the fastest run's MIPS. */
async function bestNodeRun(compile: boolean): Promise<number> {
  const bytes = readFileSync(new URL(`../../public/${IMAGE}`, import.meta.url));
  let best = 0;
  for (let run = 0; run < RUNS; run++) {
    let mips = 0;
    const status = await runImage(bytes, {
      harts: 1, compile, input: Readable.from([]), write: () => {},
      onStop: (machine, seconds) => { mips = totalRetired(machine) / seconds / 1e6; },
    });
    if (status !== 0) throw new Error(`the benchmark failed in Node (exit status ${status})`);
    best = Math.max(best, mips);
  }
  return best;
}

/** Runs the SMP benchmark on `harts` harts RUNS times; returns the fastest run. */
async function bestRun(browser: Browser, base: string, harts: number, compile: boolean): Promise<BenchResult> {
  let best: BenchResult | undefined;
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage();
    try {
      const result = await benchPage<BenchResult>(page,
        `${base}bench.html?harts=${harts}&image=${IMAGE}${compile ? '' : '&compile=0'}`);
      const passes = result.output.split('bench: pass').length - 1;
      if (passes !== harts) throw new Error(`the benchmark did not pass on every hart:\n${result.output}`);
      if (!best || result.mips > best.mips) best = result;
    } finally {
      await page.close();
    }
  }
  return best!;
}

async function benchPage<T extends BenchResult | ControlResult>(page: Page, url: string): Promise<T> {
  await page.goto(url);
  await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 300_000, polling: 200 });
  const result = await page.evaluate(() => window.__bench!);
  if ('error' in result) throw new Error(`bench page: ${result.error}`);
  return result as T;
}

/** How long two busy harts take to acknowledge a pause. */
async function controlLatency(browser: Browser, base: string): Promise<ControlResult> {
  const page = await browser.newPage();
  try {
    return await benchPage<ControlResult>(page, `${base}bench.html?harts=2&image=firmware/bench-smp.elf&control=40`);
  } finally {
    await page.close();
  }
}

/** Percent of one core the whole browser uses while the lab idles at its prompt. */
async function idleCpu(browser: Browser, base: string, browserPid: number): Promise<number> {
  const page = await browser.newPage();
  try {
    await page.goto(base);
    // The default image idles at its shell prompt.
    await page.waitForFunction(() => /^\$ $/m.test(window.__hyperlab?.terminalText() ?? ''), undefined,
      { timeout: 60_000, polling: 200 });
    await page.waitForTimeout(IDLE_SETTLE_MS);
    const before = processTreeTicks(browserPid);
    const started = performance.now();
    await page.waitForTimeout(IDLE_MEASURE_MS);
    const after = processTreeTicks(browserPid);
    const seconds = (performance.now() - started) / 1000;
    let ticks = 0;
    for (const [pid, count] of after) ticks += count - (before.get(pid) ?? 0);
    return (100 * ticks) / clockTicksPerSecond() / seconds;
  } finally {
    await page.close();
  }
}

/** CPU time (user + system, in clock ticks) of `root` and every process below it. */
function processTreeTicks(root: number): Map<number, number> {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after "pid (comm)": state ppid ... utime(14) stime(15), counted from 1.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parents.set(Number(entry), Number(fields[1]));
    ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
  }
  const tree = new Map<number, number>();
  for (const [pid, count] of ticks) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) {
      if (p === root) {
        tree.set(pid, count);
        break;
      }
    }
  }
  return tree;
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
