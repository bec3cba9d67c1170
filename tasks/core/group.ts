import { z } from 'zod';
import { parseGetentGroupId } from '../../src/modules/file-attrs.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { assertSucceeded, runChecked } from '../../src/modules/run-checked.ts';

// Ansible's group (ansible/modules/group.py, the Linux class): groupadd, groupmod -g, groupdel.
// The registered result is Ansible's: name, state, and for a group that exists system and gid.


export const groupParams = z
  .strictObject({
    name: z.string().min(1).regex(/^[^:\s]+$/, 'expected a group name (no spaces or colons)').describe('Name of the group'),
    gid: z.number().int().min(0).optional().describe('Numeric group id to set'),
    state: z.enum(['present', 'absent']).default('present').describe('present creates the group (and sets gid); absent deletes it'),
    system: z.boolean().default(false).describe('Create a system group (groupadd -r), only when creating'),
    non_unique: z.boolean().default(false).describe('Allow a gid another group already has (-o); needs gid'),
  })
  .refine((params) => !params.non_unique || params.gid !== undefined, { message: 'non_unique is True but all of the following are missing: gid' });

export type GroupParams = z.infer<typeof groupParams>;

export type GroupPlan = { ok: true; reason: string } | { ok: false; description: string; argv: string[] };

/** Pure planner: the group's current gid (null when it does not exist) in, the command out. */
export function planGroup(params: GroupParams, currentGid: number | null): GroupPlan {
  const { name } = params;
  const unique = params.non_unique ? ['-o'] : [];
  if (params.state === 'absent') {
    if (currentGid === null) return { ok: true, reason: `group ${name} absent` };
    return { ok: false, description: `remove group ${name}`, argv: ['groupdel', name] };
  }
  if (currentGid === null) {
    const argv = ['groupadd'];
    if (params.gid !== undefined) argv.push('-g', String(params.gid), ...unique);
    if (params.system) argv.push('-r');
    return { ok: false, description: `create group ${name}${params.gid === undefined ? '' : ` (gid ${params.gid})`}`, argv: [...argv, name] };
  }
  if (params.gid !== undefined && params.gid !== currentGid) {
    return { ok: false, description: `group ${name}: gid ${currentGid} -> ${params.gid}`, argv: ['groupmod', '-g', String(params.gid), ...unique, name] };
  }
  return { ok: true, reason: `group ${name} present (gid ${currentGid})` };
}

/** Ansible's result: name and state; system and gid when the group exists afterwards. */
export function groupResult(params: GroupParams, gid: number | null): Record<string, unknown> {
  const result: Record<string, unknown> = { name: params.name, state: params.state };
  if (gid !== null) Object.assign(result, { system: params.system, gid });
  return result;
}

async function readGid(ctx: TaskContext, name: string): Promise<number | null> {
  const result = await ctx.conn.exec(['getent', 'group', name], { signal: ctx.signal });
  if (result.code === 2) return null; // getent: key not found
  assertSucceeded(ctx, result);
  return parseGetentGroupId(result.stdout);
}

export const taskModule = defineModule<GroupParams, { argv: string[] }>({
  name: 'core.group',
  summary: 'Create, renumber or delete a local group (groupadd/groupmod/groupdel)',
  params: groupParams,

  async check(ctx, params) {
    const gid = await readGid(ctx, params.name);
    const plan = planGroup(params, gid);
    if (plan.ok) return { status: 'ok', reason: plan.reason, result: groupResult(params, gid) };
    return { status: 'change', description: plan.description, state: { argv: plan.argv } };
  },

  async apply(ctx, params, { argv }) {
    const run = await runChecked(ctx, argv);
    const result = groupResult(params, await readGid(ctx, params.name));
    if (run.stdout) result.stdout = run.stdout;
    if (run.stderr) result.stderr = run.stderr;
    return { changed: true, result };
  },
});
