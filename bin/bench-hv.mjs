#!/usr/bin/env node
// `npm run bench:hv`: what the hypervisor costs (src/cli/bench-hv.ts), run through tsx.
import { register } from 'tsx/esm/api';

register();
const { benchmarkHypervisor } = await import('../src/cli/bench-hv.ts');
process.exitCode = await benchmarkHypervisor(process.argv.slice(2));
