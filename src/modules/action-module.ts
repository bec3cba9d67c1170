import type { z } from 'zod';
import { defineModule, type TaskContext, type TaskModule } from './module.ts';

/**
 * A module that acts on the run, not on the host (Ansible's action plugins debug, set_fact,
 * assert, fail, meta, include_vars): its result is all it gives, the same in check mode, and it
 * never changes anything. A result with `failed: true` fails the task with that result registered.
 */
export interface ActionModuleSpec<P> {
  name: string;
  summary: string;
  params: z.ZodType<P>;
  uncounted?: boolean;
  preflight?: TaskModule<P, never>['preflight'];
  result(ctx: TaskContext, params: P): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export function defineActionModule<P>(spec: ActionModuleSpec<P>): TaskModule<P, never> {
  const { result, ...rest } = spec;
  return defineModule<P, never>({
    ...rest,
    async check(ctx, params) {
      return { status: 'ok', result: await result(ctx, params) };
    },
    async apply() {
      return { changed: false };
    },
  });
}
