/*
 * The page's address: what each parameter makes the lab boot, and the
 * message a user sees for one it cannot follow.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HARTS, DEFAULT_IMAGE, DEFAULT_RAM_MIB, labConfig } from './config.ts';

describe('the page\'s address', () => {
  it('boots the default machine when it asks for nothing', () => {
    expect(labConfig('')).toEqual({
      config: { image: DEFAULT_IMAGE, harts: DEFAULT_HARTS, ramMiB: DEFAULT_RAM_MIB, speed: Infinity, modules: [], compile: true },
    });
  });

  it('takes the image, harts, RAM and speed', () => {
    expect(labConfig('?image=firmware/bench.elf&harts=4&ram=64&speed=1000')).toEqual({
      config: { image: 'firmware/bench.elf', harts: 4, ramMiB: 64, speed: 1000, modules: [], compile: true },
    });
  });

  it('turns the block compiler off with compile=0', () => {
    expect(labConfig('?compile=0')).toMatchObject({ config: { compile: false } });
    expect(labConfig('?compile=1')).toMatchObject({ config: { compile: true } });
    expect(labConfig('?compile=no')).toEqual({ error: 'compile=no: 1 (compile hot code, the default) or 0 (interpret only)' });
  });

  it('takes a kernel for the firmware', () => {
    const address = labConfig('?image=firmware/sbi.elf&kernel=firmware/kernel.elf');
    expect(address).toMatchObject({ config: { image: 'firmware/sbi.elf', kernel: 'firmware/kernel.elf' } });
  });

  it('takes Dom0\'s kernel and DomUs in the runner\'s forms, bootargs and all', () => {
    const address = labConfig('?image=firmware/hypervisor.elf&module=firmware/kernel.elf:console%3Dhvc0' +
      '&domain=guest1:firmware/kernel.elf:memory=32&domain=guest2:firmware/pv.elf:vcpus=2:cap=50:quiet%20a:b');
    expect(address).toEqual({
      config: expect.objectContaining({
        image: 'firmware/hypervisor.elf',
        modules: [
          { file: 'firmware/kernel.elf', bootargs: 'console=hvc0' },
          { file: 'firmware/kernel.elf', domain: { name: 'guest1', memoryMiB: 32 } },
          { file: 'firmware/pv.elf', domain: { name: 'guest2', vcpus: 2, cap: 50 }, bootargs: 'quiet a:b' },
        ],
      }),
    });
  });

  it.each([
    ['?harts=0', /harts=0: a whole number from 1 to 16/],
    ['?harts=two', /harts=two: a whole number/],
    ['?ram=4096', /ram=4096: a whole number from 4 to 1024/],
    ['?speed=fast', /speed=fast: instructions per second per hart, from 1/],
    ['?image=../secret', /image=\.\.\/secret: name a file under the lab's site/],
    ['?image=https://elsewhere.example/x.elf', /name a file under the lab's site/],
    ['?kernel=/etc/passwd', /kernel=\/etc\/passwd: name a file/],
    ['?image=a.elf&image=b.elf', /image= is given twice/],
    ['?imgae=a.elf', /unknown parameter 'imgae'/],
    ['?module=a.elf&module=b.elf', /module= may be given once/],
    ['?domain=guest1', /domain=: 'guest1' is not NAME:KERNEL/],
    ['?domain=g:k.elf:memory=1', /domain=: g: memory must be a whole number from 4 to 2048 MiB, not '1'/],
    ['?domain=g:k.elf&domain=g:k.elf', /two domains are called 'g'/],
    ['?domain=g:../k.elf', /domain=g:\.\.\/k\.elf: name a file/],
    ['?module=k%20.elf', /module=k \.elf: name a file/],
  ])('explains what is wrong with %s', (search, message) => {
    const address = labConfig(search);
    expect(address).toEqual({ error: expect.stringMatching(message) });
  });
});
