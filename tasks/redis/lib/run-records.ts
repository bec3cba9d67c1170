// What the Redis tasks remember across one run, in TaskContext.runState: each node's key count
// the first time the run saw it (so rollback never flushes data that predates the run), and the
// nodes this run brought into the cluster (what rollback may reset).
import type { TaskContext } from '../../../src/modules/module.ts';

const KEYS_BEFORE = 'redis.keysBefore';
const BROUGHT_IN = 'redis.broughtIn';

function keysBeforeMap(ctx: Pick<TaskContext, 'runState'>): Map<string, number> {
  let map = ctx.runState.get(KEYS_BEFORE) as Map<string, number> | undefined;
  if (!map) ctx.runState.set(KEYS_BEFORE, (map = new Map()));
  return map;
}

/** Records the count only the first time: later reads see the run's own writes, if any. */
export function recordKeysBefore(ctx: Pick<TaskContext, 'runState'>, ref: string, keys: number): void {
  const map = keysBeforeMap(ctx);
  if (!map.has(ref)) map.set(ref, keys);
}

export function keysBefore(ctx: Pick<TaskContext, 'runState'>, ref: string): number | undefined {
  return keysBeforeMap(ctx).get(ref);
}

export function recordBroughtIn(ctx: Pick<TaskContext, 'runState'>, refs: Iterable<string>): void {
  let set = ctx.runState.get(BROUGHT_IN) as Set<string> | undefined;
  if (!set) ctx.runState.set(BROUGHT_IN, (set = new Set()));
  for (const ref of refs) set.add(ref);
}

export function broughtIn(ctx: Pick<TaskContext, 'runState'>): string[] {
  return [...((ctx.runState.get(BROUGHT_IN) as Set<string> | undefined) ?? [])];
}
