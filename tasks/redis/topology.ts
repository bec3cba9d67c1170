// The cluster's shape, resolved once from the inventory's per-host port lists: which node is a
// master, which master each replica follows, and the hash slots each master owns. Pure data in,
// pure data out, so the cluster tasks (meet, addslots, replicate, wait) and the config task all
// agree on one answer and every rule is tested without a host.
import { InputError } from '../../src/errors.ts';
import type { PlayHost } from '../../src/modules/module.ts';

/** One inventory host's share of the cluster, as the user writes it (`redis_masters`, `redis_replicas`). */
export interface TopologyHostInput {
  /** Inventory host name. */
  name: string;
  /** Address other nodes and the controller reach it at (ansible_host); announced to the cluster. */
  address: string;
  /**
   * The machine the host is (machineOf); default: its address. Inventory hosts on one machine
   * share its ports and files, and a replica there is on its master's host.
   */
  machine?: string;
  masters: number[];
  /** `replica_of` is "HOST:PORT" with HOST an inventory host name (its address is accepted too). */
  replicas: { port: number; replica_of?: string }[];
}

export interface TopologyOptions {
  /** Allow a replica on its master's host (the guide's single-server layout needs it). */
  allowSameHost: boolean;
}

export type NodeRole = 'master' | 'replica';

export interface TopologyNode {
  /** "HOST:PORT" with the inventory host name: the node's name everywhere in playgraph. */
  ref: string;
  host: string;
  address: string;
  /** The machine the host is: what the same-host rule and port uniqueness are about. */
  machine: string;
  port: number;
  /** Cluster bus port: port + 10000, as Redis uses by default and the guide opens. */
  busPort: number;
  role: NodeRole;
  /** The master's `ref`, for replicas only. */
  masterRef?: string;
}

export interface Topology {
  /** Every node, in inventory host order, masters before replicas, ports ascending. */
  nodes: TopologyNode[];
  masters: TopologyNode[];
  replicas: TopologyNode[];
}

export interface SlotRange {
  first: number;
  last: number;
}

export const CLUSTER_SLOTS = 16384;
const BUS_PORT_OFFSET = 10000;

/** A Redis node as HOST:PORT (the inventory host name), the `ref` every cluster module uses. */
export function hostPortRef(host: string, port: number): string {
  return `${host}:${port}`;
}

/**
 * Resolves the per-host lists into a topology, or throws an InputError naming the host and entry.
 *
 * Placement of replicas given without `replica_of` (deterministic, so every run and every host
 * computes the same answer): replicas are taken in port order (host order breaks ties); each goes
 * to a master on ANOTHER host, choosing among those the master with the fewest replicas so far
 * (explicit `replica_of` ones included), ties broken round-robin over the masters in inventory
 * order, starting after the master chosen last. Only when no master lives on another host, and
 * `allowSameHost` is set, may a replica follow a master of its own host. For the guide's layout
 * this gives 7400 -> server1:7300, 7401 -> server2:7301, 7402 -> server3:7302.
 */
