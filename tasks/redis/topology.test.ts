import { connectionSpecFor } from '../../src/inventory/connection-spec.ts';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { CONTROLLER, machineOf, resolveTopology, slotRanges, nodesOnHost, topologyFromPlay, type TopologyHostInput, type TopologyOptions } from './topology.ts';

const guideHosts = (withReplicaOf: boolean): TopologyHostInput[] => [
  { name: 'server1', address: '10.0.0.1', masters: [7300], replicas: [{ port: 7402, ...(withReplicaOf && { replica_of: 'server3:7302' }) }] },
  { name: 'server2', address: '10.0.0.2', masters: [7301], replicas: [{ port: 7400, ...(withReplicaOf && { replica_of: 'server1:7300' }) }] },
  { name: 'server3', address: '10.0.0.3', masters: [7302], replicas: [{ port: 7401, ...(withReplicaOf && { replica_of: 'server2:7301' }) }] },
];

const pairs = (hosts: TopologyHostInput[], allowSameHost = false) =>
  Object.fromEntries(resolveTopology(hosts, { allowSameHost }).replicas.map((r) => [r.ref, r.masterRef]));

describe('resolveTopology', () => {
  it("places the guide's three-server layout exactly, without replica_of", () => {
    expect(pairs(guideHosts(false))).toEqual({
      'server2:7400': 'server1:7300',
      'server3:7401': 'server2:7301',
      'server1:7402': 'server3:7302',
    });
  });

  it("keeps the guide's explicit replica_of and fills in every node", () => {
    const topology = resolveTopology(guideHosts(true), { allowSameHost: false });
    expect(topology.masters.map((m) => m.ref)).toEqual(['server1:7300', 'server2:7301', 'server3:7302']);
    expect(nodesOnHost(topology, 'server1')).toEqual([
      { ref: 'server1:7300', host: 'server1', address: '10.0.0.1', machine: '10.0.0.1', port: 7300, busPort: 17300, role: 'master' },
      { ref: 'server1:7402', host: 'server1', address: '10.0.0.1', machine: '10.0.0.1', port: 7402, busPort: 17402, role: 'replica', masterRef: 'server3:7302' },
    ]);
    expect(topology.nodes).toHaveLength(6);
  });

  it('accepts a master address in replica_of', () => {
    const hosts = guideHosts(false);
    hosts[1].replicas = [{ port: 7400, replica_of: '10.0.0.3:7302' }];
    expect(pairs(hosts)['server2:7400']).toBe('server3:7302');
  });

  it("places the guide's single server only with allowSameHost", () => {
    const single: TopologyHostInput[] = [
      { name: 'local', address: '127.0.0.1', masters: [7300, 7301, 7302], replicas: [{ port: 7402 }, { port: 7400 }, { port: 7401 }] },
    ];
    expect(pairs(single, true)).toEqual({ 'local:7400': 'local:7300', 'local:7401': 'local:7301', 'local:7402': 'local:7302' });
    expect(() => resolveTopology(single, { allowSameHost: false })).toThrow(/host local: replica 7400 cannot be placed on another host/);
  });

  it('balances replicas over masters of other hosts', () => {
    const hosts: TopologyHostInput[] = [
      { name: 'a', address: 'a', masters: [7000, 7001], replicas: [] },
      { name: 'b', address: 'b', masters: [], replicas: [{ port: 7100 }, { port: 7101 }, { port: 7102 }, { port: 7103 }] },
    ];
    expect(pairs(hosts)).toEqual({ 'b:7100': 'a:7000', 'b:7101': 'a:7001', 'b:7102': 'a:7000', 'b:7103': 'a:7001' });
  });

  it('allows a master without replicas', () => {
    const hosts = guideHosts(false);
    hosts[0].replicas = [];
    expect(resolveTopology(hosts, { allowSameHost: false }).replicas).toHaveLength(2);
  });

  it('refuses a duplicate host:port, naming host and port', () => {
    const hosts = guideHosts(false);
    hosts[1].replicas = [{ port: 7301 }];
    expect(() => resolveTopology(hosts, { allowSameHost: false })).toThrow(InputError);
    expect(() => resolveTopology(hosts, { allowSameHost: false })).toThrow('host server2: port 7301 is used twice: by master 7301 and by replica 7301');
  });

  it("refuses a port that is another node's cluster bus port", () => {
    const hosts: TopologyHostInput[] = [{ name: 'h', address: 'h', masters: [7300, 17300], replicas: [] }];
    expect(() => resolveTopology(hosts, { allowSameHost: false })).toThrow(/port 17300 is used twice/);
  });

  it('refuses a port whose bus port would not fit', () => {
    const hosts: TopologyHostInput[] = [{ name: 'h', address: 'h', masters: [60000], replicas: [] }];
    expect(() => resolveTopology(hosts, { allowSameHost: false })).toThrow(/host h: master 60000 port 60000/);
  });

  it('refuses replica_of pointing to a node that is not a master', () => {
    const hosts = guideHosts(true);
    hosts[0].replicas = [{ port: 7402, replica_of: 'server3:7401' }];
    expect(() => resolveTopology(hosts, { allowSameHost: false })).toThrow(
      'host server1: replica 7402 has replica_of server3:7401, which is not a master (masters: server1:7300, server2:7301, server3:7302)',
    );
    hosts[0].replicas = [{ port: 7402, replica_of: 'server9:7302' }];
    expect(() => resolveTopology(hosts, { allowSameHost: false })).toThrow(/replica_of server9:7302, which is not a master/);
    hosts[0].replicas = [{ port: 7402, replica_of: 'server3' }];
    expect(() => resolveTopology(hosts, { allowSameHost: false })).toThrow(/"server3", which is not HOST:PORT/);
  });

  it("refuses an explicit replica on its master's host unless allowed", () => {
    const hosts = guideHosts(true);
    hosts[0].replicas = [{ port: 7402, replica_of: 'server1:7300' }];
    expect(() => resolveTopology(hosts, { allowSameHost: false })).toThrow(/host server1: replica 7402 has replica_of server1:7300, a master on the same host/);
    expect(pairs(hosts, true)['server1:7402']).toBe('server1:7300');
  });

  it('refuses replicas when no host has a master', () => {
    const hosts: TopologyHostInput[] = [{ name: 'h', address: 'h', masters: [], replicas: [{ port: 7400 }] }];
    expect(() => resolveTopology(hosts, { allowSameHost: true })).toThrow(/no host lists redis_masters/);
  });
});

