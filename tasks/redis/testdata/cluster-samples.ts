// CLUSTER NODES tables captured from redis 7.0.15 running the guide's single-server layout
// (masters 7300-7302, replicas 7400 -> 7301, 7401 -> 7302, 7402 -> 7300), and the facts a node
// would report for them, for the planners' tests.
import { parseClusterNodes } from '../lib/cluster-nodes.ts';
import { parseClusterInfo } from '../lib/info.ts';
import type { NodeFacts } from '../lib/node-facts.ts';
import { resolveTopology, type Topology } from '../topology.ts';

export const IDS: Record<number, string> = {
  7300: 'd55ef65a972f9a8304eed267b48495c1f27662d1',
  7301: '1fa0f70520d1152d21dd4e78d49b26fa35de79e9',
  7302: 'ac29ccb283c1a2588db1fc158d5d454e99b15022',
  7400: 'ed4f5c840cf81a21687f4c9afaa2873ebb7a197d',
  7401: 'e3a61914957fd2c4cb3acde0ea9ae53100afd421',
  7402: 'afc824823f387d35d97648dcce670d7ffcdbbe00',
};

/** The formed cluster as every node sees it (captured; "myself" is added per node below). */
export const FORMED = `
ed4f5c840cf81a21687f4c9afaa2873ebb7a197d 127.0.0.1:7400@17400 slave 1fa0f70520d1152d21dd4e78d49b26fa35de79e9 0 1795582240022 5 connected
afc824823f387d35d97648dcce670d7ffcdbbe00 127.0.0.1:7402@17402 slave d55ef65a972f9a8304eed267b48495c1f27662d1 0 1795582239004 1 connected
ac29ccb283c1a2588db1fc158d5d454e99b15022 127.0.0.1:7302@17302 master - 0 1795582241030 3 connected 10923-16383
d55ef65a972f9a8304eed267b48495c1f27662d1 127.0.0.1:7300@17300 master - 0 1795582239000 1 connected 0-5460
e3a61914957fd2c4cb3acde0ea9ae53100afd421 127.0.0.1:7401@17401 slave ac29ccb283c1a2588db1fc158d5d454e99b15022 0 1795582240528 3 connected
1fa0f70520d1152d21dd4e78d49b26fa35de79e9 127.0.0.1:7301@17301 master - 0 1795582239000 5 connected 5461-10922
`;

/** After CLUSTER MEET only: everyone knows everyone, no slots, no replication. */
export const MET = `
ed4f5c840cf81a21687f4c9afaa2873ebb7a197d 127.0.0.1:7400@17400 master - 0 1795582240022 0 connected
afc824823f387d35d97648dcce670d7ffcdbbe00 127.0.0.1:7402@17402 master - 0 1795582239004 0 connected
ac29ccb283c1a2588db1fc158d5d454e99b15022 127.0.0.1:7302@17302 master - 0 1795582241030 0 connected
d55ef65a972f9a8304eed267b48495c1f27662d1 127.0.0.1:7300@17300 master - 0 1795582239000 0 connected
e3a61914957fd2c4cb3acde0ea9ae53100afd421 127.0.0.1:7401@17401 master - 0 1795582240528 0 connected
1fa0f70520d1152d21dd4e78d49b26fa35de79e9 127.0.0.1:7301@17301 master - 0 1795582239000 0 connected
`;

/** 7300 failed and 7402 took over its slots; 7300 came back as 7402's replica. */
export const FAILED_OVER = FORMED.replace(
  'afc824823f387d35d97648dcce670d7ffcdbbe00 127.0.0.1:7402@17402 slave d55ef65a972f9a8304eed267b48495c1f27662d1 0 1795582239004 1 connected',
  'afc824823f387d35d97648dcce670d7ffcdbbe00 127.0.0.1:7402@17402 master - 0 1795582239004 7 connected 0-5460',
).replace(
  'd55ef65a972f9a8304eed267b48495c1f27662d1 127.0.0.1:7300@17300 master - 0 1795582239000 1 connected 0-5460',
  'd55ef65a972f9a8304eed267b48495c1f27662d1 127.0.0.1:7300@17300 slave afc824823f387d35d97648dcce670d7ffcdbbe00 0 1795582239000 7 connected',
);

/** A node fresh from redis-server: only itself, and no address yet (no cluster-announce-ip). */
export function freshTable(port: number): string {
  return `${IDS[port]} :${port}@${port + 10000} myself,master - 0 0 0 connected\n`;
}

/** The table as `port` prints it: its own line flagged myself. */
export function asSeenBy(table: string, port: number): string {
  return table.replace(new RegExp(`^(${IDS[port]} \\S+ )`, 'm'), '$1myself,');
}

export const CLUSTER_INFO_OK = `cluster_state:ok
cluster_slots_assigned:16384
cluster_slots_ok:16384
cluster_slots_pfail:0
cluster_slots_fail:0
cluster_known_nodes:6
cluster_size:3
cluster_current_epoch:6
`;

export const CLUSTER_INFO_FRESH = `cluster_state:fail
cluster_slots_assigned:0
cluster_slots_ok:0
cluster_known_nodes:1
cluster_size:0
`;

export function guideTopology(address = '127.0.0.1'): Topology {
  return resolveTopology(
    [
      {
        name: 'local',
        address,
        masters: [7300, 7301, 7302],
        replicas: [
          { port: 7400, replica_of: 'local:7301' },
          { port: 7401, replica_of: 'local:7302' },
          { port: 7402, replica_of: 'local:7300' },
        ],
      },
    ],
    { allowSameHost: true },
  );
}

/** Facts of all six nodes, each seeing `table(port)`. */
export function factsFor(
  table: (port: number) => string,
  options: { clusterInfo?: string; keys?: Record<number, number>; linkUp?: boolean } = {},
): Map<string, NodeFacts> {
  const facts = new Map<string, NodeFacts>();
  for (const port of Object.keys(IDS).map(Number)) {
    const view = parseClusterNodes(table(port));
    facts.set(`local:${port}`, {
      ref: `local:${port}`,
      id: IDS[port],
      view,
      cluster: parseClusterInfo(options.clusterInfo ?? CLUSTER_INFO_FRESH),
      keys: options.keys?.[port] ?? 0,
      version: [7, 0, 15],
      ...(view.myself.masterId ? { masterLinkUp: options.linkUp ?? true } : {}),
    });
  }
  return facts;
}
