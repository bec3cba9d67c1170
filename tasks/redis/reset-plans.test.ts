// The partial reset's decisions from captured CLUSTER NODES tables: which remaining node must
// CLUSTER FORGET which reset one (Redis refuses itself, its master, an unknown id), and the failure
// that names every node not reset.
import { describe, expect, it } from 'vitest';
import { isAlreadyForgotten, planForget } from './lib/forget-plan.ts';
import { planReset, resetCandidate, resetFailure, wholeResetRefusal } from './lib/reset-nodes.ts';
import { asSeenBy, factsFor, FORMED, freshTable, IDS } from './testdata/cluster-samples.ts';

const formed = factsFor((port) => asSeenBy(FORMED, port));
const left = (...ports: number[]) => ports.map((port) => ({ ref: `local:${port}`, id: IDS[port] }));
const remainingExcept = (...ports: number[]) => [...formed.values()].filter((f) => !ports.some((p) => f.ref === `local:${p}`));
const noRunState = { runState: new Map<string, unknown>() } as never;

describe('CLUSTER FORGET after a partial reset of the formed cluster', () => {
  it('has every remaining node forget every reset node it lists', () => {
    // Scope run rollback: 7400 and 7401 were reset; the other four stay in the cluster.
    const plan = planForget(left(7400, 7401), remainingExcept(7400, 7401));
    expect(plan.cannot).toEqual([]);
    expect(plan.send.map((s) => s.on).sort()).toEqual(['local:7300', 'local:7301', 'local:7302', 'local:7402']);
    for (const step of plan.send) expect(step.forget.map((f) => f.ref)).toEqual(['local:7400', 'local:7401']);
  });

  it('never asks a replica to forget its own master, and says so', () => {
    // 7301 was reset but its replica 7400 stayed (it held keys before the run).
    const plan = planForget(left(7301), remainingExcept(7301));
    expect(plan.cannot).toEqual([{ on: 'local:7400', left: 'local:7301' }]);
    expect(plan.send.map((s) => s.on).sort()).toEqual(['local:7300', 'local:7302', 'local:7401', 'local:7402']);
  });

  it('never asks a node to forget itself, nor one it does not list', () => {
    const fresh7302 = factsFor(freshTable).get('local:7302')!;
    const plan = planForget(left(7300, 7302), [formed.get('local:7302')!, fresh7302, formed.get('local:7400')!, formed.get('local:7401')!]);
    // 7302 (either table) is itself a left node; 7400 lists both; 7401 follows 7302.
    expect(plan.send).toEqual([{ on: 'local:7400', forget: left(7300, 7302) }, { on: 'local:7401', forget: left(7300) }]);
    expect(plan.cannot).toEqual([{ on: 'local:7401', left: 'local:7302' }]);
    expect(planForget(left(7300), [factsFor(freshTable).get('local:7301')!]).send).toEqual([]);
  });

  it('sends nothing when every node was reset (scope all, one node unreachable)', () => {
    expect(planForget(left(7300, 7301, 7302, 7400, 7402), [])).toEqual({ send: [], cannot: [] });
  });

  it("takes Redis's 'Unknown node' answer as already forgotten, and nothing else", () => {
    expect(isAlreadyForgotten(new Error(`ERR Unknown node ${IDS[7300]}`))).toBe(true);
    expect(isAlreadyForgotten(new Error("ERR Can't forget my master!"))).toBe(false);
  });
});

describe('reset of the reachable nodes only', () => {
  it('plans the reachable ones, replicas first, and leaves the unreachable one out', () => {
    const reachable = ['local:7300', 'local:7301', 'local:7302', 'local:7400', 'local:7402'];
    const plan = planReset(reachable.map((ref) => resetCandidate(noRunState, formed.get(ref)!, 0)), true);
    expect(plan.reset.map((r) => r.ref)).toEqual(['local:7400', 'local:7402', 'local:7300', 'local:7301', 'local:7302']);
  });

  it('fails naming each unreachable and each half-reset node, not the refused ones (reported, not failed)', () => {
    const outcome = {
      unreachable: [{ ref: 'local:7401', reason: 'redis at 127.0.0.1:7401: connect ECONNREFUSED' }],
      failed: [{ ref: 'local:7302', reason: 'still holds 3 keys after FLUSHALL' }],
      refused: [{ ref: 'local:7300', keys: 2 }],
    };
    expect(resetFailure(outcome)).toBe(
      'not reset, unreachable: local:7401 (redis at 127.0.0.1:7401: connect ECONNREFUSED); reset failed: local:7302 (still holds 3 keys after FLUSHALL)',
    );
    expect(resetFailure({ unreachable: [], failed: [] })).toBeUndefined();
  });
});

describe('the on-purpose reset (scope all) without force', () => {
  // The formed cluster after a write to 7301's slots: 7301 and its replica 7400 hold the key.
  const keyed = factsFor((port) => asSeenBy(FORMED, port), { keys: { 7301: 1, 7400: 1 } });
  const candidates = [...keyed.values()].map((f) => resetCandidate(noRunState, f));

  it('is refused as a whole, naming every node with keys, when any node holds keys', () => {
    const plan = planReset(candidates, false);
    // planReset alone would reset the four empty nodes and leave a half-reset cluster behind.
    expect(plan.reset.map((r) => r.ref)).toEqual(['local:7401', 'local:7402', 'local:7300', 'local:7302']);
    expect(wholeResetRefusal(plan.refused)).toBe(
      'refusing to reset any node: local:7301 (1 keys), local:7400 (1 keys) hold keys; nothing was changed (rerun with force=true to flush them)',
    );
  });

  it('goes ahead when no node holds keys, or with force', () => {
    const empty = [...factsFor((port) => asSeenBy(FORMED, port)).values()].map((f) => resetCandidate(noRunState, f));
    expect(wholeResetRefusal(planReset(empty, false).refused)).toBeUndefined();
    expect(wholeResetRefusal(planReset(candidates, true).refused)).toBeUndefined();
  });
});
