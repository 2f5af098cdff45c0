// Whether build/ (scripts/build-package.mjs) is the build of the sources
// in this checkout: it exists, and none of the sources it lists in
// build/inputs.json is newer. In an installed package the sources are not
// there, and the build is what there is.
import { existsSync, readFileSync, statSync } from 'node:fs';

export const ROOT = new URL('../', import.meta.url);
export const BUILT_RUNNER = new URL('build/cli/hyperlab.mjs', ROOT);
const INPUTS = new URL('build/inputs.json', ROOT);

export function buildIsCurrent() {
  if (!existsSync(BUILT_RUNNER) || !existsSync(INPUTS)) return false;
  const builtAt = statSync(INPUTS).mtimeMs;
  return JSON.parse(readFileSync(INPUTS, 'utf8')).every((file) => {
    const source = new URL(file, ROOT);
    return !existsSync(source) || statSync(source).mtimeMs <= builtAt;
  });
}
