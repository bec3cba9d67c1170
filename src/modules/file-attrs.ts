import { z } from 'zod';
import type { FileStat } from '../connect/connection.ts';
import { TaskError } from '../errors.ts';
import type { TaskContext } from './module.ts';
import { runChecked } from './run-checked.ts';

// Mode, owner and group as Ansible's file-like modules take them, shared by file, copy and template.

/** Ansible's `mode`: an octal string ('0644', '644', '1777') or a number taken as its value. */
export const modeParam = z
  .union([
    z.string().regex(/^0?[0-7]{3,4}$/, 'expected an octal mode such as "0644"'),
    z.number().int().min(0).max(0o7777),
  ])
  .describe(
    'Permission bits: an octal string such as "0644" (quote it: YAML 1.2 reads 0644 as the decimal 644), or a number taken as its value',
  );
export const ownerParam = z.string().min(1).describe('User name or numeric uid that should own the file');
export const groupParam = z.string().min(1).describe('Group name or numeric gid that should own the file');

export function parseMode(mode: string | number): number {
  return typeof mode === 'number' ? mode : Number.parseInt(mode, 8);
}

export function formatMode(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/** The gid in one `getent group` line (`name:x:gid:members`), or null when it is not one. */
export function parseGetentGroupId(output: string): number | null {
  const fields = output.trim().split('\n')[0]?.split(':') ?? [];
  if (fields.length < 3 || !/^\d+$/.test(fields[2])) return null;
  return Number(fields[2]);
}

/** The uid in one `getent passwd` line (`name:x:uid:gid:gecos:home:shell`), or null. */
export function parseGetentUserId(output: string): number | null {
  const fields = output.trim().split('\n')[0]?.split(':') ?? [];
  if (fields.length < 7 || !/^\d+$/.test(fields[2])) return null;
  return Number(fields[2]);
}

export interface WantedAttributes {
  mode?: number;
  uid?: number;
  gid?: number;
  /** As the user wrote them, for chown and messages. */
  owner?: string;
  group?: string;
}

export interface AttributeChanges {
  mode?: number;
  /** chown argument: `owner`, `owner:group` or `:group`. */
  chown?: string;
  descriptions: string[];
}

/** What must change so a file's stat matches the wanted mode/owner/group (nothing when it does). */
export function planAttributes(current: FileStat | null, wanted: WantedAttributes): AttributeChanges {
  const changes: AttributeChanges = { descriptions: [] };
  if (wanted.mode !== undefined && current?.type !== 'symlink' && current?.mode !== wanted.mode) {
    changes.mode = wanted.mode;
    changes.descriptions.push(current ? `mode ${formatMode(current.mode)} -> ${formatMode(wanted.mode)}` : `mode ${formatMode(wanted.mode)}`);
  }
  const ownerDiffers = wanted.owner !== undefined && current?.uid !== wanted.uid;
  const groupDiffers = wanted.group !== undefined && current?.gid !== wanted.gid;
  if (ownerDiffers || groupDiffers) {
    changes.chown = `${ownerDiffers ? wanted.owner : ''}${groupDiffers ? `:${wanted.group}` : ''}`;
    if (ownerDiffers) changes.descriptions.push(`owner -> ${wanted.owner}`);
    if (groupDiffers) changes.descriptions.push(`group -> ${wanted.group}`);
  }
  return changes;
}

export function hasAttributeChanges(changes: AttributeChanges): boolean {
  return changes.mode !== undefined || changes.chown !== undefined;
}

async function lookupId(ctx: TaskContext, database: 'passwd' | 'group', name: string): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  const result = await ctx.conn.exec(['getent', database, name], { signal: ctx.signal });
  const id = result.code === 0 ? (database === 'passwd' ? parseGetentUserId : parseGetentGroupId)(result.stdout) : null;
  if (id === null) throw new TaskError(`${ctx.conn.hostName}: no such ${database === 'passwd' ? 'user' : 'group'}: ${name}`);
  return id;
}

/** Resolves owner/group names to ids on the host, so they compare with a FileStat. */
export async function resolveAttributes(
  ctx: TaskContext,
  params: { mode?: string | number; owner?: string; group?: string },
): Promise<WantedAttributes> {
  return {
    mode: params.mode === undefined ? undefined : parseMode(params.mode),
    owner: params.owner,
    group: params.group,
    uid: params.owner === undefined ? undefined : await lookupId(ctx, 'passwd', params.owner),
    gid: params.group === undefined ? undefined : await lookupId(ctx, 'group', params.group),
  };
}

/** Applies planned attribute changes; `recurse` for directories, `noDereference` for symlinks. */
export async function applyAttributes(
  ctx: TaskContext,
  path: string,
  changes: AttributeChanges,
  options: { recurse?: boolean; noDereference?: boolean } = {},
): Promise<void> {
  const recurse = options.recurse ? ['-R'] : [];
  if (changes.chown !== undefined) {
    await runChecked(ctx, ['chown', ...recurse, ...(options.noDereference ? ['-h'] : []), changes.chown, '--', path]);
  }
  // chmod after chown: chown clears setuid/setgid bits the mode may ask for.
  if (changes.mode !== undefined) await runChecked(ctx, ['chmod', ...recurse, formatMode(changes.mode), '--', path]);
}
