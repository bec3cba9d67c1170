// The lab's network: one bridge in the controller's namespace and, per host, a network namespace
// joined to it by a veth pair. Names are derived from the lab name so an interrupted run can be
// found and cleaned up without any state file.
import { createHash } from 'node:crypto';
import { run, runQuietly } from './run-command.ts';

export const BRIDGE = 'pgbr0';
export const SUBNET_PREFIX = '10.231.0';
export const CONTROLLER_ADDRESS = `${SUBNET_PREFIX}.1`;

export function hostAddress(index: number): string {
  if (index < 1 || index > 240) throw new Error(`lab: host index ${index} outside 1..240`);
  return `${SUBNET_PREFIX}.${10 + index}`;
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

export async function ensureBridge(): Promise<void> {
  const existing = await runQuietly('ip', ['-o', 'link', 'show', BRIDGE]);
  if (!existing) await run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  // br_netfilter (loaded by container runtimes) would push bridged host-to-host traffic through
  // the firewall's FORWARD chain; the lab's hosts must reach each other like machines on one LAN.
  await runQuietly('ip', ['link', 'set', BRIDGE, 'type', 'bridge', 'nf_call_iptables', '0', 'nf_call_ip6tables', '0']);
  const addresses = await run('ip', ['-o', '-4', 'addr', 'show', 'dev', BRIDGE]);
  if (!addresses.includes(`${CONTROLLER_ADDRESS}/24`)) {
    await run('ip', ['addr', 'add', `${CONTROLLER_ADDRESS}/24`, 'dev', BRIDGE]);
  }
  await run('ip', ['link', 'set', BRIDGE, 'up']);
}

/** Creates the namespace with a veth whose far end is `eth0` inside it, addressed and up. */
export async function createHostNetwork(netns: string, veth: string, address: string): Promise<void> {
  await run('ip', ['netns', 'add', netns]);
  await run('ip', ['-batch', '-'], {
    input: [
      `link add ${veth} type veth peer name eth0 netns ${netns}`,
      `link set ${veth} master ${BRIDGE}`,
      `link set ${veth} up`,
    ].join('\n') + '\n',
  });
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

/** Deleting the namespace also deletes both ends of its veth pair. */
export async function deleteNetns(netns: string): Promise<void> {
  await runQuietly('ip', ['netns', 'del', netns]);
}

export async function deleteBridge(): Promise<void> {
  await runQuietly('ip', ['link', 'del', BRIDGE]);
}
