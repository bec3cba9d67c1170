import { z } from 'zod';
import { defineActionModule } from '../../src/modules/action-module.ts';

// Ansible's meta actions that act at run time (StrategyBase._execute_meta): end_host, end_play and
// noop. flush_handlers is no task: the loader makes it a flush point (src/graph/handler-flush.ts).
// Like Ansible's, a meta task that ran is neither shown nor counted; with `when` false it is skipped.

const ACTIONS = ['end_host', 'end_play', 'noop'] as const;
export type MetaAction = (typeof ACTIONS)[number];

export const metaParams = z
  .strictObject({
    free_form: z.enum(ACTIONS).optional().describe('The action, written as `meta: end_host`: end_host ends the play for this host (not failed), end_play for every host, noop does nothing'),
    _raw_params: z.enum(ACTIONS).optional().describe('The action as written after `meta:` (same as free_form)'),
  })
  .refine((params) => (params.free_form ?? params._raw_params) !== undefined, { message: 'meta needs an action: end_host, end_play or noop' });

export type MetaParams = z.infer<typeof metaParams>;

/** Pure planner: what the action does and the result Ansible's meta gives. */
export function metaPlan(params: MetaParams, host: string): { action: MetaAction; result: Record<string, unknown> } {
  const action = (params.free_form ?? params._raw_params)!;
  const msg = { end_host: `ending play for ${host}`, end_play: 'ending play', noop: 'noop' }[action];
  return { action, result: { changed: false, msg } };
}

export const taskModule = defineActionModule({
  name: 'core.meta',
  summary: 'meta: end_host, end_play or noop, as Ansible (flush_handlers is a flush point of the play)',
  params: metaParams,
  uncounted: true,
  result(ctx, params) {
    const { action, result } = metaPlan(params, ctx.host.name);
    if (action === 'end_host') ctx.endHost();
    if (action === 'end_play') ctx.endPlay();
    return result;
  },
});
