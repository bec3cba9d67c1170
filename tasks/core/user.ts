import { z } from 'zod';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { assertSucceeded, runChecked } from '../../src/modules/run-checked.ts';

export const userParams = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'expected a user name').describe('Login name'),
  state: z.enum(['present', 'absent']).default('present').describe('present creates or updates the user; absent deletes it'),
  uid: z.number().int().min(0).optional().describe('Numeric user id'),
  group: z.string().optional().describe('Primary group (name or gid)'),
  groups: z
    .union([z.array(z.string()), z.string()])
    .optional()
    .describe('Supplementary groups, a list or comma-separated; [] removes all unless append'),
  append: z.boolean().default(false).describe('Add to groups instead of setting exactly groups'),
  shell: z.string().optional().describe('Login shell'),
  home: z.string().optional().describe('Home directory'),
  comment: z.string().optional().describe('GECOS field (full name)'),
  create_home: z.boolean().default(true).describe('Create the home directory when creating the user'),
  system: z.boolean().default(false).describe('Create a system account (only when creating)'),
  remove: z.boolean().default(false).describe('With state: absent, also remove the home directory and mail spool'),
});

export type UserParams = z.infer<typeof userParams>;

export interface UserFacts {
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
  /** Primary group name. */
  primaryGroup: string;
  /** Supplementary group names (primary excluded). */
  groups: string[];
}

/** Parses `getent passwd NAME`: name:password:uid:gid:gecos:home:shell. */
export function parsePasswdLine(line: string): Pick<UserFacts, 'uid' | 'gid' | 'comment' | 'home' | 'shell'> | null {
  const fields = line.trim().split('\n')[0].split(':');
  if (fields.length < 7) return null;
  return { uid: Number(fields[2]), gid: Number(fields[3]), comment: fields[4], home: fields[5], shell: fields[6] };
}

/** Supplementary groups from `id -Gn` output, without the primary group. */
export function parseIdGroups(output: string, primaryGroup: string): string[] {
  return output.trim().split(/\s+/).filter((group) => group && group !== primaryGroup);
}

export function groupList(groups: UserParams['groups']): string[] | undefined {
  if (groups === undefined) return undefined;
  return (Array.isArray(groups) ? groups : groups.split(',')).map((group) => group.trim()).filter(Boolean);
}

export type UserPlan = { ok: true; reason: string } | { ok: false; description: string; argv: string[] };

/** Pure planner: the user's facts (null when it does not exist) in, useradd/usermod/userdel out. */
export function planUser(params: UserParams, facts: UserFacts | null): UserPlan {
  const { name } = params;
  if (params.state === 'absent') {
    if (!facts) return { ok: true, reason: `user ${name} absent` };
    return { ok: false, description: `remove user ${name}`, argv: ['userdel', ...(params.remove ? ['-r'] : []), '--', name] };
  }
  const groups = groupList(params.groups);
  if (!facts) {
    const argv = ['useradd'];
    if (params.uid !== undefined) argv.push('-u', String(params.uid));
    if (params.group !== undefined) argv.push('-g', params.group);
    if (groups?.length) argv.push('-G', groups.join(','));
    if (params.shell !== undefined) argv.push('-s', params.shell);
    if (params.home !== undefined) argv.push('-d', params.home);
    if (params.comment !== undefined) argv.push('-c', params.comment);
    argv.push(params.create_home ? '-m' : '-M');
    if (params.system) argv.push('-r');
    return { ok: false, description: `create user ${name}`, argv: [...argv, '--', name] };
  }
  const argv = ['usermod'];
  const changes: string[] = [];
  if (params.uid !== undefined && params.uid !== facts.uid) {
    argv.push('-u', String(params.uid));
    changes.push(`uid ${facts.uid} -> ${params.uid}`);
  }
  if (params.group !== undefined && params.group !== facts.primaryGroup && params.group !== String(facts.gid)) {
    argv.push('-g', params.group);
    changes.push(`group ${facts.primaryGroup} -> ${params.group}`);
  }
  if (groups !== undefined) {
    const missing = groups.filter((group) => !facts.groups.includes(group));
    const extra = facts.groups.filter((group) => !groups.includes(group));
    if (missing.length || (!params.append && extra.length)) {
      argv.push(...(params.append ? ['-a'] : []), '-G', groups.join(','));
      changes.push(`groups ${facts.groups.join(',') || '-'} -> ${params.append ? `+${missing.join(',')}` : groups.join(',') || '-'}`);
    }
  }
  for (const [flag, key] of [['-s', 'shell'], ['-d', 'home'], ['-c', 'comment']] as const) {
    const wanted = params[key];
    if (wanted !== undefined && wanted !== facts[key]) {
      argv.push(flag, wanted);
      changes.push(`${key} ${facts[key] || '-'} -> ${wanted}`);
    }
  }
  if (changes.length === 0) return { ok: true, reason: `user ${name} up to date` };
  return { ok: false, description: `modify user ${name}: ${changes.join(', ')}`, argv: [...argv, '--', name] };
}

async function readUser(ctx: TaskContext, name: string): Promise<UserFacts | null> {
  const passwd = await ctx.conn.exec(['getent', 'passwd', name], { signal: ctx.signal });
  if (passwd.code === 2) return null; // getent: key not found
  assertSucceeded(ctx, passwd);
  const entry = parsePasswdLine(passwd.stdout);
  if (!entry) return null;
  const primaryGroup = (await runChecked(ctx, ['id', '-gn', '--', name], { become: false })).stdout.trim();
  const allGroups = await runChecked(ctx, ['id', '-Gn', '--', name], { become: false });
  return { ...entry, primaryGroup, groups: parseIdGroups(allGroups.stdout, primaryGroup) };
}

export const taskModule = defineModule<UserParams, { argv: string[] }>({
  name: 'core.user',
  summary: 'Create, update or delete a local user account (useradd/usermod/userdel)',
  params: userParams,

  async check(ctx, params) {
    const plan = planUser(params, await readUser(ctx, params.name));
    if (plan.ok) return { status: 'ok', reason: plan.reason };
    return { status: 'change', description: plan.description, state: { argv: plan.argv } };
  },

  async apply(ctx, params, { argv }) {
    await runChecked(ctx, argv);
    return { changed: true, result: { name: params.name, state: params.state } };
  },
});
