/*
 * Whose console each UART is, as the machine itself says it, and the
 * label a console's tab shows ("UART0 · hypervisor + Domain-0",
 * "UART2 · guest2 (d2)"). Nothing here is guessed from the image's name
 * or the page's address:
 *
 *  - UART0 is the console of every image: the board's device tree names
 *    it in /chosen's stdout-path (src/machine/fdt.ts).
 *  - A hypervisor says whose console each UART is in its log on UART0.
 *    HyperLab's (firmware/hv) writes every log line behind HV_LOG_PREFIX
 *    "(HV) " and announces each domain it builds, with its console
 *    (domain.c, log_domain()):
 *        (HV) d1 (guest1): HVM, 1 vCPU, 32 MiB, ..., console UART1
 *        (HV) d3 (guest3): HVM, ..., console UART0 as d3
 *    Its rule (console.c, console_attach()) gives each domain the lowest
 *    UART no other domain has, and a domain without one UART0 behind
 *    "(dN) "; the log is
 *    read rather than the rule applied, so that the labels follow what the
 *    hypervisor did (its built-in domains too, which the address does not
 *    name).
 *  - Its banner names the management port, the UART it passes through to
 *    domain 0 for the management daemon (main.c, banner()):
 *        (HV) scheduler: ...; consoles: UART0 ... UART6; management port: UART7, domain 0's
 *    That UART is the page's channel to domain 0, not a console.
 */

/** A domain whose console a UART carries. */
export interface DomainConsole {
  domain: number;
  name: string;
}

/** What the hypervisor's log has said about the UARTs. */
export interface ConsoleOwners {
  /** UART0 carries a hypervisor's log. */
  hypervisor: boolean;
  /** The domains on each UART, by UART number, in domain order. */
  domains: Readonly<Record<number, readonly DomainConsole[]>>;
  /** The UART the hypervisor gave domain 0 as its management port, if it said so. */
  managementPort?: number;
}

export const NO_OWNERS: ConsoleOwners = { hypervisor: false, domains: {} };

/** The prefix of the hypervisor's log lines (firmware/hv: HV_LOG_PREFIX). */
const HV_LOG_PREFIX = '(HV) ';
/** A domain's announcement, after the prefix: its id, its name and its console's UART. */
const DOMAIN_ANNOUNCEMENT = /^d(\d+) \(([^)]+)\): .*\bconsole UART(\d+)\b/;
/** The banner's naming of the management port, after the prefix. */
const MANAGEMENT_PORT = /; management port: UART(\d+), domain 0's$/;
/** Longer lines than this are no announcement: only their start is kept. */
const MAX_LINE = 512;

/** `owners` with domain `console.domain` on `uart` alone (a domain announced again may have moved). */
function withDomain(owners: ConsoleOwners, uart: number, console: DomainConsole): ConsoleOwners {
  const domains: Record<number, readonly DomainConsole[]> = {};
  for (const [key, list] of Object.entries(owners.domains)) {
    const others = list.filter((entry) => entry.domain !== console.domain);
    if (others.length > 0) domains[Number(key)] = others;
  }
  domains[uart] = [...(domains[uart] ?? []), console].sort((a, b) => a.domain - b.domain);
  return { ...owners, domains };
}

/** Reads UART0's output line by line for what the hypervisor's log says about the consoles. */
export class HypervisorLogReader {
  private readonly decoder = new TextDecoder();
  private partial = '';
  private owners = NO_OWNERS;

  /** Takes the next bytes of UART0; returns the owners when these bytes changed them. */
  read(bytes: Uint8Array): ConsoleOwners | undefined {
    const lines = (this.partial + this.decoder.decode(bytes, { stream: true })).split('\n');
    this.partial = lines.pop()!.slice(0, MAX_LINE);
    const before = this.owners;
    for (const line of lines) this.readLine(line.replace(/\r$/, ''));
    return this.owners === before ? undefined : this.owners;
  }

  private readLine(line: string): void {
    if (!line.startsWith(HV_LOG_PREFIX)) return;
    if (!this.owners.hypervisor) this.owners = { ...this.owners, hypervisor: true };
    const port = MANAGEMENT_PORT.exec(line);
    if (port && this.owners.managementPort !== Number(port[1])) this.owners = { ...this.owners, managementPort: Number(port[1]) };
    const announcement = DOMAIN_ANNOUNCEMENT.exec(line.slice(HV_LOG_PREFIX.length));
    if (!announcement) return;
    const [, domain, name, uart] = announcement;
    const known = this.owners.domains[Number(uart)]?.some((entry) => entry.domain === Number(domain) && entry.name === name);
    if (!known) this.owners = withDomain(this.owners, Number(uart), { domain: Number(domain), name });
  }
}

/** How a domain is named on a tab: Xen's name for domain 0, "name (dN)" for the others. */
function domainLabel({ domain, name }: DomainConsole): string {
  return domain === 0 ? name : `${name} (d${domain})`;
}

/** The label of UART `uart`'s console: its number, then what it carries, as far as the machine said. */
export function consoleLabel(uart: number, owners: ConsoleOwners): string {
  const carries: string[] = [];
  if (uart === 0) carries.push(owners.hypervisor ? 'hypervisor' : 'console');
  for (const domain of owners.domains[uart] ?? []) carries.push(domainLabel(domain));
  return carries.length > 0 ? `UART${uart} · ${carries.join(' + ')}` : `UART${uart}`;
}
