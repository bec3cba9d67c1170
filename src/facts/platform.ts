import { lines, type Facts } from './facts.ts';

// system, kernel, kernel_version, machine, architecture, nodename, hostname, fqdn, domain,
// userspace_bits, machine_id as Ansible's PlatformFactCollector reads them from Python's
// platform and socket modules (module_utils/facts/system/platform.py), from `uname` and the
// host's resolver (`getent`) instead.

export interface PlatformInput {
  /** `uname -s`, `-r`, `-v`, `-m`, `-n`, one a line. */
  uname: string;
  /** `getent hosts <address of the node name>`: "ADDRESS CANONICAL ALIASES...", or ''. */
  fqdn: string;
  /** `getconf LONG_BIT`. */
  userspaceBits: string;
  machineId: string;
}

/** socket.getfqdn(): the first of the canonical name and aliases with a dot, else the canonical name; the node name when unresolved. */
export function fqdnOf(nodename: string, hostsLine: string): string {
  const fields = (hostsLine.split('\n')[0] ?? '').trim().split(/\s+/).filter(Boolean);
  if (fields.length < 2) return nodename;
  const [canonical, ...aliases] = fields.slice(1) as [string, ...string[]];
  return [canonical, ...aliases].find((name) => name.includes('.')) ?? canonical;
}

export function platformFacts(input: PlatformInput): Facts {
  const [system = '', kernel = '', kernelVersion = '', machine = '', nodename = ''] = input.uname.replace(/^\n+/, '').split('\n');
  const fqdn = fqdnOf(nodename, input.fqdn);
  const bits = input.userspaceBits.trim();
  const facts: Facts = {
    system,
    kernel,
    kernel_version: kernelVersion,
    machine,
    fqdn,
    hostname: nodename.split('.')[0],
    nodename,
    domain: fqdn.split('.').slice(1).join('.'),
    userspace_bits: bits,
  };
  if (machine === 'x86_64') {
    facts['architecture'] = machine;
    if (bits === '64') facts['userspace_architecture'] = 'x86_64';
    else if (bits === '32') facts['userspace_architecture'] = 'i386';
  } else if (/i([3456]86|86pc)/.test(machine)) {
    facts['architecture'] = 'i386';
    if (bits === '64') facts['userspace_architecture'] = 'x86_64';
    else if (bits === '32') facts['userspace_architecture'] = 'i386';
  } else facts['architecture'] = machine;
  const machineId = lines(input.machineId)[0];
  if (machineId) facts['machine_id'] = machineId.trim();
  return facts;
}
