// Reset, start and restart decisions from data, and the run lock that keeps a master and its
// replica from restarting together across hosts.
import { describe, expect, it } from 'vitest';
import { planReset, type ResetCandidate } from './lib/reset-nodes.ts';
import { pairKey, restartOrder, restartPending, type RestartNode, type RestartProbe } from './lib/restart-order.ts';
import { withRunLock } from './lib/run-lock.ts';
import { parseConfigAge, runsOldConfig } from './lib/config-age.ts';
import { planStart, type NodeRuntime } from './start.ts';
import { resolveTopology } from './topology.ts';

const candidate = (ref: string, fields: Partial<ResetCandidate> = {}): ResetCandidate => ({
  ref, keysBefore: 0, replica: false, clustered: true, keysNow: 0, ...fields,
});

describe('planReset', () => {
  const nodes = [
    candidate('s1:7300', { keysBefore: 12, keysNow: 12 }),
    candidate('s2:7400', { replica: true, keysBefore: 12, keysNow: 12 }),
    candidate('s2:7301'),
    candidate('s3:7401', { replica: true }),
    candidate('s3:7302', { clustered: false }),
  ];
  it('refuses nodes that held keys before the run, resets replicas first, skips lone empty nodes', () => {
    expect(planReset(nodes, false)).toEqual({
      reset: [{ ref: 's3:7401', replica: true }, { ref: 's2:7301', replica: false }],
      refused: [{ ref: 's1:7300', keys: 12 }, { ref: 's2:7400', keys: 12 }],
      clean: ['s3:7302'],
    });
  });
  it('flushes them too with force', () => {
    expect(planReset(nodes, true).reset.map((r) => r.ref)).toEqual(['s2:7400', 's3:7401', 's1:7300', 's2:7301']);
  });
  it('flushes keys written during the run on a node that was empty before it', () => {
    expect(planReset([candidate('s1:7300', { keysBefore: 0, keysNow: 4 })], false).reset).toHaveLength(1);
  });
});

const guide = resolveTopology(
  [
    { name: 'server1', address: '10.0.0.1', masters: [7300], replicas: [{ port: 7402 }] },
    { name: 'server2', address: '10.0.0.2', masters: [7301], replicas: [{ port: 7400 }] },
    { name: 'server3', address: '10.0.0.3', masters: [7302], replicas: [{ port: 7401 }] },
  ],
  { allowSameHost: false },
);

describe('restart ordering', () => {
  it('restarts replicas before masters on a host', () => {
    const host: RestartNode[] = [
      { ref: 'h:7300', port: 7300, role: 'master' },
      { ref: 'h:7402', port: 7402, role: 'replica', masterRef: 'x:7302' },
      { ref: 'h:7301', port: 7301, role: 'master' },
    ];
    expect(restartOrder(host).map((n) => n.ref)).toEqual(['h:7402', 'h:7300', 'h:7301']);
  });

  // Masters on one host, their replicas on the others: restarting every host at once would take
  // down a master and its replica together without the pair lock.
  const split = resolveTopology(
    [
      { name: 'server1', address: '10.0.0.1', masters: [7300, 7301], replicas: [] },
      { name: 'server2', address: '10.0.0.2', masters: [7302], replicas: [{ port: 7400, replica_of: 'server1:7300' }] },
      { name: 'server3', address: '10.0.0.3', masters: [], replicas: [{ port: 7401, replica_of: 'server1:7301' }, { port: 7402 }] },
    ],
    { allowSameHost: false },
  );
  async function restartEverywhere(lockKey: (n: RestartNode) => string): Promise<string[]> {
    const runState = new Map<string, unknown>();
    const down = new Set<string>();
    const overlaps: string[] = [];
    const byHost = ['server1', 'server2', 'server3'].map((h) => restartOrder(split.nodes.filter((n) => n.host === h)));
    await Promise.all(
      byHost.map(async (nodes) => {
        for (const node of nodes) {
          await withRunLock({ runState }, lockKey(node), async () => {
            down.add(node.ref);
            const partners = split.nodes.filter((o) => o.masterRef === node.ref || node.masterRef === o.ref);
            for (const p of partners) if (down.has(p.ref)) overlaps.push(`${node.ref} with ${p.ref}`);
            await new Promise((resolve) => setTimeout(resolve, 5));
            down.delete(node.ref);
          });
        }
      }),
    );
    return overlaps;
  }

  it('never has a master and its replica down together when every host restarts at once', async () => {
    expect(await restartEverywhere((n) => n.ref)).not.toEqual([]); // the hazard is real without the pair lock
    expect(await restartEverywhere(pairKey)).toEqual([]);
  });

  it('a master shares its lock with its replica, not with other masters', () => {
    const [m1, m2] = guide.masters;
    const r1 = guide.replicas.find((r) => r.masterRef === m1.ref)!;
    expect(pairKey(r1)).toBe(pairKey(m1));
    expect(pairKey(m2)).not.toBe(pairKey(m1));
  });

  it('waits for the node to rejoin: ping, cluster state, replica link, replicas back', () => {
    const before: RestartProbe = { answersPing: true, clusterKnownNodes: 6, clusterStateOk: true, replica: false, connectedReplicas: 1 };
    expect(restartPending(before, { ...before, answersPing: false })).toEqual(['does not answer PING']);
    expect(restartPending(before, { ...before, clusterStateOk: false, connectedReplicas: 0 })).toEqual([
      'cluster_state is not ok',
      '0 of 1 replicas reconnected',
    ]);
    const replica = { ...before, replica: true, connectedReplicas: 0 };
    expect(restartPending(replica, { ...replica, masterLinkUp: false })).toEqual(['replication link to its master is down']);
    expect(restartPending(replica, { ...replica, masterLinkUp: true })).toEqual([]);
    const alone = { ...before, clusterKnownNodes: 1, clusterStateOk: false };
    expect(restartPending(alone, { ...alone, connectedReplicas: 0 })).toEqual([]);
  });
});

