// Vitest's global setup: the tests run the runner and the package as they
// are built (build/), so build them first when the sources have changed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildIsCurrent, ROOT } from '../bin/build-state.mjs';

export default function setup() {
  if (buildIsCurrent()) return;
  const built = spawnSync('node', ['scripts/build-package.mjs'], { cwd: fileURLToPath(ROOT), stdio: 'inherit' });
  if (built.status !== 0) throw new Error('scripts/build-package.mjs failed: the runner and the package could not be built');
}
