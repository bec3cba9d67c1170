// A lock shared by every task of one run (kept in TaskContext.runState), so per-host tasks that run
// in parallel can still take turns: a restart handler on one host waits while another host
// restarts the same master/replica pair.
import type { TaskContext } from '../../../src/modules/module.ts';

export async function withRunLock<T>(ctx: Pick<TaskContext, 'runState'>, key: string, work: () => Promise<T>): Promise<T> {
  const slot = `redis.lock:${key}`;
  const previous = (ctx.runState.get(slot) as Promise<void> | undefined) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  // The queue's tail resolves once every holder so far has released; it never rejects.
  ctx.runState.set(slot, previous.then(() => mine));
  await previous;
  try {
    return await work();
  } finally {
    release();
  }
}
