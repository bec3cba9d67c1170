// The lab's network: one bridge per lab in the controller's namespace and, per host, a network
// namespace joined to it by a veth pair. Every name and address is derived from the lab name, so
// labs coexist (the e2e run's `default` beside a `bench`), and an interrupted run can be found and
// cleaned up from its name alone, without any state file.
import { createHash } from 'node:crypto';
import { LabError } from './lab-errors.ts';
import { run, runQuietly } from './run-command.ts';

export const DEFAULT_NETWORK_LAB = 'default';
/** Third octets 1..SUBNET_SLOTS are taken by hashed lab names; 0 is the default lab's. */
const SUBNET_SLOTS = 250;
/** Host i (1-based) is .(10+i): .1 is the controller, .2-.10 and .(11+MAX) up are free addresses. */
export const MAX_HOSTS_PER_LAB = 200;

export interface LabNetwork {
  /** The third octet of 10.231.N.0/24; 0 for the default lab. */
  index: number;
  bridge: string;
  /** `10.231.N`, for building addresses. */
  subnetPrefix: string;
  /** CIDR form, for humans and `ip`. */
  subnet: string;
  controllerAddress: string;
}

/**
 * `default` keeps pgbr0 / 10.231.0.0/24; any other name gets 10.231.N.0/24 and pgbrN with N from a
 * stable hash of the name. Two names can hash alike: createLab refuses the second while the first
 * exists (see networkClash), so one bridge never serves two labs.
 */
export function labNetwork(labName: string): LabNetwork {
  const index = labName === DEFAULT_NETWORK_LAB ? 0 : 1 + (createHash('sha1').update(labName).digest().readUInt32BE(0) % SUBNET_SLOTS);
  const subnetPrefix = `10.231.${index}`;
  return { index, bridge: `pgbr${index}`, subnetPrefix, subnet: `${subnetPrefix}.0/24`, controllerAddress: `${subnetPrefix}.1` };
}

export function hostAddress(network: LabNetwork, index: number): string {
  if (!Number.isInteger(index) || index < 1 || index > MAX_HOSTS_PER_LAB) {
    throw new LabError(`lab: host index ${index} outside 1..${MAX_HOSTS_PER_LAB}`);
  }
  return `${network.subnetPrefix}.${10 + index}`;
}

/** An address inside the lab's subnet that no host or controller holds (for timeout tests). */
export function unusedAddress(network: LabNetwork): string {
  return `${network.subnetPrefix}.250`;
}

/** The name among `otherLabs` whose network is the same as `labName`'s, if any. */
export function networkClash(labName: string, otherLabs: readonly string[]): string | undefined {
  const mine = labNetwork(labName).index;
  return otherLabs.find((other) => other !== labName && labNetwork(other).index === mine);
}

export function netnsPrefix(labName: string): string {
  return `pglab-${labName}-`;
}

export function netnsName(labName: string, hostName: string): string {
  return `${netnsPrefix(labName)}${hostName}`;
}

/** Interface names are limited to 15 bytes, so the lab name is folded into a short hash. */
export function vethName(labName: string, index: number): string {
  const tag = createHash('sha1').update(labName).digest('hex').slice(0, 4);
  return `pg${tag}v${index}`;
}

export async function ensureBridge(network: LabNetwork): Promise<void> {
  const { bridge, controllerAddress } = network;
  const existing = await runQuietly('ip', ['-o', 'link', 'show', bridge]);
  if (!existing) await run('ip', ['link', 'add', bridge, 'type', 'bridge']);
  // br_netfilter (loaded by container runtimes) would push bridged host-to-host traffic through
  // the firewall's FORWARD chain; the lab's hosts must reach each other like machines on one LAN.
  await runQuietly('ip', ['link', 'set', bridge, 'type', 'bridge', 'nf_call_iptables', '0', 'nf_call_ip6tables', '0']);
  const addresses = await run('ip', ['-o', '-4', 'addr', 'show', 'dev', bridge]);
  if (!addresses.includes(`${controllerAddress}/24`)) {
    await run('ip', ['addr', 'add', `${controllerAddress}/24`, 'dev', bridge]);
  }
  await run('ip', ['link', 'set', bridge, 'up']);
}

/** Creates the namespace with a veth whose far end is `eth0` inside it, addressed and up. */
export async function createHostNetwork(network: LabNetwork, netns: string, veth: string, address: string): Promise<void> {
  await run('ip', ['netns', 'add', netns]);
  try {
    await run('ip', ['-batch', '-'], {
      input: [
        `link add ${veth} type veth peer name eth0 netns ${netns}`,
        `link set ${veth} master ${network.bridge}`,
        `link set ${veth} up`,
      ].join('\n') + '\n',
    });
  } catch (error) {
    // ip -batch names neither the link nor the namespace; the person reading this needs both.
    throw new LabError(`lab: cannot add the veth ${veth} of ${netns} to ${network.bridge}: ${(error as Error).message}`, { cause: error });
  }
  await run('ip', ['-n', netns, '-batch', '-'], {
    input: ['link set lo up', `addr add ${address}/24 dev eth0`, 'link set eth0 up'].join('\n') + '\n',
  });
}

export async function listNetns(prefix: string): Promise<string[]> {
  const out = await runQuietly('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((name): name is string => !!name && name.startsWith(prefix));
}

export async function netnsPids(netns: string): Promise<number[]> {
  const out = await runQuietly('ip', ['netns', 'pids', netns]);
  return out.split(/\s+/).filter(Boolean).map(Number);
}

/**
 * Deletes the host's veth pair and then its namespace. The veth goes first and explicitly: a
 * deleted namespace frees its links only later (in the kernel's cleanup work, or never while a
 * process still holds it), and a lab created right after would find the name taken. It is deleted
 * by its inner end, eth0, so a link of the same name that is not the lab's is never touched.
 */
export async function deleteHostNetwork(netns: string): Promise<void> {
  await runQuietly('ip', ['-n', netns, 'link', 'del', 'eth0']);
  await runQuietly('ip', ['netns', 'del', netns]);
}

export async function deleteBridge(network: LabNetwork): Promise<void> {
  await runQuietly('ip', ['link', 'del', network.bridge]);
}
