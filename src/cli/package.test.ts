/*
 * The package as someone else gets it: `npm pack` of this checkout,
 * installed into an empty directory, where `npx hyperlab run` boots the
 * HyperLab shell from the compiled runner (the sources and tsx are not
 * there), the README's embedding example runs, and a TypeScript program
 * type-checks against the package's own declarations.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'hyperlab-package-'));
const app = join(scratch, 'app');

function run(command: string, args: string[], cwd: string, input = '') {
  const result = spawnSync(command, args, { cwd, input, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The README's embedding example: the first js block after its heading. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Embedding the machine'));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no js example under "Embedding the machine"');
  return block[1];
}

let files: string[] = [];

beforeAll(() => {
  // The build (build/) is the one vitest's global setup made current; packing must not rebuild it
  // under the feet of the other tests that run the runner meanwhile.
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], ROOT);
  expect(packed.status, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  files = info.files.map((file) => file.path);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const installed = run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(scratch, info.filename)], app);
  expect(installed.status, installed.stderr).toBe(0);
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed package', () => {
  it('holds the compiled runner, the firmware and the types, and no sources', () => {
    for (const file of ['bin/hyperlab.mjs', 'build/cli/hyperlab.mjs', 'build/lib/index.mjs',
      'build/types/runtime/index.d.ts', 'public/firmware/hyperlab.elf', 'public/firmware/hypervisor.elf']) {
      expect(files).toContain(file);
    }
    expect(files.some((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toBe(false);
  });

  it('installs with nothing else and boots the HyperLab shell with npx hyperlab run', () => {
    expect(readFileSync(join(app, 'package-lock.json'), 'utf8')).not.toContain('node_modules/tsx');
    const { status, stdout, stderr } = run('npx', ['--no-install', 'hyperlab', 'run', '--deterministic'], app,
      'uname\nhalt\n');
    expect(stderr).toBe('');
    expect(stdout).toContain('Welcome to HyperLab');
    expect(stdout).toMatch(/^HyperLab$/m);
    expect(status).toBe(0);
  });

  it('runs the README\'s embedding example', () => {
    writeFileSync(join(app, 'example.mjs'), readmeExample());
    const { status, stdout, stderr } = run('node', ['example.mjs'], app);
    expect(stderr).toBe('');
    expect(stdout).toContain('Hello from HyperLab, hart 0\n');
    expect(stdout).toContain('Hello from HyperLab, hart 1\n');
    expect(stdout).toContain('stopped: finisher\n');
    expect(status).toBe(0);
  });

  it('gives TypeScript programs its types', () => {
    writeFileSync(join(app, 'check.mts'), [
      "import { createThreadMachine, consoleTransport, ManagementClient, MANAGEMENT_UART, type DomainInfo, type LabMachine,",
      "  type StopReason } from 'hyperlab';",
      'const machine: LabMachine = createThreadMachine({ harts: 1, image: new Uint8Array(0) });',
      'const harts: number = machine.harts;',
      "const reason: StopReason = { kind: 'idle' };",
      '// @ts-expect-error: a console takes bytes or a string',
      'machine.console(0).write(42);',
      'const client = new ManagementClient(consoleTransport(machine.console(MANAGEMENT_UART)));',
      'const names = client.list().then(({ domains }: { domains: DomainInfo[] }) => domains.map((d) => d.name));',
      '// @ts-expect-error: a domain is named by its id or its name',
      'client.pause(true);',
      'export { harts, reason, names };',
      '',
    ].join('\n'));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true,
        lib: ['es2023', 'dom'], types: [], skipLibCheck: false,
      },
      files: ['check.mts'],
    }));
    const { status, stdout } = run(join(ROOT, 'node_modules/.bin/tsc'), ['-p', '.'], app);
    expect(stdout).toBe('');
    expect(status).toBe(0);
  });
});
