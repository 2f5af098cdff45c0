/*
 * Debian's chromium, as the end-to-end tests and the browser benchmark
 * start it: CHROMIUM_PATH or /usr/bin/chromium, never a downloaded browser.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Root needs --no-sandbox; the rest keep chromium off the (closed) network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
