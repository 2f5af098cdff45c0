/*
 * The text forms of boot modules, one parser for the runner's command line
 * (--module, --domain) and the page's address (module=, domain=):
 *
 *   module   FILE[:BOOTARGS]                 Dom0's kernel
 *   domain   NAME:KERNEL[:memory=MIB][:vcpus=N][:weight=W][:cap=C][:on_poweroff=A][:on_reboot=A][:on_crash=A][:BOOTARGS]
 *
 * After NAME and KERNEL, each field `key=value` with one of the known keys
 * (DOMAIN_SETTINGS, and DOMAIN_ACTIONS: destroy, restart or preserve) sets that value; the first field that is not one of
 * them starts the bootargs, which run to the end (and may contain ':').
 * File names therefore cannot contain ':'.
 */
import {
  BootConfigError, checkBootModules, checkDomainAction, checkDomainSetting, DOMAIN_ACTIONS, DOMAIN_SETTINGS,
  type BootDomain, type BootModuleSpec,
} from '../machine/boot-modules.ts';

const DOMAIN_FORM = 'NAME:KERNEL[:memory=MIB][:vcpus=N][:weight=W][:cap=C][:on_poweroff=A][:on_reboot=A][:on_crash=A][:BOOTARGS]';

/** Bootargs from the fields that remain; none when they are empty. */
function bootargsOf(fields: string[]): { bootargs?: string } {
  const bootargs = fields.join(':');
  return bootargs === '' ? {} : { bootargs };
}

/** Dom0's kernel: FILE[:BOOTARGS]. Throws BootConfigError. */
export function parseModuleOption(text: string): BootModuleSpec {
  const [file, ...rest] = text.split(':');
  if (file === '') throw new BootConfigError(`'${text}' names no file: FILE[:BOOTARGS]`);
  return { file, ...bootargsOf(rest) };
}

/** A DomU built at boot: NAME:KERNEL[:key=value...][:BOOTARGS]. Throws BootConfigError. */
export function parseDomainOption(text: string): BootModuleSpec {
  const [name = '', file = '', ...fields] = text.split(':');
  if (name === '' || file === '') throw new BootConfigError(`'${text}' is not ${DOMAIN_FORM}`);
  const domain: BootDomain = { name };
  let next = 0;
  for (; next < fields.length; next++) {
    const match = /^(\w+)=(.*)$/.exec(fields[next]);
    const action = DOMAIN_ACTIONS.find((a) => a.key === match?.[1]);
    if (match && action) {
      if (domain[action.field] !== undefined) throw new BootConfigError(`${name}: ${action.key} is given twice`);
      domain[action.field] = checkDomainAction(name, action.key, match[2]);
      continue;
    }
    const setting = DOMAIN_SETTINGS.find((s) => s.key === match?.[1]);
    if (!match || !setting) break;
    if (domain[setting.field] !== undefined) throw new BootConfigError(`${name}: ${setting.key} is given twice`);
    const value = /^\d+$/.test(match[2]) ? Number(match[2]) : NaN;
    checkDomainSetting(name, setting, value, `'${match[2]}'`);
    domain[setting.field] = value;
  }
  return { file, domain, ...bootargsOf(fields.slice(next)) };
}

/** Runs `work`, naming `flag` in the message of a BootConfigError it throws. */
function withFlag<T>(flag: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof BootConfigError) throw new BootConfigError(`${flag}: ${error.message}`);
    throw error;
  }
}

/** How the caller spells the two options in messages: '--module' or 'module='. */
export interface BootOptionNames {
  module: string;
  domain: string;
}

/**
 * Dom0's kernel (`modules`: at most one) and the DomUs (`domains`),
 * checked as a set (checkBootModules). Throws BootConfigError naming the
 * option at fault.
 */
export function parseBootModules(
  modules: readonly string[],
  domains: readonly string[],
  names: BootOptionNames,
): BootModuleSpec[] {
  if (modules.length > 1) throw new BootConfigError(`${names.module} may be given once: Dom0 has one kernel`);
  const specs = [
    ...modules.map((text) => withFlag(names.module, () => parseModuleOption(text))),
    ...domains.map((text) => withFlag(names.domain, () => parseDomainOption(text))),
  ];
  withFlag(names.domain, () => checkBootModules(specs));
  return specs;
}
