// The cluster planners from captured CLUSTER NODES tables: fresh nodes, met only, partly slotted,
// formed, failed over; and the refusals.
import { describe, expect, it } from 'vitest';
import { planAddSlots } from './addslots.ts';
import { meshProblems, planMeet } from './meet.ts';
import { planReplicate } from './replicate.ts';
import {
  asSeenBy, CLUSTER_INFO_OK, factsFor, FAILED_OVER, FORMED, freshTable, guideTopology, IDS, MET,
} from './testdata/cluster-samples.ts';
import { clusterProblems } from './wait.ts';

const topology = guideTopology();
const GUIDE_RANGES = [
  { ref: 'local:7300', ranges: [{ first: 0, last: 5460 }] },
  { ref: 'local:7301', ranges: [{ first: 5461, last: 10922 }] },
  { ref: 'local:7302', ranges: [{ first: 10923, last: 16383 }] },
];

describe('fresh nodes', () => {
  const facts = factsFor(freshTable);
  it('meets every other node from the first, and all six are brought in', () => {
    const plan = planMeet(topology, facts);
    expect(plan.seed).toBe('local:7300');
    expect(plan.meet).toEqual(['local:7301', 'local:7302', 'local:7400', 'local:7401', 'local:7402']);
    expect(plan.broughtIn).toHaveLength(6);
    expect(plan.refused).toEqual([]);
    expect(meshProblems(topology, facts)).toHaveLength(6);
  });
  it('is far from healthy', () => {
    expect(clusterProblems(topology, facts)).toContain('local:7300: cluster_state:fail');
  });
});

describe('met, no slots yet (a run stopped after meet)', () => {
  const facts = factsFor((port) => asSeenBy(MET, port), { clusterInfo: 'cluster_state:fail\ncluster_known_nodes:6\n' });
  it('meets nobody and sees a full mesh', () => {
    expect(planMeet(topology, facts)).toMatchObject({ meet: [], broughtIn: [] });
    expect(meshProblems(topology, facts)).toEqual([]);
  });
  it("assigns redis-cli's three ranges and replicates each replica to its master's id", () => {
    expect(planAddSlots(topology, facts)).toEqual({ assign: GUIDE_RANGES, refused: [] });
    expect(planReplicate(topology, facts).replicate).toEqual([
      { ref: 'local:7400', masterRef: 'local:7301', masterId: IDS[7301] },
      { ref: 'local:7401', masterRef: 'local:7302', masterId: IDS[7302] },
      { ref: 'local:7402', masterRef: 'local:7300', masterId: IDS[7300] },
    ]);
  });
  it('assigns only what no node serves when slots were partly added', () => {
    const partial = MET.replace(`${IDS[7301]} 127.0.0.1:7301@17301 master - 0 1795582239000 0 connected`, `${IDS[7301]} 127.0.0.1:7301@17301 master - 0 1795582239000 0 connected 5461-8000 9000`);
    const plan = planAddSlots(topology, factsFor((port) => asSeenBy(partial, port)));
    expect(plan.assign).toEqual([
      GUIDE_RANGES[0],
      { ref: 'local:7301', ranges: [{ first: 8001, last: 8999 }, { first: 9001, last: 10922 }] },
      GUIDE_RANGES[2],
    ]);
  });
});

describe('formed cluster', () => {
  const facts = factsFor((port) => asSeenBy(FORMED, port), { clusterInfo: CLUSTER_INFO_OK });
  it('plans nothing anywhere and is healthy', () => {
    expect(planMeet(topology, facts).meet).toEqual([]);
    expect(planAddSlots(topology, facts).assign).toEqual([]);
    expect(planReplicate(topology, facts)).toMatchObject({ replicate: [], refused: [] });
    expect(clusterProblems(topology, facts)).toEqual([]);
  });
  it('reports a replica whose link is down', () => {
    const down = factsFor((port) => asSeenBy(FORMED, port), { clusterInfo: CLUSTER_INFO_OK, linkUp: false });
    expect(clusterProblems(topology, down)).toContain('local:7400: replication link to local:7301 is down');
  });
});

