import { z } from 'zod';
import type { Vars } from '../../src/inventory/types.ts';
import { defineActionModule } from '../../src/modules/action-module.ts';
import { evaluateCondition } from '../../src/playbook/template.ts';

// Ansible's assert (plugins/action/assert.py): each of `that`, in order, is a condition as `when`
// is one (Conditional); the first false one fails the task with fail_msg.

const message = z.union([z.string(), z.array(z.string())]);

export const assertParams = z.strictObject({
  that: z.union([z.string(), z.boolean(), z.array(z.union([z.string(), z.boolean()]))]).describe('A condition, or a list of them, written as for `when`; all must be true'),
  fail_msg: message.optional().describe('Message when an assertion fails (default "Assertion failed")'),
  msg: message.optional().describe('Alias of fail_msg'),
  success_msg: message.optional().describe('Message when every assertion passes (default "All assertions passed")'),
  quiet: z.boolean().default(false).describe('Do not show the result when the assertions pass'),
});

export type AssertParams = z.infer<typeof assertParams>;

/**
 * Pure planner: the assert task's result, as Ansible's: on the first false condition `failed`,
 * `assertion` (the condition as written), `evaluated_to` and `msg`; else `msg: success_msg`.
 */
export function assertResult(params: AssertParams, vars: Vars): Record<string, unknown> {
  const shown = params.quiet ? {} : { _ansible_verbose_always: true };
  const thats = Array.isArray(params.that) ? params.that : [params.that];
  for (const that of thats) {
    if (!evaluateCondition(that, vars)) {
      return { ...shown, changed: false, failed: true, evaluated_to: false, assertion: that, msg: params.fail_msg ?? params.msg ?? 'Assertion failed' };
    }
  }
  return { ...shown, changed: false, msg: params.success_msg ?? 'All assertions passed' };
}

export const taskModule = defineActionModule({
  name: 'core.assert',
  summary: 'Fail unless every condition in `that` is true, as Ansible\'s assert',
  params: assertParams,
  result: (ctx, params) => assertResult(params, ctx.host.vars),
});
