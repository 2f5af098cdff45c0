/*
 * Test helper (Node only): external tools some tests need.
 *
 * DESIGN.md: a test whose tool is missing skips with the install command
 * printed; under CI=true a missing tool is a failure.
 */

import { spawnSync } from 'node:child_process';

const checked = new Map<string, boolean>();

/**
 * True when `command` runs. When it does not: throws under CI=true, and
 * otherwise prints how to install `aptPackage` and returns false (skip).
 */
export function toolAvailable(command: string, aptPackage: string): boolean {
  let found = checked.get(command);
  if (found === undefined) {
    found = spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
    checked.set(command, found);
  }
  if (found) return true;
  const install = `apt-get install -y ${aptPackage}`;
  if (process.env.CI === 'true') throw new Error(`${command} is missing under CI=true; install it: ${install}`);
  console.warn(`skipping tests that need ${command}; install it: ${install}`);
  return false;
}
