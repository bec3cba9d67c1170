// A task module run the way the engine runs one (check, then apply only when check plans a change),
// for module tests that drive real servers without a playbook.
import type { ApplyResult, TaskContext, TaskModule } from '../../src/modules/module.ts';

export async function runModule(
  module: TaskModule,
  ctx: TaskContext,
  raw: Record<string, unknown> = {},
): Promise<{ status: string; apply?: ApplyResult }> {
  const params = module.params.parse(raw);
  const checked = await module.check(ctx, params);
  if (checked.status === 'ok') return { status: 'ok' };
  const apply = await module.apply(ctx, params, checked.state);
  return { status: apply.changed ? 'changed' : 'ok', apply };
}
