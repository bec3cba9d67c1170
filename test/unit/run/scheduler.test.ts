import { describe, expect, it } from 'vitest';
import { buildPlayGraph } from '../../../src/graph/build.ts';
import type { GraphNode } from '../../../src/graph/types.ts';
import { runPlayGraph, type NodeOutcome } from '../../../src/run/scheduler.ts';
import { play, task } from '../../helpers/play.ts';

function schedule(tasks: ReturnType<typeof task>[], hosts: string[], behaviour: (node: GraphNode) => Promise<NodeOutcome>, signal = new AbortController().signal, forks = 4) {
  const graph = buildPlayGraph(0, play(tasks), hosts);
  const ran: string[] = [];
  const skipped: string[] = [];
  const result = runPlayGraph(graph, {
    forks,
    signal,
    runNode: async (node) => {
      ran.push(node.id);
      return behaviour(node);
    },
    skipNode: (node) => skipped.push(node.id),
  });
  return { result, ran, skipped };
}

describe('runPlayGraph', () => {
  it('blocks only the dependents of a failed node; independent work goes on', async () => {
    const tasks = [task('build'), task('start', { needs: ['build'] }), task('tune'), task('meet', { runOnce: true, needs: ['start'] })];
    const { result, ran, skipped } = schedule(tasks, ['s1', 's2'], async (node) =>
      node.id === 'build@s2' ? { status: 'failed', message: 'boom' } : { status: 'changed' },
    );
    const outcomes = await result;
    expect(outcomes.get('start@s1')!.status).toBe('changed');
    expect(outcomes.get('tune@s2')!.status).toBe('changed');
    expect(outcomes.get('start@s2')).toEqual({ status: 'blocked', message: 'build@s2 (failed)' });
    expect(outcomes.get('meet')!.status).toBe('blocked');
    expect(ran).not.toContain('start@s2');
    expect(skipped.sort()).toEqual(['meet', 'start@s2']);
  });

  it('lets dependents of an ignored error run', async () => {
    const tasks = [task('probe'), task('after', { needs: ['probe'] })];
    const { result } = schedule(tasks, ['h'], async (node) =>
      node.id === 'probe@h' ? { status: 'failed', ignoredError: true } : { status: 'ok' },
    );
    expect((await result).get('after@h')!.status).toBe('ok');
  });

  it('runs a dependency before its dependents and independent nodes concurrently', async () => {
    const order: string[] = [];
    let running = 0;
    let peak = 0;
    const tasks = [task('a'), task('b'), task('c'), task('d', { needs: ['a', 'b', 'c'] })];
    const { result } = schedule(tasks, ['h'], async (node) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      order.push(node.id);
      return { status: 'ok' };
    });
    await result;
    expect(order[3]).toBe('d@h');
    expect(peak).toBe(3);
  });

  it('never runs more nodes at once than --forks, across hosts', async () => {
    let running = 0;
    let peak = 0;
    const { result, ran } = schedule([task('a'), task('b')], ['h1', 'h2', 'h3', 'h4'], async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 10));
      running--;
      return { status: 'ok' };
    }, new AbortController().signal, 3);
    await result;
    expect(ran).toHaveLength(8);
    expect(peak).toBe(3);
  });

  it('starts nothing new after an abort and records the rest as not started', async () => {
    const controller = new AbortController();
    const tasks = [task('first'), task('second', { needs: ['first'] })];
    const { result } = schedule(tasks, ['h'], async () => {
      controller.abort();
      return { status: 'failed', message: 'aborted' };
    }, controller.signal);
    const outcomes = await result;
    expect(outcomes.get('second@h')!.status).toBe('skipped');
  });
});

describe('throttle', () => {
  it('runs at most throttle nodes of a task at once, whatever the forks', async () => {
    let running = 0;
    let most = 0;
    const { result } = schedule([task('slow', { throttle: 2 })], ['h1', 'h2', 'h3', 'h4', 'h5'], async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return { status: 'ok' };
    }, undefined, 10);
    const outcomes = await result;
    expect([...outcomes.values()].every((o) => o.status === 'ok')).toBe(true);
    expect(most).toBe(2);
  });
});
