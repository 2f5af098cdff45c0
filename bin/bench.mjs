#!/usr/bin/env node
// `npm run bench`: the CPU benchmark (src/cli/bench.ts), run through tsx.
import { register } from 'tsx/esm/api';

register();
const { benchmark } = await import('../src/cli/bench.ts');
process.exitCode = await benchmark(process.argv.slice(2));
