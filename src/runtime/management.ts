/*
 * The management client: the typed end of the protocol that domain 0's
 * management daemon speaks on the management port (UART7), version 1,
 * one JSON object per line each way (firmware/toolstack/mgmt.h is the
 * server's side and the protocol's description). Usable from the page
 * (over a worker machine's console) and from Node (a thread machine's, or
 * any line transport).
 *
 *   const client = new ManagementClient(consoleTransport(machine.console(MANAGEMENT_UART)));
 *   const { domains } = await client.list();
 *   await client.pause('web');
 */
import type { ConsoleStream } from './api.ts';

export const MANAGEMENT_PROTOCOL = 1;
/** The UART the hypervisor passes through to domain 0 as the management port. */
export const MANAGEMENT_UART = 7;

/** One vCPU of a domain, as the hypervisor reports it. */
export interface VcpuInfo {
  id: number;
  online: boolean;
  running: boolean;
  blocked: boolean;
  /** The pCPU it runs on, or last ran on. */
  cpu: number;
  timeNs: number;
  /** Its hard affinity: bit n set if it may run on pCPU n. */
  affinity: number;
}

export type ShutdownReason = 'poweroff' | 'reboot' | 'suspend' | 'crash' | 'watchdog' | 'soft_reset';

/** A domain: `xl list`'s facts and the hypervisor's counts (sums over its vCPUs). */
export interface DomainInfo {
  id: number;
  /** Its name (the toolstack's), or null if none is known. */
  name: string | null;
  /** xl list's six state letters, "r-----" ... "---sc-". */
  state: string;
  paused: boolean;
  shutdown: boolean;
  dying: boolean;
  shutdownReason: ShutdownReason | null;
  memKiB: number;
  maxMemKiB: number;
  cpuTimeNs: number;
  vcpus: VcpuInfo[];
  /** Exits by cause ("ecall from VS", "load guest-page fault", ...): only causes that happened. */
  exits: Record<string, number>;
  /** SBI calls by extension ("base", "time", "ipi", "rfence", "hsm", "srst", "dbcn", "legacy", "other"). */
  sbi: Record<string, number>;
  /** Hypercalls by Xen's name ("sched_op", "event_channel_op", ...). */
  hypercalls: Record<string, number>;
  /** Event channel notifications delivered to it. */
  events: number;
  /** EVTCHNOP_send calls it made. */
  sends: number;
  /** WFIs that blocked it. */
  wfi: number;
  mmio: { uart: number; plic: number };
  /** Time in the hypervisor handling its exits. */
  hypervisorNs: number;
}

export interface HostInfo {
  nrCpus: number;
  cpuKhz: number;
  totalMemKiB: number;
  freeMemKiB: number;
  xenVersion: string;
  scheduler: string;
  capabilities: string[];
}

export interface Hello {
  protocol: number;
  daemon: string;
  ops: string[];
}

/** A request the daemon refused, with its code ("ESRCH", "EINVAL", "bad-config", "bad-json", ...) and why. */
export class ManagementError extends Error {
  constructor(readonly code: string, message: string, readonly op: string) {
    super(`${op}: ${message} (${code})`);
    this.name = 'ManagementError';
  }
}

/** Lines each way. */
export interface LineTransport {
  send(line: string): void;
  /** Calls `listener` with each line received (without its newline). Returns a function that unsubscribes. */
  onLine(listener: (line: string) => void): () => void;
}

