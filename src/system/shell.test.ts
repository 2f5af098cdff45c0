/*
 * Boot-and-drive tests of the HyperLab stack (SBI firmware, kernel, shell
 * and programs): one session typed at the shell on HyperLab with 1 and 4
 * harts (deterministic clock) and on QEMU with 4 harts, the reference.
 *
 * Each line's output is checked on every machine, and the transcripts must
 * match across machines once the figures that depend on timing are masked
 * (uptime, CPU times, the hart a process happens to run on, bench figures).
 * Between 1 and 4 harts the hart count itself is masked too.
 *
 * HYPERLAB_TRANSCRIPTS=DIR keeps what was typed (DIR/input) and each
 * machine's console (DIR/one, DIR/four, DIR/qemu); `node bin/hyperlab.mjs
 * run ... --deterministic < DIR/input` replays a HyperLab session.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toolAvailable } from '../machine/testing/tools.ts';
import { FIRMWARE, countBoots, drive, hyperlab, qemu, type Step, type Transcript } from './console-session.ts';
import { renderLine } from './terminal.ts';

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const HOME = '\x1b[H';
const END = '\x1b[F';
const DELETE = '\x1b[3~';
const BACKSPACE = '\x7f';
const CTRL_A = '\x01';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_E = '\x05';
const CTRL_K = '\x0b';
const CTRL_U = '\x15';
const ENTER = '\r';

const PROGRAMS = ['sh', 'help', 'echo', 'cat', 'ls', 'ps', 'kill', 'uptime', 'free', 'uname', 'dmesg', 'clear',
  'sleep', 'cpuinfo', 'hexdump', 'halt', 'reboot', 'bench', 'crash'];

/** A line typed at the prompt, and what its output must show on every machine. */
interface Case extends Step {
  name: string;
  /** The command line the editor must have left on screen (default: keys without Enter). */
  shows?: string;
  check: (output: string) => void;
}

const line = (keys: string, name: string, check: Case['check'], extra: Partial<Case> = {}): Case =>
  ({ keys: keys + ENTER, name, check, ...extra });

/** `name[pid]: killed: FAULT at 0xADDRESS (pc 0xPC)`, the kernel's message for a faulting program. */
const killed = (fault: string, address: string) =>
  new RegExp(`^crash\\[\\d+\\]: killed: ${fault} at ${address} \\(pc 0x[0-9a-f]{8}\\)$`, 'm');

