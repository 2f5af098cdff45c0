#!/usr/bin/env node
// The `hyperlab` command: the runner as scripts/build-package.mjs built it
// (build/cli, made by npm install's `prepare`). In a checkout whose
// sources have changed since, or that has no build, it runs the sources
// through tsx instead, so that what runs is what the sources say.
import { BUILT_RUNNER, buildIsCurrent } from './build-state.mjs';

let main;
if (buildIsCurrent()) {
  ({ main } = await import(BUILT_RUNNER.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
