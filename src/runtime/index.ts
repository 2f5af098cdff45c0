/*
 * The runtime's public API (api.ts) and its two machines: one Web Worker
 * per hart in the browser (workers.ts), or every hart in the calling thread
 * (thread.ts). The UI and the CLI import from here only.
 */
export type {
  ClockKind, ConsoleStream, HartCounters, HartRegisters, HartState, LabMachine, MachineOptions, RunState, StepResult,
  StopReason,
} from './api.ts';
export { createThreadMachine, type ThreadMachine, type ThreadMachineOptions } from './thread.ts';
export { createWorkerMachine, type WorkerMachine } from './workers.ts';
export { ImageError } from '../machine/elf.ts';
export {
  BootConfigError, MAX_BOOT_DOMAINS, moduleOwner, type BootDomain, type BootFile, type BootModule, type BootModuleSpec,
} from '../machine/boot-modules.ts';
export { RecentBytes } from './recent-bytes.ts';
export { parseBootModules, parseDomainOption, parseModuleOption, type BootOptionNames } from './boot-options.ts';
export { MODE_COUNT, MODE_NAMES, MODE_M, MODE_S, MODE_U, MODE_VS, MODE_VU } from '../machine/counters.ts';
export { MAX_HARTS, UART_COUNT } from '../machine/memory-map.ts';

import type { LabMachine, StopReason } from './api.ts';

/** Resolves when `machine` stops by itself or is powered off, with the reason. */
export function whenStopped(machine: LabMachine): Promise<StopReason> {
  return new Promise((resolve) => {
    const check = () => {
      const state = machine.state();
      const reason = machine.stopReason();
      if ((state === 'stopped' || state === 'off') && reason) {
        unsubscribe();
        resolve(reason);
      }
    };
    const unsubscribe = machine.onStateChange(check);
    check();
  });
}

/** Instructions retired by every hart of `machine`. */
export function totalRetired(machine: LabMachine): number {
  let total = 0;
  for (let hart = 0; hart < machine.harts; hart++) total += machine.hart(hart).retired();
  return total;
}
export {
  consoleTransport, MANAGEMENT_PROTOCOL, MANAGEMENT_UART, ManagementClient, ManagementError, type DomainInfo,
  type DomainRef, type Hello, type HostInfo, type LineTransport, type ManagementClientOptions, type ShutdownReason,
  type VcpuInfo,
} from './management.ts';
