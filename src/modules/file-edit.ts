import path from 'node:path';
import type { FileStat } from '../connect/connection.ts';
import { TaskError } from '../errors.ts';
import { tempPathBeside } from '../connect/atomic-write.ts';
import { splitCommandLine } from './command-line.ts';
import { fileChangeFor, rollbackContent } from './file-content.ts';
import {
  applyAttributes,
  hasAttributeChanges,
  planAttributes,
  resolveAttributes,
  type AttributeChanges,
} from './file-attrs.ts';
import type { z } from 'zod';
import type { ApplyResult, CheckResult, TaskContext, TaskModule } from './module.ts';
import { runChecked } from './run-checked.ts';
import { expandUserPath } from './user-path.ts';

// Editing a file in place, as lineinfile, blockinfile and replace do: read it once (through a
// symlink, as Ansible's open() does), let the module's pure planner turn the old bytes into new
// ones, then write atomically to the link's target, with Ansible's backup file, its "ownership,
// perms or SE linux context changed" message and its rule that check mode on a missing file
// says nothing about attributes.

/** What the module's planner decided: the new bytes (or null: leave the content), Ansible's msg. */
export interface EditPlan {
  content: Buffer | null;
  msg: string;
  /** Fields registered beside changed/msg (found, rc, ...). */
  result?: Record<string, unknown>;
  /** True when the planner already ended the module, as Ansible's early exit_json (attributes untouched). */
  final?: boolean;
}

export interface EditParams {
  mode?: string | number;
  owner?: string;
  group?: string;
  backup?: boolean;
  validate?: string;
}

export interface EditOptions {
  /** Where the backup's name is registered: lineinfile's `backup`, blockinfile/replace's `backup_file`. */
  backupField: 'backup' | 'backup_file';
  /** lineinfile registers `backup: ""` when there is none; the others leave the field out. */
  emptyBackup?: boolean;
}

export interface EditState {
  path: string;
  target: string;
  content: Buffer | null;
  existed: boolean;
  previous: FileStat | null;
  /** The bytes replaced, for undo_on_failure. */
  before: Buffer | null;
  attributes: AttributeChanges;
  backup: boolean;
  validate?: string;
  result: Record<string, unknown>;
  backupField: EditOptions['backupField'];
}

const ATTRIBUTES_MESSAGE = 'ownership, perms or SE linux context changed';
/** A file Ansible creates gets 0666 less the usual umask 022. */
const NEW_FILE_MODE = 0o644;

async function readForEdit(ctx: TaskContext, file: string): Promise<{ target: string; stat: FileStat | null; data: Buffer | null }> {
  let target = file;
  let stat = await ctx.conn.stat(file, { become: ctx.become });
  if (stat?.type === 'symlink') {
    target = (await runChecked(ctx, ['readlink', '-f', '--', file])).stdout.trim() || file;
    stat = await ctx.conn.stat(target, { become: ctx.become });
  }
  if (stat?.type === 'directory') throw new TaskError(`Path ${file} is a directory !`);
  if (stat && stat.type !== 'file') throw new TaskError(`Path ${file} is not a regular file`);
  const data = stat ? await ctx.conn.readFile(target, { become: ctx.become }) : null;
  return { target, stat, data };
}

/** Ansible's message when attributes change too: "line added and ownership, perms ...". */
export function withAttributesMessage(msg: string, attributesChange: boolean): string {
  if (!attributesChange) return msg;
  return msg ? `${msg} and ${ATTRIBUTES_MESSAGE}` : ATTRIBUTES_MESSAGE;
}

