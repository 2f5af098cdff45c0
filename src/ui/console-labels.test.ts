/*
 * The consoles' labels: what UART0 is for every image, and whose console
 * each UART is as the hypervisor's log on UART0 announces it (and only as
 * it announces it).
 */
import { describe, expect, it } from 'vitest';
import { consoleLabel, HypervisorLogReader, NO_OWNERS, type ConsoleOwners } from './console-labels.ts';

/** The start of UART0 on public/firmware/hypervisor.elf, as it prints it (CR LF). */
const HYPERVISOR_BOOT = [
  'HyperLab SBI v0.1 (SBI specification v2.0)',
  '  next: 0x80400000 in S-mode',
  '',
  '(HV) HyperLab hypervisor 0.1, HS-mode, on 2 pCPUs, 128 MiB of RAM at 0x80000000',
  '(HV) scheduler: credit, 30 ms slices; timebase 10000000 Hz; consoles: UART0 UART1 UART2 UART3 UART4 UART5 UART6; management port: UART7, domain 0\'s',
  '(HV) d0 (Domain-0): HVM, 1 vCPU, 32 MiB, weight 256, kernel 1117236 bytes, console UART0',
  'Welcome to HyperLab. Type help for the commands.',
  '(HV) d1 (guest1): HVM, 1 vCPU, 16 MiB, weight 256, built by domain 0, console UART1',
  '(HV) d2 (guest2): HVM, 1 vCPU, 16 MiB, weight 256, built by domain 0, console UART2',
  '$ ',
].join('\r\n');

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `text` to a reader in chunks of `size` bytes; returns the owners it ended with. */
function ownersAfter(text: string, size = text.length): ConsoleOwners {
  const reader = new HypervisorLogReader();
  const all = bytes(text);
  let owners = NO_OWNERS;
  for (let at = 0; at < all.length; at += size) owners = reader.read(all.subarray(at, at + size)) ?? owners;
  return owners;
}

const labels = (owners: ConsoleOwners, uarts = [0, 1, 2, 3]) => uarts.map((uart) => consoleLabel(uart, owners));

describe('console labels', () => {
  it('call UART0 the console when no hypervisor speaks, and the other UARTs by number', () => {
    const owners = ownersAfter('HyperLab kernel 0.1 (native), riscv32 Sv32\r\n$ ');
    expect(owners).toEqual(NO_OWNERS);
    expect(labels(owners)).toEqual(['UART0 · console', 'UART1', 'UART2', 'UART3']);
  });

  it('name the hypervisor and each domain on the UART the hypervisor gave its console', () => {
    expect(labels(ownersAfter(HYPERVISOR_BOOT))).toEqual([
      'UART0 · hypervisor + Domain-0', 'UART1 · guest1 (d1)', 'UART2 · guest2 (d2)', 'UART3',
    ]);
  });

  it('learn the management port from the banner, and none from an image without one', () => {
    expect(ownersAfter(HYPERVISOR_BOOT).managementPort).toBe(7);
    expect(ownersAfter(HYPERVISOR_BOOT.replace(/; management port: UART7, domain 0's/, '')).managementPort).toBeUndefined();
  });

  it('read lines split anywhere between chunks, a byte at a time too', () => {
    expect(ownersAfter(HYPERVISOR_BOOT, 1)).toEqual(ownersAfter(HYPERVISOR_BOOT));
    expect(ownersAfter(HYPERVISOR_BOOT, 7)).toEqual(ownersAfter(HYPERVISOR_BOOT));
  });

  it('put a domain without a UART of its own on UART0, beside Domain-0', () => {
    const owners = ownersAfter(`${HYPERVISOR_BOOT}\r\n(HV) d8 (web): HVM, 1 vCPU, 8 MiB, weight 256, console UART0 as d8\r\n`);
    expect(consoleLabel(0, owners)).toBe('UART0 · hypervisor + Domain-0 + web (d8)');
  });

  it('take no announcement from a line that is not the hypervisor\'s', () => {
    const owners = ownersAfter('d1 (fake): HVM, console UART1\r\n(d3) (HV) d1 (fake): HVM, console UART1\r\n');
    expect(labels(owners, [0, 1])).toEqual(['UART0 · console', 'UART1']);
  });

  it('report a change only when the owners changed, and follow a domain built again elsewhere', () => {
    const reader = new HypervisorLogReader();
    expect(reader.read(bytes(HYPERVISOR_BOOT))).toBeDefined();
    expect(reader.read(bytes('\r\n(HV) d1 (guest1): HVM, 1 vCPU, console UART1\r\n'))).toBeUndefined(); // rebooted, same place
    expect(reader.read(bytes('(HV) d1 (guest1) rebooted: building it again\r\n'))).toBeUndefined();
    const moved = reader.read(bytes('(HV) d1 (guest1): HVM, 1 vCPU, console UART0 as d1\r\n'))!;
    expect(labels(moved, [0, 1])).toEqual(['UART0 · hypervisor + Domain-0 + guest1 (d1)', 'UART1']);
  });
});
