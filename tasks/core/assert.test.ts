import { describe, expect, it } from 'vitest';
import { validateParams } from '../../src/modules/describe.ts';
import { assertResult, taskModule } from './assert.ts';

const params = (raw: unknown) => validateParams(taskModule, raw);
const vars = { x: 1, names: ['a', 'b'], r: { rc: 0, stdout: 'ok' } };

describe('assert', () => {
  it('passes when every condition holds, with success_msg (default "All assertions passed")', () => {
    expect(assertResult(params({ that: ['x == 1', "'a' in names", 'r.rc == 0', 'r is succeeded'] }), vars)).toEqual({ _ansible_verbose_always: true, changed: false, msg: 'All assertions passed' });
    expect(assertResult(params({ that: 'x > 0', success_msg: 'fine' }), vars).msg).toBe('fine');
  });

  it('fails on the first false condition: assertion as written, evaluated_to, fail_msg or msg', () => {
    expect(assertResult(params({ that: ['x == 1', 'x == 2', 'x == 3'] }), vars)).toEqual({
      _ansible_verbose_always: true, changed: false, failed: true, evaluated_to: false, assertion: 'x == 2', msg: 'Assertion failed',
    });
    expect(assertResult(params({ that: 'x == 2', fail_msg: 'bad', msg: 'other' }), vars).msg).toBe('bad');
    expect(assertResult(params({ that: 'x == 2', msg: ['two', 'lines'] }), vars).msg).toEqual(['two', 'lines']);
  });

  it('is not shown when quiet', () => {
    expect(assertResult(params({ that: 'x == 1', quiet: true }), vars)).toEqual({ changed: false, msg: 'All assertions passed' });
  });

  it('evaluates conditions as `when` does: an undefined variable is an error naming it', () => {
    expect(() => assertResult(params({ that: 'nope == 1' }), vars)).toThrow(/nope/);
    expect(assertResult(params({ that: 'nope is not defined' }), vars).failed).toBeUndefined();
  });

  it('requires that', () => {
    expect(() => params({ msg: 'x' })).toThrow(/that/);
  });
});
