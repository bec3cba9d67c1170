import { describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import { validateParams } from '../../src/modules/describe.ts';
import { createTestTaskContext } from '../../test/helpers/task-context.ts';
import { metaPlan, taskModule } from './meta.ts';

const params = (raw: unknown) => validateParams(taskModule, raw);

describe('meta', () => {
  it("plans end_host, end_play and noop with Ansible's messages", () => {
    expect(metaPlan(params({ _raw_params: 'end_host' }), 'web1')).toEqual({ action: 'end_host', result: { changed: false, msg: 'ending play for web1' } });
    expect(metaPlan(params({ free_form: 'end_play' }), 'web1')).toEqual({ action: 'end_play', result: { changed: false, msg: 'ending play' } });
    expect(metaPlan(params({ _raw_params: 'noop' }), 'web1').result).toEqual({ changed: false, msg: 'noop' });
  });

  it('ends the host or the play through the task context, and is not counted', async () => {
    const ctx = createTestTaskContext(new LocalConnection('localhost'));
    for (const action of ['end_host', 'noop', 'end_play']) await taskModule.check(ctx, params({ _raw_params: action }));
    expect(ctx.ended).toEqual(['host', 'play']);
    expect(taskModule.uncounted).toBe(true);
  });

  it('refuses other actions and a missing one', () => {
    expect(() => params({ _raw_params: 'end_everything' })).toThrow(/_raw_params/);
    expect(() => params({})).toThrow(/meta needs an action/);
  });
});
