/*
 * Domain 0 building a domain as Xen's toolstack does (firmware/guests/
 * builder.c with firmware/toolstack/xc.c and xlcfg.c), on HyperLab and on
 * QEMU: an xl.cfg read (and bad ones refused with xl's wording), createdomain, max_mem, populate_physmap, foreign mappings to load the
 * native kernel and write its device tree, setvcpucontext, an affinity,
 * unpause; the new domain's kernel boots on its own console and answers
 * there, and its halt leaves it kept for the toolstack, which destroys it.
 * Then xl (firmware/toolstack/xl.c) lists the domains, their vCPUs and
 * the host in xl's formats, pauses and unpauses, pins a vCPU, creates a
 * domain from a config file and destroys it, with xl's errors for bad
 * input. Bad arguments along the way get their errors, a DomU gets
 * -EPERM, and no frame is lost.
 */
import { describe, expect, it } from 'vitest';
import { toolAvailable } from '../machine/testing/tools.ts';
import { consoleOf, guest, prompts, startHyperLab, startQemu, type HvOptions, type HvSession } from './hv-session.ts';

const LONG = 600_000;
const BUILDER = guest('builder.elf');

const options: HvOptions = {
  harts: 2,
  dom0: { file: BUILDER, bootargs: 'dom0' },
  domains: [{ name: 'bystander', file: BUILDER, memoryMiB: 8 }],
};

