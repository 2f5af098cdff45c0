#!/usr/bin/env node
// `npm run bench:browser`: the machine in headless Chromium (src/cli/bench-browser.ts), run through tsx.
import { register } from 'tsx/esm/api';

register();
const { benchmarkBrowser } = await import('../src/cli/bench-browser.ts');
process.exitCode = await benchmarkBrowser();