export async function checkEdit(
  ctx: TaskContext,
  file: string,
  params: EditParams,
  options: EditOptions,
  planner: (data: Buffer | null) => EditPlan,
): Promise<CheckResult<EditState>> {
  file = await expandUserPath(ctx, file);
  const [{ target, stat, data }, wanted] = await Promise.all([readForEdit(ctx, file), resolveAttributes(ctx, params)]);
  const plan = planner(data);
  const contentChanges = plan.content !== null && (data === null || !plan.content.equals(data));
  // A file about to be created is judged as Ansible's new file: 0644, owned by whoever writes it.
  const predicted: FileStat | null = stat ?? (contentChanges ? { type: 'file', mode: NEW_FILE_MODE, uid: -1, gid: -1, size: 0 } : null);
  // Check mode on a missing file ends before attributes (Ansible's early exit_json), and so does a planner's final word.
  const skipAttributes = plan.final || predicted === null || (ctx.checkMode && stat === null);
  const attributes = skipAttributes ? { descriptions: [] } : planAttributes(predicted, wanted);
  const attributesChange = hasAttributeChanges(attributes);
  const msg = withAttributesMessage(plan.msg, attributesChange);
  const result: Record<string, unknown> = { ...plan.result, ...(options.emptyBackup ? { [options.backupField]: '' } : {}) };
  if (!contentChanges && !attributesChange) return { status: 'ok', reason: msg, result };
  return {
    status: 'change',
    description: msg,
    files: contentChanges ? [fileChangeFor(file, data, plan.content!)] : undefined,
    state: {
      path: file,
      target,
      content: contentChanges ? plan.content : null,
      existed: stat !== null,
      previous: stat,
      before: data,
      attributes,
      backup: params.backup ?? false,
      validate: params.validate,
      result: { ...result, msg },
      backupField: options.backupField,
    },
  };
}

/** Ansible's `validate`: the command, `%s` the new content's temporary path, must exit 0. */
async function validateContent(ctx: TaskContext, target: string, content: Buffer, validate: string): Promise<void> {
  const temp = tempPathBeside(target);
  await ctx.conn.writeFile(temp, content, { mode: 0o600, become: ctx.become });
  try {
    // Python's `validate % tmpfile`: every %s is the path and %% a percent sign.
    const argv = splitCommandLine(validate).map((arg) => arg.replace(/%([s%])/g, (_, c: string) => (c === 's' ? temp : '%')));
    const result = await ctx.conn.exec(argv, { become: ctx.become, signal: ctx.signal });
    if (result.code !== 0) throw new TaskError(`failed to validate: rc:${result.code} error:${result.stderr}`);
  } finally {
    await ctx.conn.exec(['rm', '-f', '--', temp], { become: ctx.become });
  }
}

/** Ansible's backup_local name: path.PID.YYYY-MM-DD@HH:MM:SS~ (the pid is ours, at random). */
export function backupName(file: string, now: Date, pid: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}@${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}~`;
  return `${file}.${pid}.${stamp}`;
}

export async function applyEdit(ctx: TaskContext, state: EditState): Promise<ApplyResult> {
  const result = { ...state.result };
  if (state.content !== null) {
    if (state.backup && state.existed) {
      const backup = backupName(state.target, new Date(), 10000 + Math.floor(Math.random() * 50000));
      await runChecked(ctx, ['cp', '-p', '--', state.target, backup]);
      result[state.backupField] = backup;
    }
    if (!state.existed) await runChecked(ctx, ['mkdir', '-p', '--', path.posix.dirname(state.target)]);
    if (state.validate !== undefined) await validateContent(ctx, state.target, state.content, state.validate);
    await ctx.conn.writeFile(state.target, state.content, { mode: state.previous?.mode ?? NEW_FILE_MODE, become: ctx.become });
    // The rename put a new file in place: as root, give it back its owner (Ansible's atomic_move keeps it).
    const previous = state.previous;
    if (previous && ctx.become && state.attributes.chown === undefined) {
      await runChecked(ctx, ['chown', `${previous.uid}:${previous.gid}`, '--', state.target]);
    }
  }
  await applyAttributes(ctx, state.target, state.attributes);
  // Undone (with undo_on_failure) as copy's writes are: the old bytes back, or the new file removed.
  const rollbackState = state.content === null ? undefined : { dest: state.target, previous: { data: state.before, mode: state.previous?.mode, existed: state.existed } };
  return { changed: true, result, rollbackState };
}

/** A file-editing module: its params, where its backup name goes, and its pure planner. */
export function defineEditModule<P extends EditParams & { path: string }>(spec: {
  name: string;
  summary: string;
  params: z.ZodType<P>;
  options: EditOptions;
  plan: (data: Buffer | null, params: P) => EditPlan;
}): TaskModule<P, EditState> {
  return {
    name: spec.name,
    summary: spec.summary,
    params: spec.params,
    check: (ctx, params) => checkEdit(ctx, params.path, params, spec.options, (data) => spec.plan(data, params)),
    apply: (ctx, _params, state) => applyEdit(ctx, state),
    rollback: (ctx, _params, rollbackState) => rollbackContent(ctx, rollbackState),
  };
}