const SESSION: Case[] = [
  line('help', 'help lists every program', (out) => {
    for (const program of PROGRAMS.filter((p) => p !== 'sh')) expect(out).toMatch(new RegExp(`^  ${program}\\b`, 'm'));
  }),
  line('echo hello,   world', 'echo prints its arguments', (out) => expect(out).toBe('hello, world\n')),
  line(`echo "two  blanks" 'and quotes'`, 'quotes keep blanks', (out) => expect(out).toBe('two  blanks and quotes\n')),
  line('echo one; echo two;echo three', 'a semicolon separates commands', (out) => expect(out).toBe('one\ntwo\nthree\n')),
  line('ls', 'ls lists the initramfs', (out) => {
    for (const program of PROGRAMS) expect(out).toMatch(new RegExp(`^${program} +\\d+$`, 'm'));
    expect(out).toMatch(/^README +\d+$/m);
    expect(out).toMatch(/^\d+ files, \d+ bytes$/m);
  }),
  line('cat README', 'cat prints a file', (out) => expect(out).toMatch(/^HyperLab: a small Unix-like kernel/)),
  line('cat nosuch', 'cat names a missing file', (out) => expect(out).toBe('cat: nosuch: no such file or directory\n')),
  { keys: `cat${ENTER}typed line${ENTER}${CTRL_D}`, name: 'cat copies the console until Ctrl-D', shows: 'cat',
    check: (out) => expect(out).toBe('typed line\ntyped line\n') },
  line('hexdump README 0 20', 'hexdump shows bytes and text', (out) => expect(out).toBe(
    '00000000  48 79 70 65 72 4c 61 62  3a 20 61 20 73 6d 61 6c  |HyperLab: a smal|\n' +
    '00000010  6c 20 55 6e                                       |l Un|\n' +
    '00000014\n')),
  line('hexdump sh 0 4', 'programs are ELF files', (out) => expect(out).toMatch(/^00000000  7f 45 4c 46 /)),
  line('hexdump', 'hexdump without a file gives its usage', (out) => expect(out).toBe('usage: hexdump FILE [OFFSET [LENGTH]]\n')),
  line('uname', 'uname names the kernel', (out) => expect(out).toBe('HyperLab\n')),
  line('uname -a', 'uname -a names everything', (out) => expect(out).toMatch(/^HyperLab hyperlab \S+ native riscv32\n$/)),
  line('uname -x', 'uname rejects an unknown flag', (out) => expect(out).toBe('usage: uname [-asnrvm]\n')),
  line('uptime', 'uptime', (out) => expect(out).toMatch(/^up 0:00:\d\d\.\d{3}, \d+ processes, \d+ harts?\n$/)),
  line('free', 'free shows memory and process slots', (out) => {
    expect(out).toMatch(/^Mem KiB: +\d+ +\d+ +\d+$/m);
    expect(out).toMatch(/^Procs: +\d+ +2 +\d+$/m);
  }),
  line('cpuinfo', 'cpuinfo describes the harts', (out) => {
    expect(out).toMatch(/^hart +: 0$/m);
    expect(out).toMatch(/^isa +: rv32imac/m);
    expect(out).toMatch(/^timebase +: 10000000 Hz$/m);
  }),
  line('ps', 'ps lists the shell and itself', (out) => {
    expect(out).toMatch(/^ +1 +0 (sleeping|running|runnable) .* sh$/m);
    expect(out).toMatch(/^ +\d+ +1 running .* ps$/m);
  }),
  line('dmesg', 'dmesg prints the kernel log', (out) => expect(out.length).toBeGreaterThan(0)),
  line('sleep soon', 'sleep rejects a non-number', (out) => expect(out).toBe('usage: sleep SECONDS\n')),
  line('sleep 600 &', 'a background program gets an id', (out) => expect(out).toMatch(/^\[\d+\]\n$/)),
  // Gives the background program (on another hart, maybe) time to reach its sleep before ps looks.
  line('sleep 0.1', 'sleep waits', (out) => expect(out).toBe('')),
  line('ps', 'ps shows the background program', (out) => expect(out).toMatch(/^ +\d+ +1 sleeping .* sleep$/m)),
  // One line: whether the shell reaps the killed program while it waits for kill or in wait is a race.
  line('kill $!; wait', 'kill ends it, and wait reports how', (out) => expect(out).toMatch(/^\[\d+\] killed\n$/)),
  line('kill 999', 'kill names a missing process', (out) => expect(out).toBe('kill: 999: no such process\n')),
  line('kill one', 'kill rejects a non-number', (out) => expect(out).toBe('kill: one: not a process id\n')),
  line('nosuch', 'an unknown command says so', (out) => expect(out).toBe('sh: nosuch: command not found\n')),
  line('README', 'a file that is not a program says so', (out) => expect(out).toBe('sh: README: not an executable\n')),
  line('echo "unclosed', 'an unclosed quote says so', (out) => expect(out).toBe('sh: missing closing "\n')),
  line('echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16', 'too many arguments say so', (out) =>
    expect(out).toBe('sh: too many arguments (at most 15)\n')),
  line('crash', 'crash lists its cases', (out) => expect(out).toMatch(/^usage: crash WHAT/)),
  line('crash null', 'a null load kills only the program', (out) =>
    expect(out).toMatch(killed('load page fault', '0x00000000'))),
  line('crash kernel', 'a store to kernel memory kills only the program', (out) =>
    expect(out).toMatch(killed('store(/AMO)? page fault', '0x80000000'))),
  line('crash illegal', 'an illegal instruction kills only the program', (out) =>
    expect(out).toMatch(killed('illegal instruction', '0x[0-9a-f]{8}'))),
  line('crash breakpoint', 'a breakpoint kills only the program', (out) =>
    expect(out).toMatch(killed('breakpoint', '0x[0-9a-f]{8}'))),
  line('crash stack', 'a stack overflow kills only the program', (out) =>
    expect(out).toMatch(killed('stack overflow', '0x7feff[0-9a-f]{3}'))),
  line('crash syscall', 'bad pointers give errors, not crashes', (out) => {
    expect(out).toMatch(/^crash: write\(1, 0x00000001, 16\) += -14 \(bad address\)$/m);
    expect(out).not.toMatch(/no error!/);
    expect(out).toMatch(/^crash: every bad call came back with an error$/m);
  }),
  line('crash oom', 'running out of memory gives an error', (out) => {
    expect(out).toMatch(/^crash: sbrk failed after \d+ MiB: out of memory$/m);
    expect(out).toMatch(/^crash: malloc\(1 MiB\) = NULL$/m);
    expect(out).toMatch(/^crash: after giving it back, malloc\(1 MiB\) = memory$/m);
  }),
  line('crash fork', 'running out of process slots gives an error', (out) => {
    expect(out).toMatch(/^crash: fork failed after \d+ children: out of process slots, try again$/m);
    expect(out).toMatch(/^crash: all \d+ children exited$/m);
  }),
  line('free', 'nothing leaked: two processes again', (out) => expect(out).toMatch(/^Procs: +\d+ +2 +\d+$/m)),
  line('bench', 'bench measures cpu, syscall, fault and switch', (out) => {
    // Instructions per operation read "(moved)" when the program ended on another hart than it began on.
    expect(out).toMatch(/^cpu +CRC-32 byte +4194304 +\d+ +(\d+\.\d|\(moved\)) +crc32 59b95a5d$/m);
    expect(out).toMatch(/^syscall +getpid\(\) +50000 +\d+ +(\d+\.\d|\(moved\)) +getpid ok$/m);
    expect(out).toMatch(/^fault +page fault +1024 +\d+ +(\d+\.\d|\(moved\)) +1024 page faults$/m);
    expect(out).toMatch(/^switch +sleep\(0\) +10000 +\d+ +(\d+\.\d|\(moved\)) +\d+ context switches$/m);
  }),
  // Line editing: what the editor leaves on screen, and what runs.
  line(`echo wrld${LEFT}${LEFT}${LEFT}o`, 'left arrow and insert in the middle', (out) => expect(out).toBe('world\n'),
    { shows: 'echo world' }),
  line(`echo junk${CTRL_U}echo clean`, 'Ctrl-U erases the line', (out) => expect(out).toBe('clean\n'), { shows: 'echo clean' }),
  line(`echo abcX${BACKSPACE}d`, 'backspace', (out) => expect(out).toBe('abcd\n'), { shows: 'echo abcd' }),
  line(`cho hi${CTRL_A}e${CTRL_E} there`, 'Ctrl-A and Ctrl-E', (out) => expect(out).toBe('hi there\n'),
    { shows: 'echo hi there' }),
  line(`echo xyz${HOME}${RIGHT}${RIGHT}${RIGHT}${RIGHT}${RIGHT}${DELETE}${END}!`, 'Home, Right, Delete, End',
    (out) => expect(out).toBe('yz!\n'), { shows: 'echo yz!' }),
  line(`echo tail cut${LEFT}${LEFT}${LEFT}${LEFT}${CTRL_K}`, 'Ctrl-K erases to the end', (out) => expect(out).toBe('tail\n'),
    { shows: 'echo tail' }),
  line(`${UP}${UP}`, 'Up recalls earlier lines', (out) => expect(out).toBe('yz!\n'), { shows: 'echo yz!' }),
  line(`${UP}${UP}${UP}${DOWN}`, 'Down walks back', (out) => expect(out).toBe('tail\n'), { shows: 'echo tail' }),
  line(`echo never${CTRL_C}echo after Ctrl-C`, 'Ctrl-C abandons the line', (out) =>
    expect(out).toBe('after Ctrl-C\n'), { shows: 'echo after Ctrl-C' }),
  line('history', 'history lists the lines', (out) => {
    expect(out).toMatch(/^ +\d+  echo tail$/m);
    expect(out).toMatch(/^ +\d+  history$/m);
  }),
  line('sh', 'a shell runs inside the shell', (out) => expect(out).toBe('')),
  line('echo nested', 'the inner shell runs programs', (out) => expect(out).toBe('nested\n')),
  line('exit 3', 'exit leaves the inner shell', (out) => expect(out).toBe('')),
  line('exit', 'the first shell does not exit', (out) =>
    expect(out).toBe('sh: exit: this is the first process; use halt or reboot\n')),
  line('clear', 'clear clears the screen', (out) => expect(out).toBe('\x1b[H\x1b[2J')),
  line('echo still here', 'the shell went on through all of it', (out) => expect(out).toBe('still here\n')),
  line('halt', 'halt powers off', () => {}, { exits: true }),
];