/** A console (a UART of the machine) as a line transport. */
export function consoleTransport(console: ConsoleStream): LineTransport {
  const decoder = new TextDecoder();
  let partial = '';
  const listeners = new Set<(line: string) => void>();
  console.onOutput((bytes) => {
    partial += decoder.decode(bytes, { stream: true });
    let end: number;
    while ((end = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, end).replace(/\r$/, '');
      partial = partial.slice(end + 1);
      for (const listener of listeners) listener(line);
    }
  });
  return {
    send: (line) => console.write(`${line}\n`),
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

interface Pending {
  op: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export type DomainRef = number | string;

export interface ManagementClientOptions {
  /** Milliseconds a request may wait for its reply before it fails (default 30 s; 0: for ever). */
  timeoutMs?: number;
}

export class ManagementClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscribers = new Set<(domains: DomainInfo[]) => void>();
  private readonly unlisten: () => void;
  private readonly timeoutMs: number;

  constructor(private readonly transport: LineTransport, options: ManagementClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.unlisten = transport.onLine((line) => this.receive(line));
  }

  /** Sends one request; resolves with its result, rejects with a ManagementError. */
  request<T>(op: string, args: Record<string, string | number | boolean> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = this.timeoutMs > 0
        ? setTimeout(() => {
          this.pending.delete(id);
          reject(new ManagementError('timeout', `no reply in ${this.timeoutMs} ms`, op));
        }, this.timeoutMs)
        : undefined;
      this.pending.set(id, { op, resolve: resolve as (result: unknown) => void, reject, timer });
      this.transport.send(JSON.stringify({ v: MANAGEMENT_PROTOCOL, id, op, ...args }));
    });
  }

  hello(): Promise<Hello> { return this.request('hello'); }
  host(): Promise<HostInfo> { return this.request('host'); }
  list(): Promise<{ domains: DomainInfo[] }> { return this.request('list'); }
  /** Creates and starts a domain from an xl.cfg text. */
  create(config: string): Promise<{ domid: number; name: string; warning?: string }> {
    return this.request('create', { config });
  }
  destroy(domain: DomainRef): Promise<Record<string, never>> { return this.request('destroy', { domain }); }
  shutdown(domain: DomainRef): Promise<Record<string, never>> { return this.request('shutdown', { domain }); }
  reboot(domain: DomainRef): Promise<Record<string, never>> { return this.request('reboot', { domain }); }
  pause(domain: DomainRef): Promise<Record<string, never>> { return this.request('pause', { domain }); }
  unpause(domain: DomainRef): Promise<Record<string, never>> { return this.request('unpause', { domain }); }
  memMax(domain: DomainRef, kib: number): Promise<Record<string, never>> { return this.request('mem-max', { domain, kib }); }
  memSet(domain: DomainRef, kib: number): Promise<Record<string, never>> { return this.request('mem-set', { domain, kib }); }
  vcpuSet(domain: DomainRef, vcpus: number): Promise<Record<string, never>> {
    return this.request('vcpu-set', { domain, vcpus });
  }
  /** Reads (and, given weight or cap, first sets) a domain's credit scheduler parameters. */
  schedCredit(domain: DomainRef, set: { weight?: number; cap?: number } = {}): Promise<{ weight: number; cap: number }> {
    return this.request('sched-credit', { domain, ...set });
  }

  /** Calls `listener` with the domain list whenever it changes (ids, states, memory, vCPUs online). */
  async subscribe(listener: (domains: DomainInfo[]) => void): Promise<() => Promise<void>> {
    this.subscribers.add(listener);
    if (this.subscribers.size === 1) await this.request('subscribe');
    return async () => {
      this.subscribers.delete(listener);
      if (this.subscribers.size === 0) await this.request('unsubscribe');
    };
  }

  /** Stops listening; requests still waiting fail. */
  close(): void {
    this.unlisten();
    for (const [id, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new ManagementError('closed', 'the client was closed', p.op));
      this.pending.delete(id);
    }
  }

  private receive(line: string): void {
    if (!line.startsWith('{')) return;          // the daemon's port may carry other text (its banner)
    let message: { v?: unknown; id?: unknown; ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown };
      event?: unknown; domains?: unknown };
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.v !== MANAGEMENT_PROTOCOL) return;
    if (message.event === 'domains' && Array.isArray(message.domains)) {
      for (const listener of this.subscribers) listener(message.domains as DomainInfo[]);
      return;
    }
    if (typeof message.id !== 'number') return;
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    if (p.timer) clearTimeout(p.timer);
    if (message.ok === true) p.resolve(message.result);
    else p.reject(new ManagementError(String(message.error?.code ?? 'error'), String(message.error?.message ?? ''), p.op));
  }
}
