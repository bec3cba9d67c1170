import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FileStat } from '../connect/connection.ts';
import { TaskError } from '../errors.ts';
import type { ApplyResult, CheckResult, FileChange, TaskContext } from './module.ts';
import {
  applyAttributes,
  formatMode,
  hasAttributeChanges,
  planAttributes,
  resolveAttributes,
  type AttributeChanges,
  type WantedAttributes,
} from './file-attrs.ts';
import { runChecked } from './run-checked.ts';

// Putting given bytes at a path with mode/owner/group, idempotently: the shared core of copy and
// template. Files larger than this are compared by sha256sum on the host instead of read back.
const READ_BACK_LIMIT = 8 * 1024 * 1024;
const DIFF_TEXT_LIMIT = 256 * 1024;

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A file on the controller (copy src, template src); a missing one fails the task, naming it. */
export async function readControllerFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new TaskError(`cannot read ${file} on the controller: ${(error as Error).message}`, { cause: error });
  }
}

/** Text worth showing in a diff: valid UTF-8, no NUL byte, not huge. */
export function isDiffableText(data: Buffer): boolean {
  if (data.length > DIFF_TEXT_LIMIT || data.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

export function fileChangeFor(path: string, before: Buffer | null, after: Buffer): FileChange {
  if ((before === null || isDiffableText(before)) && isDiffableText(after)) {
    return { path, before: before?.toString('utf8') ?? null, after: after.toString('utf8') };
  }
  return { path, before: null, after: null, binary: true };
}

/** What the host has at the destination: its stat and either its bytes or their sha256. */
export interface DestinationFacts {
  stat: FileStat | null;
  data: Buffer | null;
  sha256: string | null;
}

export interface ContentPlan {
  write: boolean;
  attributes: AttributeChanges;
  description: string;
}

/** Pure decision: write when missing or different (and `force`), then fix attributes. */
export function planContent(
  dest: string,
  facts: DestinationFacts,
  desired: Buffer,
  wanted: WantedAttributes,
  force: boolean,
): ContentPlan {
  if (facts.stat && facts.stat.type !== 'file') {
    throw new TaskError(`${dest} exists and is a ${facts.stat.type}, not a file`);
  }
  const write = facts.stat === null || (force && facts.sha256 !== sha256(desired));
  // A write sets the wanted mode itself; ownership is compared with what is there now (a new
  // file belongs to whoever wrote it, so a wanted owner/group is always applied).
  const attributes = planAttributes(facts.stat, write ? { ...wanted, mode: undefined } : wanted);
  const parts: string[] = [];
  if (write) parts.push(facts.stat ? `update ${dest}` : `create ${dest}`);
  if (write && wanted.mode !== undefined && facts.stat?.mode !== wanted.mode) parts.push(`mode ${formatMode(wanted.mode)}`);
  parts.push(...attributes.descriptions);
  return { write, attributes, description: parts.join(', ') || `${dest} up to date` };
}

async function readDestination(ctx: TaskContext, dest: string): Promise<DestinationFacts> {
  const stat = await ctx.conn.stat(dest, { become: ctx.become });
  if (!stat || stat.type !== 'file') return { stat, data: null, sha256: null };
  if (stat.size > READ_BACK_LIMIT) {
    const result = await runChecked(ctx, ['sha256sum', '--', dest]);
    return { stat, data: null, sha256: result.stdout.split(/\s/)[0] };
  }
  const data = await ctx.conn.readFile(dest, { become: ctx.become });
  return { stat, data, sha256: data ? sha256(data) : null };
}

export interface ContentState {
  dest: string;
  desired: Buffer;
  plan: ContentPlan;
  wanted: WantedAttributes;
  previous: { data: Buffer | null; mode?: number; existed: boolean };
}

export interface ContentParams {
  mode?: string | number;
  owner?: string;
  group?: string;
  force?: boolean;
}

export async function checkContent(
  ctx: TaskContext,
  dest: string,
  desired: Buffer,
  params: ContentParams,
): Promise<CheckResult<ContentState>> {
  const [facts, wanted] = await Promise.all([readDestination(ctx, dest), resolveAttributes(ctx, params)]);
  const plan = planContent(dest, facts, desired, wanted, params.force ?? true);
  if (!plan.write && !hasAttributeChanges(plan.attributes)) {
    return { status: 'ok', reason: `${dest} up to date`, result: { dest, checksum: sha256(desired) } };
  }
  return {
    status: 'change',
    description: plan.description,
    files: plan.write ? [fileChangeFor(dest, facts.data, desired)] : undefined,
    state: {
      dest,
      desired,
      plan,
      wanted,
      previous: { data: facts.data, mode: facts.stat?.mode, existed: facts.stat !== null },
    },
  };
}

export async function applyContent(ctx: TaskContext, state: ContentState): Promise<ApplyResult> {
  const { dest, desired, plan, wanted, previous } = state;
  if (plan.write) {
    await ctx.conn.writeFile(dest, desired, { mode: wanted.mode ?? previous.mode, become: ctx.become });
  }
  await applyAttributes(ctx, dest, plan.attributes);
  return {
    changed: true,
    result: { dest, checksum: sha256(desired), size: desired.length },
    // Restoring needs the old bytes; for files too large to read back we can only leave them.
    rollbackState: plan.write && (previous.data !== null || !previous.existed) ? { dest, previous } : undefined,
  };
}

/** Puts back the file this task replaced, or removes the one it created. */
export async function rollbackContent(ctx: TaskContext, rollbackState: unknown): Promise<void> {
  if (!rollbackState) return;
  const { dest, previous } = rollbackState as { dest: string; previous: ContentState['previous'] };
  if (!previous.existed) {
    await runChecked(ctx, ['rm', '-f', '--', dest]);
  } else if (previous.data) {
    await ctx.conn.writeFile(dest, previous.data, { mode: previous.mode, become: ctx.become });
  }
}