describe('slotRanges', () => {
  // Printed by redis-cli.c's clusterManagerCommandCreate loop (7.0.15), compiled and run for 1..7.
  const redisCli: Record<number, [number, number][]> = {
    1: [[0, 16383]],
    2: [[0, 8191], [8192, 16383]],
    3: [[0, 5460], [5461, 10922], [10923, 16383]],
    4: [[0, 4095], [4096, 8191], [8192, 12287], [12288, 16383]],
    5: [[0, 3276], [3277, 6553], [6554, 9829], [9830, 13106], [13107, 16383]],
    6: [[0, 2730], [2731, 5460], [5461, 8191], [8192, 10922], [10923, 13652], [13653, 16383]],
    7: [[0, 2340], [2341, 4680], [4681, 7021], [7022, 9361], [9362, 11702], [11703, 14042], [14043, 16383]],
  };
  for (const [count, expected] of Object.entries(redisCli)) {
    it(`splits 16384 slots over ${count} masters as redis-cli does`, () => {
      expect(slotRanges(Number(count)).map((r) => [r.first, r.last])).toEqual(expected);
    });
  }

  it('covers every slot exactly once for larger counts', () => {
    for (const count of [11, 100, 1000]) {
      const ranges = slotRanges(count);
      expect(ranges[0].first).toBe(0);
      expect(ranges.at(-1)!.last).toBe(16383);
      ranges.slice(1).forEach((r, i) => expect(r.first).toBe(ranges[i].last + 1));
    }
  });

  it('refuses zero masters', () => {
    expect(() => slotRanges(0)).toThrow(InputError);
  });
});

/** The play's hosts as the run hands them to modules: each with its connection resolved from its variables. */
function fromPlay(hosts: { name: string; vars: Record<string, unknown> }[], options: TopologyOptions) {
  return topologyFromPlay(hosts.map((host) => ({ ...host, connection: connectionSpecFor(host) })), options);
}
const machineOfHost = (name: string, vars: Record<string, unknown>) => machineOf(connectionSpecFor({ name, vars }));

describe('topologyFromPlay', () => {
  it("reads redis_masters / redis_replicas / ansible_host from the play's hosts", () => {
    const topology = fromPlay(
      [
        { name: 'server1', vars: { ansible_host: '10.0.0.1', redis_masters: [7300], redis_replicas: [{ port: 7402, replica_of: 'server3:7302' }] } },
        { name: 'server2', vars: { redis_masters: ['7301'], redis_replicas: [7400] } },
        { name: 'server3', vars: { redis_masters: [7302], redis_replicas: [7401] } },
        { name: 'monitor', vars: {} },
      ],
      { allowSameHost: false },
    );
    expect(topology.nodes.map((n) => `${n.ref}@${n.address}>${n.masterRef ?? '-'}`)).toEqual([
      'server1:7300@10.0.0.1>-',
      'server1:7402@10.0.0.1>server3:7302',
      'server2:7301@server2>-',
      'server2:7400@server2>server1:7300',
      'server3:7302@server3>-',
      'server3:7401@server3>server2:7301',
    ]);
  });
  it('refuses malformed variables, naming the host', () => {
    expect(() => fromPlay([{ name: 'h', vars: { redis_masters: 7300 } }], { allowSameHost: false })).toThrow(/host h: redis_masters must be a list/);
    expect(() => fromPlay([{ name: 'h', vars: { redis_masters: [7300], redis_replicas: [{ replica_of: 'h:7300' }] } }], { allowSameHost: true })).toThrow(/host h: redis_replicas entry/);
  });
});

