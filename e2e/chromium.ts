/*
 * Debian's chromium, as the end-to-end tests and the browser benchmark
 * start it: CHROMIUM_PATH or /usr/bin/chromium, never a downloaded browser.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the chromium to test with is installed. */
export const CHROMIUM_AVAILABLE = existsSync(CHROMIUM_PATH);

/** Why the end-to-end tests skip without it, and how to install it. */
export const CHROMIUM_MISSING =
  `no chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\`, or set CHROMIUM_PATH`;

/** Root needs --no-sandbox; the rest keep chromium off the (closed) network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