const REBOOT: Case[] = [line('reboot', 'reboot restarts the machine', () => {}, { reboots: true })];

/**
 * A line's part of the transcript: the echo of what was typed, then the
 * output (newlines as '\n'). After a Ctrl-C only the last line counts.
 */
function splitPart(part: string): { echo: string; output: string } {
  const abandoned = part.lastIndexOf('^C\r\n$ ');
  const last = abandoned < 0 ? part : part.slice(abandoned + 6);
  const end = last.indexOf('\r\n');
  return { echo: last.slice(0, end), output: last.slice(end + 2).replace(/\r\n/g, '\n') };
}

// ---- masking what may differ between machines ----

type Rule = [RegExp, string];

/** Figures that depend on timing, masked in every comparison. */
const TIMING: Rule[] = [
  [/^up \d+:\d\d:\d\d\.\d{3},/gm, 'up #,'],                                 // uptime
  [/^( *\d+ +\d+ \S+ +)\S+( +\d+) +\d+( \S+)$/gm, '$1#$2 #$3'],            // ps: the hart, CPU ms
  [/^(\S+ +.{12} +\d+) +\d+ +(\d+\.\d|\(moved\))  /gm, '$1 # #  '],        // bench: ops/s, instr/op
  [/\d+ context switches$/gm, '# context switches'],                        // bench: preemptions add to them
  [/\(boot hart \d+\)/g, '(boot hart #)'],                                 // SBI: the first hart to arrive boots
  [/^( +1 +0 )(?:running |runnable|sleeping)/gm, '$1#       '],               // ps: on another hart, ps may look
                                                                            // before the shell sleeps in wait()
];