async function build(session: HvSession): Promise<void> {
  try {
    const said = (id: number, text: string) => () => session.console(id).includes(text);
    await session.until('domain 0 to ask for a key', said(0, 'builder: type a key\n'));
    // d3: the scratch domain before it was d2, and ids go up. Its console: the lowest free UART (UART2; on QEMU, UART0).
    await session.until('d3 described', () => consoleOf(session, 3) >= 0);
    const d3 = consoleOf(session, 3);
    await session.until('d3\'s kernel', said(d3, 'Welcome to HyperLab.'));
    await session.attach(d3);
    await session.until('d3\'s prompt', () => prompts(session.console(d3)) > 0);
    expect(session.log()).toContain('d3 created by domain 0: 2 vCPUs, no memory yet, paused');

    const seen = prompts(session.console(d3));
    await session.type(d3, 'uname -a\n');
    await session.until('d3\'s answer', () => prompts(session.console(d3)) > seen);
    expect(session.console(d3)).toMatch(/HyperLab/);
    await session.type(d3, 'halt\n');
    await session.until('d3 to be kept', () => session.log().includes('d3 (d3) powered off: kept for domain 0\'s toolstack'));
    await session.type(0, 'k');
    expect(await session.exited()).toBe(0);

    const dom0 = session.console(0);
    expect(dom0).not.toContain('FAIL');
    expect(dom0).toMatch(/builder: done: \d+ passed, 0 failed/);
    expect(dom0).toContain('builder: ok: web.cfg with memory=16 -> 1, web, 16 MiB, 2 vCPUs on pCPU 1, on_crash preserve');
    expect(dom0).toContain("builder: ok: an xl.cfg -> 0, guest.cfg:2: config parsing error near `=': syntax error");
    expect(dom0).toContain('builder: ok: an xl.cfg -> 0, vcpus (line 3): must be from 1 to 8');
    expect(dom0).toContain('builder: ok: an xl.cfg -> 0, on_crash (line 5): coredump-* is not supported here');
    expect(dom0).toContain('builder: ok: an xl.cfg -> 0, warning: memroy (line 3) is not a setting xl knows: ignored');
    expect(dom0).toContain('builder: ok: createdomain, DOMID_ANY, 2 vCPUs -> 0, d3');
    expect(dom0).toContain('builder: ok: createdomain as d1, which exists -> -17, -EEXIST');
    expect(dom0).toContain('builder: ok: the native kernel built into d3 -> 0');
    expect(dom0).toContain('builder: ok: a batch of 100 foreign maps, one bad -> 0');
    expect(dom0).toContain('builder: ok: getvcpuinfo of d3\'s vCPU 0 -> 0, online, ran, on pCPU 1');
    expect(dom0).toContain('builder: ok: d3 after its halt');
    expect(dom0).toContain('builder: ok: the kept mapping once d3 is gone -> 0, the kernel\'s bytes still');
    expect(dom0).toContain('builder: ok: free pages after it -> 1');
    expect(dom0).toContain('builder: ok: free pages against before createdomain -> 0, 0 missing');

    // xl's own formats, times masked
    const masked = dom0.replace(/ +\d+\.\d(  |\n)/g, ' T$1');
    expect(masked).toContain('# xl list\nName                                        ID   Mem VCPUs\tState\tTime(s)\n'
      + 'Domain-0                                     0    32     1     r----- T\n'
      + 'bystander                                    1     8     1     -b---- T\n'
      + 'web                                          3    16     2     -b---- T\n');
    expect(masked).toContain('# xl vcpu-list web\nName                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n'
      + 'web                                  3     0     1   -b- T  1,7 / all\n');
    expect(masked).toMatch(/# xl list web\n.*\nweb {42}3    16     2     -bp--- T\n/);
    expect(dom0).toMatch(/# xl info\nhost {19}: hyperlab\n(.*\n)*nr_cpus {16}: 2\n(.*\n)*virt_caps {14}: hvm hap\n(.*\n)*xen_scheduler {10}: credit\n/);
    expect(dom0).toContain('# xl sched-credit\nCpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us\n');
    expect(dom0).toContain('# xl unpause web\nlibxl: error: Unpausing domain 3: not paused\nbuilder: xl exit 1\n');
    expect(dom0).toContain('# xl pause nosuch\nnosuch is an invalid domain identifier (rc=-6)\n');
    expect(dom0).toContain('# xl destroy 0\nNot destroying domain 0; use -f to force.\n');
    expect(dom0).toContain('# xl create /etc/xen/small.cfg vcpus=9\nParsing config from /etc/xen/small.cfg\n'
      + 'vcpus (command line): must be from 1 to 8\nFailed to parse config: Invalid argument\n');
    expect(masked).toMatch(/# xl list small\n.*\nsmall {40}4     8     1     [r-][b-]---- T\n/);
    expect(dom0).toContain('builder: ok: small after xl destroy -> -3, -ESRCH');
    expect(dom0).toMatch(/# xl top -b -d 1\nxentop - \d\d:\d\d:\d\d   Xen 0\.1\n3 domains: \d running, \d blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown \n/);
    expect(dom0).toContain('      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) '
      + 'VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n');
    expect(dom0).toMatch(/\n {7}web [-dsbcpr]{6} +\d+ +\d+\.\d +16392 +\d+\.\d +16392 +\d+\.\d +2 /);     // 16 MiB and its two special frames

    const bystander = session.console(1);
    expect(bystander).not.toContain('FAIL');
    expect(bystander).toContain('builder: ok: createdomain from a DomU -> -1, -EPERM');
    expect(bystander).toContain('builder: ok: foreign map of domain 0\'s frame from a DomU -> -1, -EPERM');
    expect(bystander).toMatch(/builder: done: \d+ passed, 0 failed/);
  } finally {
    await session.stop();
  }
}

describe('a domain built by domain 0 on HyperLab', () => {
  it('boots the kernel domain 0 loaded, answers on its console, is kept at its halt until destroyed; xl reads as Xen\'s',
    { timeout: LONG }, () => build(startHyperLab(options)));
});

describe('a domain built by domain 0 on QEMU', () => {
  const hasQemu = toolAvailable('qemu-system-riscv32', 'qemu-system-misc');
  it.skipIf(!hasQemu)('boots the kernel domain 0 loaded, answers on its console, is kept at its halt until destroyed; xl reads as Xen\'s',
    { timeout: LONG }, () => build(startQemu(options)));
});