describe('planStart', () => {
  const nodes = [
    { ref: 'h:7300', port: 7300, role: 'master' as const, configFile: '/srv/7300.conf' },
    { ref: 'h:7400', port: 7400, role: 'replica' as const, masterRef: 'h:7300', configFile: '/srv/7400.conf' },
  ];
  const probe: RestartProbe = { answersPing: true, clusterKnownNodes: 1, clusterStateOk: false, replica: false, connectedReplicas: 0 };
  const up = (configFile: string): NodeRuntime => ({ state: 'up', configFile, pid: 42, probe });
  const down: NodeRuntime = { state: 'down', reason: 'ECONNREFUSED' };

  it('starts what is down and leaves what runs from its config', () => {
    const runtime = new Map([['h:7300', up('/srv/7300.conf')], ['h:7400', down]]);
    expect(planStart(nodes, runtime, false)).toEqual({ start: ['h:7400'], restart: [], running: ['h:7300'] });
  });
  // A handler after a config change: restart only what runs an older config than its file.
  const aged = (configFile: string, configChangedAt: number, startedAt: number | undefined): NodeRuntime => ({
    state: 'up',
    configFile,
    pid: 42,
    probe,
    age: startedAt === undefined ? { unknown: 'no pidfile' } : { configChangedAt, startedAt },
  });
  it('restarts, replicas first, the nodes that started before their config last changed', () => {
    const runtime = new Map([
      ['h:7300', aged('/srv/7300.conf', 1700000100.5, 1700000000.25)],
      ['h:7400', aged('/srv/7400.conf', 1700000100.5, 1700000000.25)],
    ]);
    expect(planStart(nodes, runtime, true)).toEqual({ start: [], restart: ['h:7400', 'h:7300'], running: [] });
  });
  it('leaves nodes started after their config changed (the first run, just started by start)', () => {
    const runtime = new Map([
      ['h:7300', aged('/srv/7300.conf', 1700000000.248, 1700000000.772)],
      ['h:7400', aged('/srv/7400.conf', 1700000000.25, 1700000000.256)],
    ]);
    expect(planStart(nodes, runtime, true)).toEqual({ start: [], restart: [], running: ['h:7400', 'h:7300'] });
  });
  it('restarts only the node whose file changed since it started', () => {
    const runtime = new Map([
      ['h:7300', aged('/srv/7300.conf', 1700000000.248, 1700000000.772)],
      ['h:7400', aged('/srv/7400.conf', 1700000500.1, 1700000000.256)],
    ]);
    expect(planStart(nodes, runtime, true)).toEqual({ start: [], restart: ['h:7400'], running: ['h:7300'] });
  });
  it('restarts when it cannot tell: same timestamp tick, or no pidfile of that process', () => {
    const runtime = new Map([
      ['h:7300', aged('/srv/7300.conf', 1700000000.248, 1700000000.248)],
      ['h:7400', aged('/srv/7400.conf', 1700000000.248, undefined)],
    ]);
    expect(planStart(nodes, runtime, true).restart).toEqual(['h:7400', 'h:7300']);
  });
  it('starts a stopped node in restart mode instead of restarting it', () => {
    const runtime = new Map([['h:7300', aged('/srv/7300.conf', 1700000100, 1700000000)], ['h:7400', down]]);
    expect(planStart(nodes, runtime, true)).toEqual({ start: ['h:7400'], restart: ['h:7300'], running: [] });
  });
  it('refuses a port served from another config', () => {
    const runtime = new Map([['h:7300', up('/etc/redis/redis.conf')], ['h:7400', down]]);
    expect(() => planStart(nodes, runtime, false)).toThrow(/port 7300 is served by a redis-server started from \/etc\/redis\/redis.conf/);
  });
});

describe('config age from stat and the pidfile', () => {
  const stat = '1795583392.242464709\n1795583392.772993131\n';
  it('reads the config and pidfile mtimes when the pidfile is the running process\'s', () => {
    const age = parseConfigAge(stat, 0, '2247\n', 2247);
    expect(age).toEqual({ configChangedAt: 1795583392.242464709, startedAt: 1795583392.772993131 });
    expect(runsOldConfig(age)).toBe(false);
  });
  it('a config rewritten after the start is newer', () => {
    expect(runsOldConfig(parseConfigAge('1795583500.000000001\n1795583392.772993131\n', 0, '2247', 2247))).toBe(true);
  });
  it('is unknown (restart) for a stale pidfile, a missing one, or a stat that failed', () => {
    expect(parseConfigAge(stat, 0, '1999\n', 2247).unknown).toBe('pidfile names pid 1999, not 2247');
    expect(parseConfigAge(stat, 0, null, 2247).unknown).toBe('no pidfile');
    expect(parseConfigAge('1795583392.242464709\n', 1, '2247', 2247).unknown).toMatch(/exit 1/);
    expect(parseConfigAge('1795583392.%9Y\n1795583392.%9Y\n', 0, '2247', 2247).unknown).toMatch(/both mtimes/);
    expect(runsOldConfig({ unknown: 'no pidfile' })).toBe(true);
  });
});
