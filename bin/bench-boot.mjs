#!/usr/bin/env node
// `npm run bench:boot`: time from power-on to the shell prompt (src/cli/bench-boot.ts), run through tsx.
import { register } from 'tsx/esm/api';

register();
const { benchmarkBoot } = await import('../src/cli/bench-boot.ts');
process.exitCode = await benchmarkBoot(process.argv.slice(2));