export function resolveTopology(hosts: readonly TopologyHostInput[], options: TopologyOptions): Topology {
  const masters: TopologyNode[] = [];
  const replicaInputs: { host: TopologyHostInput; port: number; replicaOf?: string; order: number }[] = [];
  // machine + port -> the host and node using it. Keyed on the machine, not the inventory name:
  // two names for one machine with the same port would share the port and every file under it.
  const taken = new Map<string, { host: string; use: string }>();

  const claim = (host: TopologyHostInput, port: number, what: string) => {
    if (!Number.isInteger(port) || port < 1 || port + BUS_PORT_OFFSET > 65535) {
      throw new InputError(`host ${host.name}: ${what} port ${port} is not a port whose bus port (port + ${BUS_PORT_OFFSET}) fits under 65536`);
    }
    const machine = machineKey(host);
    for (const [p, use] of [[port, what], [port + BUS_PORT_OFFSET, `${what} (its cluster bus port)`]] as const) {
      const key = `${machine}\0${p}`;
      const previous = taken.get(key);
      if (previous?.host === host.name) throw new InputError(`host ${host.name}: port ${p} is used twice: by ${previous.use} and by ${use}`);
      if (previous) {
        throw new InputError(
          `hosts ${previous.host} and ${host.name} are one machine (${machine}): port ${p} is used twice: ` +
            `by ${previous.host} ${previous.use} and by ${host.name} ${use}, which would also share its config, data and log files`,
        );
      }
      taken.set(key, { host: host.name, use });
    }
  };

  for (const host of hosts) {
    for (const port of [...host.masters].sort((a, b) => a - b)) {
      claim(host, port, `master ${port}`);
      masters.push(node(host, port, 'master'));
    }
  }
  hosts.forEach((host, hostIndex) => {
    for (const replica of host.replicas) {
      claim(host, replica.port, `replica ${replica.port}`);
      replicaInputs.push({ host, port: replica.port, replicaOf: replica.replica_of, order: hostIndex });
    }
  });

  const replicaCount = new Map<string, number>(masters.map((m) => [m.ref, 0]));
  const replicas: TopologyNode[] = [];

  // Explicit replica_of first, so the automatic placement balances around them.
  for (const r of replicaInputs.filter((r) => r.replicaOf !== undefined)) {
    const master = findMaster(masters, r.replicaOf!, r.host.name, r.port);
    if (master.machine === machineKey(r.host) && !options.allowSameHost) {
      const where = master.host === r.host.name ? 'the same host' : `the same machine (${master.host} and ${r.host.name} are both ${master.machine})`;
      throw new InputError(
        `host ${r.host.name}: replica ${r.port} has replica_of ${r.replicaOf}, a master on ${where}; ` +
          'a failed host would take both down (set allow_same_host: true to allow it)',
      );
    }
    replicaCount.set(master.ref, replicaCount.get(master.ref)! + 1);
    replicas.push({ ...node(r.host, r.port, 'replica'), masterRef: master.ref });
  }

  const automatic = replicaInputs
    .filter((r) => r.replicaOf === undefined)
    .sort((a, b) => a.port - b.port || a.order - b.order);
  let cursor = 0;
  for (const r of automatic) {
    let candidates = masters.map((m, index) => ({ m, index })).filter(({ m }) => m.machine !== machineKey(r.host));
    if (candidates.length === 0 && options.allowSameHost) candidates = masters.map((m, index) => ({ m, index }));
    if (candidates.length === 0) {
      throw new InputError(
        masters.length === 0
          ? `host ${r.host.name}: replica ${r.port} has no master to follow: no host lists redis_masters`
          : `host ${r.host.name}: replica ${r.port} cannot be placed on another host than its master: ` +
              `every master is on this host or machine (${machineKey(r.host)}) (give replica_of, or set allow_same_host: true)`,
      );
    }
    const fewest = Math.min(...candidates.map(({ m }) => replicaCount.get(m.ref)!));
    const balanced = candidates.filter(({ m }) => replicaCount.get(m.ref) === fewest);
    const distance = (index: number) => (index - cursor + masters.length) % masters.length;
    const chosen = balanced.reduce((best, c) => (distance(c.index) < distance(best.index) ? c : best));
    cursor = (chosen.index + 1) % masters.length;
    replicaCount.set(chosen.m.ref, fewest + 1);
    replicas.push({ ...node(r.host, r.port, 'replica'), masterRef: chosen.m.ref });
  }

  const hostOrder = new Map(hosts.map((h, i) => [h.name, i]));
  const order = (n: TopologyNode) => [hostOrder.get(n.host)!, n.role === 'master' ? 0 : 1, n.port];
  const nodes = [...masters, ...replicas].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  replicas.sort((a, b) => a.port - b.port || hostOrder.get(a.host)! - hostOrder.get(b.host)!);
  return { nodes, masters, replicas };
}

function node(host: TopologyHostInput, port: number, role: NodeRole): TopologyNode {
  return { ref: hostPortRef(host.name, port), host: host.name, address: host.address, machine: machineKey(host), port, busPort: port + BUS_PORT_OFFSET, role };
}

function machineKey(host: TopologyHostInput): string {
  return host.machine ?? host.address;
}

export const CONTROLLER = 'the controller';
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/**
 * Which machine a play host is, from its resolved connection, so that two names for one machine
 * count as one host: the controller for a local connection and for ssh to a loopback address on
 * the default port; else the address, with the port when it is not 22, since port-forwarded VMs
 * and containers share an address but are different machines. Names are not resolved: two
 * different names for one address are not caught.
 */
export function machineOf(connection: PlayHost['connection']): string {
  const { kind, address, port } = connection;
  if (kind === 'local' || (LOOPBACK.test(address) && port === 22)) return CONTROLLER;
  return port === 22 ? address : `${address}:${port}`;
}

function findMaster(masters: TopologyNode[], replicaOf: string, hostName: string, port: number): TopologyNode {
  const match = /^(.+):(\d+)$/.exec(replicaOf.trim());
  if (!match) {
    throw new InputError(`host ${hostName}: replica ${port} has replica_of "${replicaOf}", which is not HOST:PORT`);
  }
  const [, target, portText] = match;
  const wanted = Number(portText);
  const byName = masters.filter((m) => m.host === target && m.port === wanted);
  const byAddress = masters.filter((m) => m.address === target && m.port === wanted);
  const found = byName.length > 0 ? byName : byAddress;
  if (found.length === 1) return found[0];
  const known = masters.map((m) => m.ref).join(', ') || 'none';
  throw new InputError(
    found.length > 1
      ? `host ${hostName}: replica ${port} has replica_of ${replicaOf}, an address shared by several hosts; use the inventory host name`
      : `host ${hostName}: replica ${port} has replica_of ${replicaOf}, which is not a master (masters: ${known})`,
  );
}

