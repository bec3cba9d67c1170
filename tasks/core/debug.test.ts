import { describe, expect, it } from 'vitest';
import { validateParams } from '../../src/modules/describe.ts';
import { debugParams, debugResult, NOT_DEFINED, taskModule } from './debug.ts';

const params = (raw: unknown) => validateParams(taskModule, raw);

describe('debug', () => {
  const vars = { x: 1, r: { stdout: 'out', rc: 0 }, name: 'r', items: [1, 2] };

  it('shows msg as given (any value), "Hello world!" by default, always verbose', () => {
    expect(debugResult(params({ msg: 'hi' }), vars, 0)).toEqual({ msg: 'hi', _ansible_verbose_always: true, failed: false, changed: false });
    expect(debugResult(params({ msg: [1, { a: 2 }] }), vars, 0).msg).toEqual([1, { a: 2 }]);
    expect(debugResult(params({}), vars, 0).msg).toBe('Hello world!');
  });

  it('shows var under its own expression, evaluated as a bare template', () => {
    expect(debugResult(params({ var: 'r.stdout' }), vars, 0)).toMatchObject({ 'r.stdout': 'out' });
    expect(debugResult(params({ var: 'items' }), vars, 0)).toMatchObject({ items: [1, 2] });
    expect(debugResult(params({ var: 'r' }), vars, 0)).toMatchObject({ r: { stdout: 'out', rc: 0 } });
  });

  it("shows an expression's number as text, as Ansible's templar, a bare number variable as it is", () => {
    expect(debugResult(params({ var: 'items | length' }), vars, 0)).toMatchObject({ 'items | length': '2' });
    expect(debugResult(params({ var: 'r.rc' }), vars, 0)).toMatchObject({ 'r.rc': '0' });
    expect(debugResult(params({ var: 'x' }), vars, 0)).toMatchObject({ x: 1 });
  });

  it('says VARIABLE IS NOT DEFINED! for an undefined var, with why under -v', () => {
    expect(debugResult(params({ var: 'nope' }), vars, 0)).toMatchObject({ nope: NOT_DEFINED });
    expect(String(debugResult(params({ var: 'nope.x' }), vars, 1)['nope.x'])).toMatch(/^VARIABLE IS NOT DEFINED!: .*nope/);
  });

  it('is skipped under its verbosity, shown at or above it', () => {
    expect(debugResult(params({ msg: 'v', verbosity: 2 }), vars, 1)).toEqual({ skipped_reason: 'Verbosity threshold not met.', skipped: true, failed: false, changed: false });
    expect(debugResult(params({ msg: 'v', verbosity: '1' }), vars, 1)).toMatchObject({ msg: 'v' });
  });

  it("refuses msg with var, and parameters Ansible's debug does not have", () => {
    expect(debugParams.safeParse({ msg: 'a', var: 'b' }).success).toBe(false);
    expect(() => params({ message: 'a' })).toThrow(/unknown param 'message'/);
  });
});