/** Figures that depend on the number of harts, masked between 1 and 4 harts (cpuinfo, a block per hart, is left out). */
const HARTS: Rule[] = [
  [/\b\d+ harts?\b/g, '# harts'],                                           // uptime, boot log, dmesg
  [/\bharts:? \d+( of \d+)?/g, 'harts #'],                                  // the same
];

function mask(text: string, rules: Rule[]): string {
  return rules.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/** The boot log and the session's outputs, line by line, masked by `rules`; lines named in `skip` are left out. */
function comparable(transcript: Transcript, rules: Rule[], skip: string[] = []): string[] {
  const boot = `(boot):\n${mask(transcript.boot.replace(/\r\n/g, '\n'), rules)}`;
  return [boot, ...transcript.parts.map((part, i) => {
    const name = SESSION[i].keys.trim();
    return skip.includes(name) ? `${name}: (not compared)` : `${name}:\n${mask(splitPart(part).output, rules)}`;
  })];
}

// ---- the runs ----

const haveImages = existsSync(`${FIRMWARE}/hyperlab.elf`) && existsSync(`${FIRMWARE}/kernel.elf`);
const haveQemu = haveImages && toolAvailable('qemu-system-riscv32', 'qemu-system-misc');

const MACHINES = {
  one: hyperlab(1),
  four: hyperlab(4),
  qemu: qemu(4),
};
type MachineKey = keyof typeof MACHINES;

describe.runIf(haveImages)('the shell, on HyperLab (1 and 4 harts) and QEMU (4 harts)', () => {
  const sessions: Partial<Record<MachineKey, Transcript>> = {};
  const transcripts = () => Object.values(sessions);

  beforeAll(async () => {
    const keys = (Object.keys(MACHINES) as MachineKey[]).filter((key) => key !== 'qemu' || haveQemu);
    await Promise.all(keys.map(async (key) => { sessions[key] = await drive(MACHINES[key], SESSION, 240_000); }));
    const keep = process.env.HYPERLAB_TRANSCRIPTS;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      writeFileSync(`${keep}/input`, SESSION.map((step) => step.keys).join(''), 'latin1');
      for (const [key, transcript] of Object.entries(sessions)) writeFileSync(`${keep}/${key}`, transcript.raw, 'latin1');
    }
  }, 300_000);

  it('boots to a prompt, and halt powers off with status 0', () => {
    for (const transcript of transcripts()) {
      expect(transcript.boot, transcript.target).toContain('Welcome to HyperLab');
      expect(transcript.status, transcript.target).toBe(0);
    }
  });

  SESSION.forEach((step, index) => {
    it(`${step.name}: ${JSON.stringify(step.keys.slice(0, -1))}`, () => {
      for (const transcript of transcripts()) {
        const { echo, output } = splitPart(transcript.parts[index]);
        expect(renderLine(echo), `${transcript.target}: the line on screen`).toBe(step.shows ?? step.keys.trim());
        try {
          step.check(output);
        } catch (error) {
          throw new Error(`on ${transcript.target}: ${(error as Error).message}\noutput:\n${output}`);
        }
      }
    });
  });

  it.runIf(haveQemu)('HyperLab with 4 harts prints what QEMU prints, timings aside', () => {
    expect(comparable(sessions.four!, TIMING)).toEqual(comparable(sessions.qemu!, TIMING));
  });

  it('HyperLab with 1 hart prints what it prints with 4, timings and hart counts aside', () => {
    const rules = [...TIMING, ...HARTS];
    expect(comparable(sessions.one!, rules, ['cpuinfo'])).toEqual(comparable(sessions.four!, rules, ['cpuinfo']));
  });

  it('reboot restarts the machine to a new prompt', async () => {
    const targets = [MACHINES.one, ...(haveQemu ? [MACHINES.qemu] : [])];
    const reboots = await Promise.all(targets.map((target) => drive(target, REBOOT, 120_000)));
    for (const transcript of reboots) expect(countBoots(transcript.raw), transcript.target).toBe(2);
  }, 300_000);
});