/** Nodes of one host, as the per-host tasks (config, start) need them. */
export function nodesOnHost(topology: Topology, host: string): TopologyNode[] {
  return topology.nodes.filter((n) => n.host === host);
}

/**
 * The even split of redis-cli's cluster manager (`clusterManagerCommandCreate` in redis-cli.c):
 * a single-precision cursor advancing by 16384/masters, each range ending at lround(cursor + step - 1),
 * the last master taking the rest. Math.fround reproduces the C float arithmetic, so the split
 * matches redis-cli's for every count (three masters: 0-5460, 5461-10922, 10923-16383).
 */
export function slotRanges(masterCount: number): SlotRange[] {
  if (!Number.isInteger(masterCount) || masterCount < 1 || masterCount > CLUSTER_SLOTS) {
    throw new InputError(`a cluster needs between 1 and ${CLUSTER_SLOTS} masters, not ${masterCount}`);
  }
  const f = Math.fround;
  const slotsPerNode = f(CLUSTER_SLOTS / masterCount);
  const ranges: SlotRange[] = [];
  let first = 0;
  let cursor = f(0);
  for (let i = 0; i < masterCount; i++) {
    // lround rounds half away from zero; the values are non-negative, where Math.round agrees.
    let last = Math.round(f(f(cursor + slotsPerNode) - 1));
    if (last > CLUSTER_SLOTS || i === masterCount - 1) last = CLUSTER_SLOTS - 1;
    if (last < first) last = first;
    ranges.push({ first, last });
    first = last + 1;
    cursor = f(cursor + slotsPerNode);
  }
  return ranges;
}

/**
 * The topology from the play's hosts and their variables: `redis_masters` (ports),
 * `redis_replicas` (ports, or `{port, replica_of}`); address and machine (machineOf) from each
 * host's connection as the run resolved it (ansible_host or ansible_ssh_host, else the name).
 * Hosts listing neither take no part. Every module of a run computes the same answer from it.
 */
export function topologyFromPlay(hosts: readonly PlayHost[], options: TopologyOptions): Topology {
  const inputs: TopologyHostInput[] = [];
  for (const { name, vars, connection } of hosts) {
    const masters = vars.redis_masters ?? [];
    const replicas = vars.redis_replicas ?? [];
    if (!Array.isArray(masters) || !masters.every((p) => Number.isInteger(toPort(p)))) {
      throw new InputError(`host ${name}: redis_masters must be a list of ports, not ${JSON.stringify(masters)}`);
    }
    if (!Array.isArray(replicas)) throw new InputError(`host ${name}: redis_replicas must be a list, not ${JSON.stringify(replicas)}`);
    if (masters.length === 0 && replicas.length === 0) continue;
    inputs.push({
      name,
      address: connection.address,
      machine: machineOf(connection),
      masters: masters.map(toPort),
      replicas: replicas.map((entry) => replicaEntry(name, entry)),
    });
  }
  return resolveTopology(inputs, options);
}

function toPort(value: unknown): number {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as number);
}

function replicaEntry(host: string, entry: unknown): { port: number; replica_of?: string } {
  if (Number.isInteger(toPort(entry))) return { port: toPort(entry) };
  if (typeof entry === 'object' && entry !== null && Number.isInteger(toPort((entry as { port?: unknown }).port))) {
    const { port, replica_of } = entry as { port: unknown; replica_of?: unknown };
    if (replica_of !== undefined && typeof replica_of !== 'string') {
      throw new InputError(`host ${host}: redis_replicas entry ${JSON.stringify(entry)}: replica_of must be "HOST:PORT"`);
    }
    return { port: toPort(port), ...(replica_of !== undefined && { replica_of }) };
  }
  throw new InputError(`host ${host}: redis_replicas entry ${JSON.stringify(entry)} is neither a port nor {port, replica_of}`);
}

/**
 * The modules' preflight: the play's layout is resolved while the run is prepared, so a bad one
 * (a replica on its master's machine, a port claimed twice on one machine) stops the run with
 * exit 4 before anything on any host has changed, not at the first task that reads it.
 */
export async function checkPlayTopology<P extends { allow_same_host: boolean }>(
  ctx: { play: { hosts: PlayHost[] } },
  params: P,
): Promise<void> {
  topologyFromPlay(ctx.play.hosts, { allowSameHost: params.allow_same_host });
}
