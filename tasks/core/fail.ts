import { z } from 'zod';
import { defineActionModule } from '../../src/modules/action-module.ts';

// Ansible's fail (plugins/action/fail.py): the task fails, with `msg`.

export const failParams = z.strictObject({
  msg: z.unknown().default('Failed as requested from task').describe('The failure message (any value)'),
});

export type FailParams = z.infer<typeof failParams>;

/** Pure planner: the failed result Ansible's fail registers. */
export function failResult(params: FailParams): Record<string, unknown> {
  return { changed: false, failed: true, msg: params.msg };
}

export const taskModule = defineActionModule({
  name: 'core.fail',
  summary: 'Fail the task with a message, as Ansible\'s fail (use with `when`)',
  params: failParams,
  result: (_ctx, params) => failResult(params),
});
