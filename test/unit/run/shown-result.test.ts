import { describe, expect, it } from 'vitest';
import { shownResult, withoutInternalKeys } from '../../../src/run/shown-result.ts';
import { formatNodeEnd } from '../../../src/report/lines.ts';

describe('shownResult', () => {
  it("shows debug's msg alone, or its var without the status keys, as Ansible's _clean_results", () => {
    expect(shownResult('core.debug', { msg: 'hi', changed: false, failed: false, _ansible_verbose_always: true })).toEqual({ msg: 'hi' });
    expect(shownResult('core.debug', { 'r.rc': 0, changed: false, failed: false, _ansible_verbose_always: true })).toEqual({ 'r.rc': 0 });
  });

  it('shows another verbose result whole but for internal keys and failed: false; nothing without the flag', () => {
    expect(shownResult('core.assert', { changed: false, failed: false, msg: 'ok', _ansible_verbose_always: true })).toEqual({ changed: false, msg: 'ok' });
    expect(shownResult('core.assert', { changed: false, msg: 'ok' })).toBeUndefined();
  });

  it("shows a loop's items that ask for it", () => {
    expect(shownResult('core.debug', { results: [{ msg: 1, item: 1, _ansible_verbose_always: true }, { msg: 2, item: 2, _ansible_verbose_always: true }] })).toEqual({ results: [{ msg: 1 }, { msg: 2 }] });
  });

  it('keeps internal keys out of what is registered, in loop items too', () => {
    expect(withoutInternalKeys({ a: 1, _ansible_verbose_always: true, results: [{ b: 2, _ansible_no_log: false }] })).toEqual({ a: 1, results: [{ b: 2 }] });
  });
});

describe('a shown result in the output', () => {
  it("follows the status line as Ansible's JSON, keys sorted, indented by 4", () => {
    const node = { nodeId: 't@h', playIndex: 0, taskId: 't', taskName: 't', module: 'core.debug', host: 'h' };
    const lines = formatNodeEnd({ type: 'node-end', node, status: 'ok', result: { msg: 'hi', a: [1] }, durationMs: 0 }, { color: false, diff: false, verbose: false });
    expect(lines).toEqual(['[h] ok: t => {\n    "a": [\n        1\n    ],\n    "msg": "hi"\n}']);
  });
});
