/*
 * End-to-end tests (e2e/) against the production build served by
 * `vite preview`, in Debian's chromium (never a downloaded browser).
 * Without chromium they skip, printing how to install it; with CI=true a
 * missing chromium is a failure.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_AVAILABLE as available, CHROMIUM_MISSING, CHROMIUM_PATH } from './e2e/chromium.ts';

const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
const PORT = 4174;

if (!available) {
  if (ci) throw new Error(`e2e: ${CHROMIUM_MISSING}; with CI=true the end-to-end tests may not skip`);
  console.warn(`e2e: ${CHROMIUM_MISSING}; skipping the end-to-end tests`);
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // The emulated harts want the host's two cores to themselves: one test at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  forbidOnly: ci,
  reporter: 'list',
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    viewport: { width: 1400, height: 900 },
    trace: 'off',
  },
  webServer: available
    ? {
      command: `npx vite build --logLevel warn && npx vite preview --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}/`,
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: 'ignore',
    }
    : undefined,
});