describe('inventory hosts that are one machine', () => {
  const guideOnOneMachine = (hostVars: (name: string) => Record<string, unknown>) =>
    ['server1', 'server2', 'server3'].map((name, i) => ({
      name,
      vars: { ...hostVars(name), redis_masters: [7300 + i], redis_replicas: [{ port: 7400 + i, replica_of: `server${((i + 1) % 3) + 1}:${7300 + ((i + 1) % 3)}` }] },
    }));

  it('tells machines apart by connection: local is the controller, ssh by address and port', () => {
    expect(machineOfHost('a', { ansible_connection: 'local', ansible_host: '10.0.0.5' })).toBe(CONTROLLER);
    expect(machineOfHost('a', { ansible_host: '127.0.0.1' })).toBe(CONTROLLER);
    expect(machineOfHost('localhost', {})).toBe(CONTROLLER);
    expect(machineOfHost('a', { ansible_host: '127.0.0.1', ansible_port: 2222 })).toBe('127.0.0.1:2222');
    expect(machineOfHost('a', { ansible_host: '10.0.0.1', ansible_port: '22' })).toBe('10.0.0.1');
    expect(machineOfHost('server1.example', {})).toBe('server1.example');
    // The connection as the run resolves it: Ansible's older ansible_ssh_host / ansible_ssh_port too.
    expect(machineOfHost('a', { ansible_ssh_host: '10.0.0.7', ansible_ssh_port: 2201 })).toBe('10.0.0.7:2201');
  });

  it('refuses two inventory names for one machine with the same port, naming both hosts', () => {
    const twice = [
      { name: 'redis-a', vars: { ansible_connection: 'local', redis_masters: [7300, 7301, 7302] } },
      { name: 'redis-b', vars: { ansible_host: '127.0.0.1', redis_masters: [7300] } },
    ];
    expect(() => fromPlay(twice, { allowSameHost: true })).toThrow(
      'hosts redis-a and redis-b are one machine (the controller): port 7300 is used twice: by redis-a master 7300 and by redis-b master 7300, ' +
        'which would also share its config, data and log files',
    );
    const sameAddress = [
      { name: 's1', vars: { ansible_host: '10.0.0.1', redis_masters: [7300] } },
      { name: 's2', vars: { ansible_host: '10.0.0.1', redis_masters: [7301], redis_replicas: [{ port: 17300 }] } },
    ];
    expect(() => fromPlay(sameAddress, { allowSameHost: true })).toThrow(/hosts s1 and s2 are one machine \(10\.0\.0\.1\): port 17300 is used twice/);
  });

  it('allows one machine under several names when the ports differ, and different machines sharing ports', () => {
    const sharedMachine = guideOnOneMachine(() => ({ ansible_connection: 'local' }));
    expect(fromPlay(sharedMachine, { allowSameHost: true }).nodes).toHaveLength(6);
    const forwarded = [7300, 7301].map((port, i) => ({ name: `vm${i}`, vars: { ansible_host: '127.0.0.1', ansible_port: 2200 + i, redis_masters: [7300] } }));
    expect(fromPlay(forwarded, { allowSameHost: false }).masters.map((m) => m.machine)).toEqual(['127.0.0.1:2200', '127.0.0.1:2201']);
  });

  it("refuses a replica 'on another host' that is its master's machine, unless allowed", () => {
    const sharedMachine = guideOnOneMachine(() => ({ ansible_host: '10.0.0.9' }));
    expect(() => fromPlay(sharedMachine, { allowSameHost: false })).toThrow(
      'host server1: replica 7400 has replica_of server2:7301, a master on the same machine (server2 and server1 are both 10.0.0.9); ' +
        'a failed host would take both down (set allow_same_host: true to allow it)',
    );
    // Placement without replica_of looks for another machine, not another name.
    const automatic = [
      { name: 'a1', vars: { ansible_host: '10.0.0.1', redis_masters: [7300] } },
      { name: 'a2', vars: { ansible_host: '10.0.0.1', redis_replicas: [7400] } },
    ];
    expect(() => fromPlay(automatic, { allowSameHost: false })).toThrow(
      /host a2: replica 7400 cannot be placed on another host than its master: every master is on this host or machine \(10\.0\.0\.1\)/,
    );
    const withOther = [...automatic, { name: 'b', vars: { ansible_host: '10.0.0.2', redis_masters: [7301] } }];
    expect(fromPlay(withOther, { allowSameHost: false }).replicas.map((r) => r.masterRef)).toEqual(['b:7301']);
  });
});
