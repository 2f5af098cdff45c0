#!/usr/bin/env node
/*
 * Builds what the package ships besides the firmware images (npm install's
 * `prepare`, `npm run build:package`), into build/:
 *
 *   build/cli/hyperlab.mjs   the runner (src/cli/main.ts), one file for Node
 *   build/lib/index.mjs      the machine API (src/runtime/index.ts), for Node
 *                            and browsers, with the hart worker beside it
 *   build/types/             its type declarations
 *   build/inputs.json        the sources all this was built from
 *                            (bin/build-state.mjs: is the build current?)
 *
 * build/cli sits two levels down, as src/cli does, so that the runner
 * finds public/firmware at the same relative place.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}/build`, { recursive: true, force: true });

const common = { root, configFile: false, logLevel: 'warn', publicDir: false };

const cli = await build({
  ...common,
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'build/cli',
    target: 'node20',
    minify: false,
    sourcemap: true,
    rolldownOptions: { output: { entryFileNames: 'hyperlab.mjs', format: 'es' } },
  },
});
const lib = await build({
  ...common,
  base: './',
  worker: { format: 'es' },
  build: {
    outDir: 'build/lib',
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: { entry: 'src/runtime/index.ts', formats: ['es'], fileName: () => 'index.mjs' },
  },
});

/** The files of this repository that went into the bundles, and what decides how they are built. */
// (The hart worker is bundled on its own and comes out as an asset: its entry is named here; what it
// imports, the machine, the thread machine imports too.)
const inputs = new Set(['scripts/build-package.mjs', 'tsconfig.json', 'tsconfig.package.json', 'package.json',
  'src/runtime/hart-worker.ts']);
for (const result of [cli, lib].flat()) {
  for (const chunk of result.output) {
    for (const id of chunk.moduleIds ?? []) {
      const file = id.split('?')[0];
      if (file.startsWith(root) && !file.includes('/node_modules/')) inputs.add(relative(root, file));
    }
  }
}

const types = spawnSync('npx', ['tsc', '-p', 'tsconfig.package.json'], { cwd: root, stdio: 'inherit' });
if (types.status !== 0) process.exit(types.status ?? 1);
statSync(`${root}/build/types/runtime/index.d.ts`);
// Written last: a build that stopped half-way is not current.
writeFileSync(`${root}/build/inputs.json`, `${JSON.stringify([...inputs].sort(), null, 1)}\n`);