describe('failed over (7402 took over from 7300)', () => {
  const facts = factsFor((port) => asSeenBy(FAILED_OVER, port), { clusterInfo: CLUSTER_INFO_OK });
  it('counts the swapped pair as in place and changes nothing', () => {
    expect(planAddSlots(topology, facts).assign).toEqual([]);
    const plan = planReplicate(topology, facts);
    expect(plan.replicate).toEqual([]);
    expect(plan.inPlace).toContain('local:7402 -> local:7300 (failed over: local:7402 is the master)');
    expect(clusterProblems(topology, facts)).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses to meet a node holding keys, or one in another cluster', () => {
    const stranger = 'b'.repeat(40);
    const keyed = factsFor((port) =>
      port === 7302 ? `${freshTable(7302)}${stranger} 10.9.9.9:6379@16379 master - 0 0 1 connected 0-16383\n` : freshTable(port),
      { keys: { 7401: 3 } },
    );
    expect(planMeet(topology, keyed).refused).toEqual([
      { ref: 'local:7302', reason: 'already in another cluster (knows 10.9.9.9:6379)' },
      { ref: 'local:7401', reason: 'holds 3 keys; reset it first (redis.reset with force: true)' },
    ]);
  });
  it('refuses the would-be seed (7300, first in order) when it holds keys or is in another cluster', () => {
    // Every node knows no planned peer, so 7300 would seed the meet: it is checked like the rest.
    expect(planMeet(topology, factsFor(freshTable, { keys: { 7300: 2 } })).refused).toEqual([
      { ref: 'local:7300', reason: 'holds 2 keys; reset it first (redis.reset with force: true)' },
    ]);
    const stranger = 'b'.repeat(40);
    const foreign = factsFor((port) =>
      port === 7300 ? `${freshTable(7300)}${stranger} 10.9.9.9:6379@16379 master - 0 0 1 connected 0-16383\n` : freshTable(port),
    );
    expect(planMeet(topology, foreign).refused).toEqual([{ ref: 'local:7300', reason: 'already in another cluster (knows 10.9.9.9:6379)' }]);
  });
  it('lets a seed that already knows planned peers (our cluster) keep its keys, and meets the rest from it', () => {
    // 7300 and 7301 met earlier and 7300 holds a key: that is our cluster's data, not a stranger's.
    const pair = `${IDS[7300]} 127.0.0.1:7300@17300 master - 0 0 0 connected\n${IDS[7301]} 127.0.0.1:7301@17301 master - 0 0 0 connected\n`;
    const facts = factsFor((port) => (port === 7300 || port === 7301 ? asSeenBy(pair, port) : freshTable(port)), { keys: { 7300: 1 } });
    const plan = planMeet(topology, facts);
    expect(plan).toMatchObject({ seed: 'local:7300', refused: [], meet: ['local:7302', 'local:7400', 'local:7401', 'local:7402'] });
    // Only the fresh ones are brought in by this run: rollback may reset them, never 7300.
    expect(plan.broughtIn).toEqual(['local:7302', 'local:7400', 'local:7401', 'local:7402']);
    // Every node of a formed cluster may hold keys: nothing is refused, nothing to meet.
    const formed = factsFor((port) => asSeenBy(FORMED, port), { keys: { 7300: 5, 7301: 3, 7402: 5 } });
    expect(planMeet(topology, formed)).toMatchObject({ meet: [], refused: [] });
  });
  it('refuses to turn a master serving slots into a replica', () => {
    const serving = MET.replace(`${IDS[7400]} 127.0.0.1:7400@17400 master - 0 1795582240022 0 connected`, `${IDS[7400]} 127.0.0.1:7400@17400 master - 0 1795582240022 0 connected 0-10`);
    const plan = planReplicate(topology, factsFor((port) => asSeenBy(serving, port)));
    expect(plan.refused).toEqual([{ ref: 'local:7400', reason: 'is a master serving slots' }]);
  });
});
