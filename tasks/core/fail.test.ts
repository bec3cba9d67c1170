import { describe, expect, it } from 'vitest';
import { validateParams } from '../../src/modules/describe.ts';
import { failResult, taskModule } from './fail.ts';

const params = (raw: unknown) => validateParams(taskModule, raw);

describe('fail', () => {
  it("fails with msg, Ansible's default message when none is given", () => {
    expect(failResult(params({}))).toEqual({ changed: false, failed: true, msg: 'Failed as requested from task' });
    expect(failResult(params({ msg: 'stop here' }))).toEqual({ changed: false, failed: true, msg: 'stop here' });
    expect(failResult(params({ msg: { code: 3 } })).msg).toEqual({ code: 3 });
  });

  it('refuses parameters Ansible does not have', () => {
    expect(() => params({ message: 'x' })).toThrow(/unknown param 'message'/);
  });
});
