/*
 * A hart's status as the page reads it: the VMID of the guest it runs,
 * from hgatp while V=1, and none while V=0, on the hypervisor image and
 * on the native one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createThreadMachine, MODE_VS, MODE_VU, type LabMachine } from './index.ts';

const image = (name: string) => new Uint8Array(readFileSync(new URL(`../../public/firmware/${name}`, import.meta.url)));

/** Samples every hart's mode and VMID between the machine's batches until `enough` says so. */
async function sampleHarts(machine: LabMachine, enough: (samples: [number, number | undefined][]) => boolean) {
  const samples: [number, number | undefined][] = [];
  const started = performance.now();
  while (!enough(samples)) {
    if (performance.now() - started > 30_000) throw new Error('timed out');
    for (let hart = 0; hart < machine.harts; hart++) samples.push([machine.hart(hart).mode(), machine.hart(hart).vmid()]);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return samples;
}

const virtual = (mode: number) => mode === MODE_VS || mode === MODE_VU;

describe('a hart\'s VMID', () => {
  it('is the running domain\'s while V=1, and none while V=0', async () => {
    const machine = createThreadMachine({ harts: 2, image: image('hypervisor.elf') });
    expect(machine.hart(0).vmid()).toBeUndefined();
    await machine.powerOn();
    try {
      const samples = await sampleHarts(machine, (seen) =>
        seen.some(([mode]) => virtual(mode)) && seen.some(([mode]) => !virtual(mode)));
      for (const [mode, vmid] of samples) {
        if (virtual(mode)) expect([0, 1, 2]).toContain(vmid); // the hypervisor's three domains
        else expect(vmid).toBeUndefined();
      }
    } finally {
      await machine.powerOff();
      machine.dispose();
    }
  });

  it('is never there on the native machine', async () => {
    const machine = createThreadMachine({ harts: 2, image: image('hyperlab.elf') });
    let output = '';
    machine.console(0).onOutput((bytes) => { output += new TextDecoder().decode(bytes); });
    await machine.powerOn();
    try {
      const samples = await sampleHarts(machine, () => output.endsWith('$ '));
      expect(samples.filter(([, vmid]) => vmid !== undefined)).toEqual([]);
    } finally {
      await machine.powerOff();
      machine.dispose();
    }
  });
});
