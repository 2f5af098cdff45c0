/*
 * The text forms of --module and --domain (and the page's module= and
 * domain=), as a user writes them.
 */
import { describe, expect, it } from 'vitest';
import { BootConfigError, parseBootModules, parseDomainOption, parseModuleOption } from './index.ts';

const CLI = { module: '--module', domain: '--domain' };

describe('a module option', () => {
  it('names Dom0\'s kernel, with bootargs after the first colon', () => {
    expect(parseModuleOption('dom0.elf')).toEqual({ file: 'dom0.elf' });
    expect(parseModuleOption('dom0.elf:console=hvc0 a=b:c')).toEqual({ file: 'dom0.elf', bootargs: 'console=hvc0 a=b:c' });
    expect(parseModuleOption('dom0.elf:')).toEqual({ file: 'dom0.elf' });
  });

  it('needs a file', () => {
    expect(() => parseModuleOption(':quiet')).toThrow(/names no file/);
  });
});

describe('a domain option', () => {
  it('takes a name and a kernel, and one vCPU by default', () => {
    expect(parseDomainOption('guest1:kernel.elf')).toEqual({ file: 'kernel.elf', domain: { name: 'guest1' } });
  });

  it('reads known key=value fields, then bootargs to the end', () => {
    expect(parseDomainOption('web:k.elf:memory=32:vcpus=2:weight=512:cap=150:console=hvc0 x=1:y')).toEqual({
      file: 'k.elf',
      domain: { name: 'web', memoryMiB: 32, vcpus: 2, weight: 512, cap: 150 },
      bootargs: 'console=hvc0 x=1:y',
    });
  });

  it('starts the bootargs at the first field that is not a known key, whatever follows', () => {
    expect(parseDomainOption('g:k.elf:cap=0:root=/dev/ram:memory=64')).toEqual({
      file: 'k.elf',
      domain: { name: 'g', cap: 0 },
      bootargs: 'root=/dev/ram:memory=64',
    });
  });

  it('reads what a shutdown leads to: on_poweroff, on_reboot and on_crash', () => {
    expect(parseDomainOption('g:k.elf:on_crash=restart:memory=16:on_poweroff=preserve:quiet')).toEqual({
      file: 'k.elf',
      domain: { name: 'g', onCrash: 'restart', memoryMiB: 16, onPoweroff: 'preserve' },
      bootargs: 'quiet',
    });
  });

  it.each([
    ['guest1', /is not NAME:KERNEL/],
    [':k.elf', /is not NAME:KERNEL/],
    ['g:k.elf:memory=lots', /g: memory must be a whole number from 4 to 2048 MiB, not 'lots'/],
    ['g:k.elf:memory=', /memory must be a whole number/],
    ['g:k.elf:memory=3000', /not '3000'/],
    ['g:k.elf:vcpus=0', /vcpus must be a whole number from 1 to 16/],
    ['g:k.elf:weight=65536', /weight must be a whole number from 1 to 65535/],
    ['g:k.elf:cap=-1', /cap must be a whole number from 0 to 1600%/],
    ['g:k.elf:memory=32:memory=64', /g: memory is given twice/],
    ['g:k.elf:on_reboot=rename-restart', /g: on_reboot must be destroy, restart or preserve, not 'rename-restart'/],
    ['g:k.elf:on_crash=destroy:on_crash=restart', /g: on_crash is given twice/],
  ])('refuses %j', (text, message) => {
    expect(() => parseDomainOption(text)).toThrow(BootConfigError);
    expect(() => parseDomainOption(text)).toThrow(message);
  });
});

describe('a set of boot modules', () => {
  it('keeps Dom0\'s kernel and the domains in the order given', () => {
    expect(parseBootModules(['d.elf:q'], ['a:k.elf', 'b:k.elf:memory=8'], CLI)).toEqual([
      { file: 'd.elf', bootargs: 'q' },
      { file: 'k.elf', domain: { name: 'a' } },
      { file: 'k.elf', domain: { name: 'b', memoryMiB: 8 } },
    ]);
  });

  it.each([
    [['a.elf', 'b.elf'], [], /^--module may be given once/],
    [[], ['g:k.elf', 'g:k.elf'], /^--domain: two domains are called 'g'/],
    [[], [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `g${n}:k.elf`), /^--domain: at most 7 domains/],
    [[], ['bad name:k.elf'], /^--domain: 'bad name' cannot name a domain/],
    [[], ['g:k.elf:vcpus=x'], /^--domain: g: vcpus must be/],
    [[':x'], [], /^--module: ':x' names no file/],
  ])('refuses modules %j and domains %j, naming the option', (modules, domains, message) => {
    expect(() => parseBootModules(modules, domains, CLI)).toThrow(message);
  });
});
