// What a node says once its items ran: the loop's results collated as Ansible's TaskExecutor
// collates them, and a no_log node's events with its output hidden. From data, no host.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/run/events.ts';
import type { RunInvocation, ItemResult } from '../../../src/run/item-runner.ts';
import { collateResults } from '../../../src/run/loop-result.ts';
import { censorEvent, NO_LOG_MESSAGE } from '../../../src/run/no-log.ts';

const node = { nodeId: 't@a', playIndex: 0, taskId: 't', taskName: 't', module: 'core.file', host: 'a' };

function invocation(items: number[], skipped: number[] = [], looped = true): RunInvocation {
  const fields = (index: number) => ({ item: `i${index}`, ansible_loop_var: 'item' });
  return {
    kind: 'run', targetHost: 'a', become: false, hostVars: { vars: {}, unresolved: new Map() }, looped, pause: 0, noLog: false,
    items: items.map((index) => ({ index, vars: {}, params: {}, label: `i${index}`, resultFields: fields(index), noLog: false, scope: { environment: {} } })),
    skippedItems: skipped.map((index) => ({ index, condition: 'item != "i1"', label: `i${index}`, resultFields: fields(index), noLog: false })),
  };
}

describe('collateResults', () => {
  it('registers a loop as Ansible does: results in item order, with the loop variable, skipped items saying so', () => {
    const ran = new Map<number, ItemResult>([[0, { changed: true, failed: false, msg: 'create /a' }], [2, { changed: false, failed: false }]]);
    const result = collateResults(invocation([0, 2], [1]), ran);
    expect(result.status).toBe('changed');
    expect(result.registered).toEqual({
      changed: true, failed: false, skipped: false, msg: 'All items completed',
      results: [
        { changed: true, failed: false, msg: 'create /a', item: 'i0', ansible_loop_var: 'item' },
        { changed: false, skipped: true, skip_reason: 'Conditional result was False', item: 'i1', ansible_loop_var: 'item' },
        { changed: false, failed: false, item: 'i2', ansible_loop_var: 'item' },
      ],
    });
    expect(result.message).toBe('(item=i0) create /a; (item=i1) skipped: condition false: item != "i1"; (item=i2)');
  });

  it('fails when an item failed, naming that item, and says so in msg', () => {
    const ran = new Map<number, ItemResult>([[0, { changed: true }], [1, { changed: false, failed: true, msg: 'boom' }]]);
    const result = collateResults(invocation([0, 1]), ran);
    expect(result).toMatchObject({ status: 'failed', message: '(item=i1) boom', registered: { failed: true, changed: true, msg: 'One or more items failed' } });
  });

  it('is skipped when every item was, or the loop had none', () => {
    expect(collateResults(invocation([], [0, 1]), new Map())).toMatchObject({ status: 'skipped', registered: { skipped: true, msg: 'All items skipped' } });
    expect(collateResults(invocation([]), new Map())).toMatchObject({
      status: 'skipped', registered: { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] },
    });
  });

  it('registers a task without a loop as its one result', () => {
    const diffFiles = [{ path: '/x', before: null, after: 'x' }];
    const result = collateResults(invocation([0], [], false), new Map([[0, { changed: false, failed: false, rc: 0, msg: 'ok', diffFiles }]]));
    expect(result).toMatchObject({ status: 'ok', message: 'ok', registered: { changed: false, failed: false, rc: 0, msg: 'ok' }, files: diffFiles });
    expect(result.registered).not.toHaveProperty('diffFiles');
  });

  it('registers a module\'s own files (unarchive list_files), apart from the --diff files', () => {
    const result = collateResults(invocation([0], [], false), new Map([[0, { changed: true, files: ['a.txt', 'sub/'], diffFiles: [] }]]));
    expect(result.registered).toMatchObject({ files: ['a.txt', 'sub/'] });
    expect(result.files).toEqual([]);
  });
});

describe('censorEvent (no_log)', () => {
  it("replaces the node's messages with Ansible's words and drops its file changes", () => {
    const end: RunEvent = { type: 'node-end', node, status: 'changed', message: 'write secret', files: [{ path: '/x', before: null, after: 'pw' }], planned: true, durationMs: 1 };
    expect(censorEvent(end)).toEqual({ type: 'node-end', node, status: 'changed', message: NO_LOG_MESSAGE, planned: true, durationMs: 1 });
    expect(censorEvent({ type: 'node-log', node, level: 'warn', message: 'pw' })).toEqual({ type: 'node-log', node, level: 'warn', message: NO_LOG_MESSAGE });
    expect(censorEvent({ type: 'rollback-node', node, status: 'failed', message: 'pw' })).toMatchObject({ message: NO_LOG_MESSAGE });
  });

  it('drops a shown result (debug), as Ansible shows a censored one as a bare ok', () => {
    expect(censorEvent({ type: 'node-end', node, status: 'ok', result: { msg: 'pw' }, durationMs: 1 })).toEqual({ type: 'node-end', node, status: 'ok', durationMs: 1 });
  });

  it('keeps what the run says of the node itself', () => {
    const blocked: RunEvent = { type: 'node-end', node, status: 'blocked', message: 'build@a', durationMs: 0 };
    expect(censorEvent(blocked)).toEqual(blocked);
    const quiet: RunEvent = { type: 'node-end', node, status: 'ok', durationMs: 0 };
    expect(censorEvent(quiet)).toEqual(quiet);
  });
});
