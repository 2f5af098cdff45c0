/*
 * `hyperlab run --serial` as a user meets it: a program (firmware/runner/
 * serial.c) greets on every console UART and answers each line on the UART
 * it came from; its UARTs go to a file and to Unix-domain sockets that a
 * client connects to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const SERIAL_PROGRAM = join(ROOT, 'public/firmware/runner/serial.elf');
const scratch = mkdtempSync(join(tmpdir(), 'hyperlab-serial-'));

interface Run {
  child: ChildProcess;
  stdout(): string;
  exited: Promise<number | null>;
}

function startRunner(args: string[]): Run {
  const child = spawn('node', [join(ROOT, 'bin/hyperlab.mjs'), 'run', SERIAL_PROGRAM, ...args]);
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('latin1')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, exited };
}

/** Polls `condition` every 20 ms until it holds; fails after 30 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 30_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Client {
  socket: Socket;
  text(): string;
}

/** Connects to the socket at `path` once the runner has made it. */
async function connectClient(path: string): Promise<Client> {
  await until(() => existsSync(path), `the socket ${path}`);
  const socket = connect(path);
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, text: () => text };
}

const greeting = (n: number) => `uart${n} at 0x1001${n}000, IRQ ${11 + n}: type a line; quit powers off\n`;

/** Runs the program with UART n on a socket and connects a client, which gets the greeting made before it came. */
async function runWithSocket(n: number): Promise<{ path: string; run: Run; client: Client }> {
  const path = join(scratch, `uart${n}`);
  const run = startRunner(['--serial', `${n}=unix:${path}`]);
  const client = await connectClient(path);
  await until(() => client.text() === greeting(n), `uart${n}'s greeting`);
  return { path, run, client };
}

describe('hyperlab run --serial', () => {
  it('appends UART n\'s output to a file', async () => {
    const log = join(scratch, 'uart2.log');
    writeFileSync(log, 'from before\n');
    const run = startRunner(['--serial', `2=file:${log}`]);
    await until(() => run.stdout().includes('console UARTs'), 'the program to start');
    run.child.stdin!.end('quit\n');
    expect(await run.exited).toBe(0);
    expect(readFileSync(log, 'latin1')).toBe(`from before\n${greeting(2)}`);
    expect(run.stdout()).not.toContain('uart2 at');
  });

  it('connects UART n to a Unix socket: kept output on connect, input in, answers out', async () => {
    const { path, run, client } = await runWithSocket(3);
    // stdin ends: the connected client is input that may still come, so the run goes on.
    run.child.stdin!.end();
    await new Promise((resolve) => setTimeout(resolve, 500));
    client.socket.write('ping\n');
    await until(() => client.text().endsWith('uart3: ping\n'), 'the answer to ping');
    const second = await connectClient(path);
    client.socket.write('quit\n');
    expect(await run.exited).toBe(0);
    await until(() => second.text().endsWith('uart3: quit\n'), 'the second client\'s copy of the answer');
    expect(client.text()).toBe(`${greeting(3)}uart3: ping\nuart3: quit\n`);
    expect(run.stdout()).toBe('serial: 7 console UARTs; type on any, quit powers off\n');
    expect(existsSync(path)).toBe(false);
  });

  it('counts the run as idle once the last client has gone and stdin has ended', async () => {
    const { path, run, client } = await runWithSocket(5);
    run.child.stdin!.end();
    client.socket.end();
    expect(await run.exited).toBe(124);
    expect(existsSync(path)).toBe(false);
  });
});
