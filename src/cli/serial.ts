/*
 * The runner's serial ports, like QEMU's -serial: `--serial N=file:PATH`
 * appends UART N's output to a file; `--serial N=unix:PATH` listens on a
 * Unix-domain socket, created at start and removed at exit. A socket's
 * clients all get UART N's output, and what any of them sends is UART N's
 * input (held until the UART has room, like stdin). Output made while no
 * client is connected is kept (the last OUTPUT_KEPT_BYTES) for the first
 * client that connects. A connected client is input that may still come,
 * so the run does not stop as idle while one is connected.
 *
 * UART0 stays on stdin and stdout: N is 1..7.
 */
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { RecentBytes, type ConsoleStream, type LabMachine } from '../runtime/index.ts';

/** Output a socket keeps for its first client, in bytes. */
export const OUTPUT_KEPT_BYTES = 1 << 20;

/** Longest path of a Unix-domain socket: sockaddr_un's sun_path holds 108 bytes with the NUL. */
const SOCKET_PATH_MAX = 107;

export type SerialKind = 'file' | 'unix';

export interface SerialSpec {
  /** 1..7. */
  uart: number;
  kind: SerialKind;
  path: string;
}

/** A --serial option the runner cannot carry out; the message says why. */
export class SerialError extends Error {
  override name = 'SerialError';
}

/** UART N=file:PATH or N=unix:PATH. Throws SerialError. */
export function parseSerialOption(text: string): SerialSpec {
  const match = /^(\d+)=(file|unix):(.+)$/.exec(text);
  if (!match) throw new SerialError(`--serial '${text}' is not N=file:PATH or N=unix:PATH`);
  const uart = Number(match[1]);
  if (uart < 1 || uart > 7) {
    throw new SerialError(`--serial '${text}': N is a console UART, 1..7 (UART0 is on stdin and stdout)`);
  }
  return { uart, kind: match[2] as SerialKind, path: match[3] };
}

/** Every --serial option, each UART at most once. Throws SerialError. */
export function parseSerialOptions(texts: readonly string[]): SerialSpec[] {
  const specs = texts.map(parseSerialOption);
  specs.forEach((spec, i) => {
    if (specs.findIndex((other) => other.uart === spec.uart) !== i) {
      throw new SerialError(`--serial: UART ${spec.uart} is given twice`);
    }
  });
  return specs;
}

/** The option as the user wrote it, for messages. */
function optionText(spec: SerialSpec): string {
  return `--serial ${spec.uart}=${spec.kind}:${spec.path}`;
}

/** Throws SerialError unless the directory that is to hold `spec.path` exists. */
function checkDirectory(spec: SerialSpec): void {
  if (!existsSync(dirname(spec.path))) throw new SerialError(`${optionText(spec)}: there is no directory ${dirname(spec.path)}`);
}

/** An open serial port; close() flushes and frees it (and removes a socket's file). */
export interface SerialPort {
  close(): Promise<void>;
}

/** Appends the UART's output to the file at `path`. */
function openFilePort(spec: SerialSpec, console: ConsoleStream): SerialPort {
  checkDirectory(spec);
  let fd: number;
  try {
    fd = openSync(spec.path, 'a');
  } catch (error) {
    throw new SerialError(`${optionText(spec)}: cannot open the file: ${(error as Error).message}`);
  }
  const unsubscribe = console.onOutput((bytes) => writeSync(fd, bytes));
  return {
    close: async () => {
      unsubscribe();
      closeSync(fd);
    },
  };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A listening socket at `path` that carries the UART's output to its clients and their input to it. */
async function openSocketPort(spec: SerialSpec, console: ConsoleStream): Promise<SerialPort> {
  checkDirectory(spec);
  const length = Buffer.byteLength(spec.path);
  if (length > SOCKET_PATH_MAX) {
    // Linux would cut the name short and bind another path.
    throw new SerialError(`${optionText(spec)}: a socket's path has at most ${SOCKET_PATH_MAX} bytes, this one ${length}`);
  }
  if (existsSync(spec.path)) {
    throw new SerialError(`${optionText(spec)}: ${spec.path} already exists (a socket left by an earlier run? remove it)`);
  }
  const clients = new Set<Socket>();
  const kept = new RecentBytes(OUTPUT_KEPT_BYTES);
  const server = createServer((client) => {
    for (const chunk of kept.chunks()) client.write(chunk);
    kept.clear();
    clients.add(client);
    const release = console.holdInputOpen();
    client.on('data', (data) => console.write(data));
    client.on('error', () => {}); // a client that goes away is not the run's problem
    client.on('close', () => {
      clients.delete(client);
      release();
    });
  });
  try {
    await listen(server, spec.path);
  } catch (error) {
    throw new SerialError(`${optionText(spec)}: cannot listen there: ${(error as Error).message}`);
  }
  const unsubscribe = console.onOutput((bytes) => {
    if (clients.size === 0) kept.push(bytes);
    for (const client of clients) client.write(bytes);
  });
  return {
    close: async () => {
      unsubscribe();
      for (const client of clients) client.end(() => client.destroy()); // flush, then go, whatever the client does
      await new Promise((resolve) => server.close(resolve));
      rmSync(spec.path, { force: true });
    },
  };
}

/** Opens every port on `machine`'s UARTs; if one fails, closes those already open and throws SerialError. */
export async function openSerialPorts(machine: LabMachine, specs: readonly SerialSpec[]): Promise<SerialPort[]> {
  const ports: SerialPort[] = [];
  try {
    for (const spec of specs) {
      const console = machine.console(spec.uart);
      ports.push(spec.kind === 'file' ? openFilePort(spec, console) : await openSocketPort(spec, console));
    }
  } catch (error) {
    await closeSerialPorts(ports);
    throw error;
  }
  return ports;
}

export async function closeSerialPorts(ports: readonly SerialPort[]): Promise<void> {
  await Promise.all(ports.map((port) => port.close()));
}
