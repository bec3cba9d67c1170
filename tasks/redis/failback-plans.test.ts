// redis.failback's decisions from captured CLUSTER NODES tables and INFO replication text: which
// planned master is failed back, when it is kept (redis_failback: false), when it has caught up,
// and when the roles count as switched.
import { describe, expect, it } from 'vitest';
import { describeFailback, failbackUpToDate, planFailback, type FailbackStep } from './failback.ts';
import { catchUpProblems, switchProblems } from './lib/failback-steps.ts';
import { parseInfo } from './lib/info.ts';
import { replicationState } from './lib/node-facts.ts';
import { asSeenBy, CLUSTER_INFO_OK, factsFor, FAILED_OVER, FORMED, guideTopology, IDS, MET } from './testdata/cluster-samples.ts';

const topology = guideTopology();
const on = { failback: true };
const STEP: FailbackStep = { ref: 'local:7300', replacementRef: 'local:7402', back: true };
const failedOver = (options: Parameters<typeof factsFor>[1] = {}) => factsFor((port) => asSeenBy(FAILED_OVER, port), { clusterInfo: CLUSTER_INFO_OK, ...options });

describe('planFailback', () => {
  it('fails back a planned master that came back as the replica of its replacement', () => {
    const plan = planFailback(topology, failedOver(), on);
    expect(plan).toEqual({ failback: [STEP], kept: [] });
    expect(failbackUpToDate(plan)).toBeUndefined();
    expect(describeFailback(plan)).toBe('fail back local:7300: master again, local:7402 its replica');
  });

  it('keeps the roles with failback off, and says which', () => {
    const plan = planFailback(topology, failedOver(), { failback: false });
    expect(plan.failback).toEqual([]);
    expect(failbackUpToDate(plan)).toBe('failback off (redis_failback: false), current roles kept: local:7402 is the master, local:7300 its replica');
  });

  it('has nothing to do on the cluster as planned, nor on one without slots yet', () => {
    const formed = planFailback(topology, factsFor((port) => asSeenBy(FORMED, port), { clusterInfo: CLUSTER_INFO_OK }), on);
    expect(formed).toEqual({ failback: [], kept: [] });
    expect(failbackUpToDate(formed)).toBe('every planned master is master');
    expect(planFailback(topology, factsFor((port) => asSeenBy(MET, port)), on).failback).toEqual([]);
  });

  it('plans the failback from the survivors while the planned master is still down (--check before the restart)', () => {
    // 7300 does not answer; the others list it as a failed master without slots, as after a failover.
    const down = FAILED_OVER.replace(`${IDS[7300]} 127.0.0.1:7300@17300 slave ${IDS[7402]} 0 1795582239000 7 connected`, `${IDS[7300]} 127.0.0.1:7300@17300 master,fail - 0 1795582239000 1 disconnected`);
    const facts = factsFor((port) => asSeenBy(down, port), { clusterInfo: CLUSTER_INFO_OK });
    facts.delete('local:7300');
    const plan = planFailback(topology, facts, on);
    expect(plan.failback).toEqual([{ ...STEP, back: false }]);
    expect(describeFailback(plan)).toBe('fail back local:7300: master again, local:7402 its replica (once local:7300 is back)');
    // A host given by name announces no IP: the silent node is found by its port instead.
    const named = guideTopology('redis-a.example');
    expect(planFailback(named, facts, on).failback).toEqual([{ ...STEP, back: false }]);
  });

  it('says the planned master is still syncing when its link is down', () => {
    const plan = planFailback(topology, failedOver({ linkUp: false }), on);
    expect(describeFailback(plan)).toBe('fail back local:7300: master again, local:7402 its replica (once it has synced: its link is down)');
  });

  it('leaves a pair alone while both claim slots (the returning master not yet told), for redis.wait to settle', () => {
    // 7300 back with its old view for a moment: master of 0-5460, while 7402 serves them at a higher epoch.
    const racing = FAILED_OVER.replace(`${IDS[7300]} 127.0.0.1:7300@17300 slave ${IDS[7402]} 0 1795582239000 7 connected`, `${IDS[7300]} 127.0.0.1:7300@17300 master - 0 1795582239000 1 connected 0-5460`);
    expect(planFailback(topology, factsFor((port) => asSeenBy(racing, port)), on).failback).toEqual([]);
  });
});

describe('catching up (INFO replication: the replacement read first, then the planned master)', () => {
  const master = (offset: number) => parseInfo(`# Replication\r\nrole:master\r\nconnected_slaves:1\r\nmaster_repl_offset:${offset}\r\n`);
  const replica = (offset: number, link = 'up') =>
    parseInfo(`# Replication\r\nrole:slave\r\nmaster_host:10.0.0.2\r\nmaster_port:7402\r\nmaster_link_status:${link}\r\nslave_repl_offset:${offset}\r\n`);

  it('is caught up at an equal offset, or a higher one (the master was read first)', () => {
    expect(catchUpProblems(STEP, master(5000), replica(5000))).toEqual([]);
    expect(catchUpProblems(STEP, master(5000), replica(5014))).toEqual([]);
  });
  it('names the node and how far behind it is', () => {
    expect(catchUpProblems(STEP, master(9000), replica(5000))).toEqual(['local:7300 is 4000 bytes behind local:7402 (slave_repl_offset 5000, master_repl_offset 9000)']);
  });
  it('waits for a link that is down, and refuses roles that are not a replica of a master', () => {
    expect(catchUpProblems(STEP, master(10), replica(10, 'down'))).toEqual(['local:7300: replication link to local:7402 is down']);
    expect(catchUpProblems(STEP, replica(10), replica(10))).toEqual(['local:7402 is not a master (role:slave)']);
    expect(catchUpProblems(STEP, master(10), master(10))).toEqual(['local:7300 is not a replica (role:master)']);
  });
  it('reads role and offset into the facts', () => {
    expect(replicationState(master(42))).toEqual({ role: 'master', offset: 42 });
    expect(replicationState(replica(41))).toEqual({ role: 'replica', offset: 41 });
    expect(replicationState(parseInfo('role:master\n'))).toBeUndefined();
  });
});

describe('roles switched', () => {
  it('once the planned master serves slots and its replacement follows it', () => {
    expect(switchProblems(STEP, factsFor((port) => asSeenBy(FORMED, port)))).toEqual([]);
  });
  it('not while the failover is still the other way round, nor when a node does not answer', () => {
    expect(switchProblems(STEP, failedOver())).toEqual(['local:7300 is not master again', 'local:7402 does not follow local:7300 yet']);
    const facts = failedOver();
    facts.delete('local:7402');
    expect(switchProblems(STEP, facts)).toEqual(['local:7402 did not answer']);
  });
  it('not while INFO still reports the old role (CLUSTER NODES switched first)', () => {
    const facts = factsFor((port) => asSeenBy(FORMED, port));
    facts.set('local:7300', { ...facts.get('local:7300')!, replication: { role: 'replica', offset: 1 } });
    expect(switchProblems(STEP, facts)).toEqual(['local:7300 is not master again']);
  });
});
