import { z } from 'zod';
import type { FileStat } from '../../src/connect/connection.ts';
import { TaskError } from '../../src/errors.ts';
import {
  applyAttributes,
  formatMode,
  groupParam,
  hasAttributeChanges,
  modeParam,
  ownerParam,
  planAttributes,
  resolveAttributes,
  type AttributeChanges,
  type WantedAttributes,
} from '../../src/modules/file-attrs.ts';
import { defineModule } from '../../src/modules/module.ts';
import { runChecked } from '../../src/modules/run-checked.ts';

export const fileParams = z.strictObject({
  path: z.string().min(1).describe('Path of the file, directory or link to manage'),
  state: z
    .enum(['file', 'directory', 'absent', 'touch', 'link'])
    .optional()
    .describe('file (must exist), directory (mkdir -p), absent (rm -rf), touch (create if missing), link (symlink to src); default: link when src is given, directory when recurse, else file'),
  mode: modeParam.optional(),
  owner: ownerParam.optional(),
  group: groupParam.optional(),
  src: z.string().optional().describe('Target of the symlink (state: link)'),
  recurse: z.boolean().default(false).describe('Apply mode/owner/group to everything under a directory'),
  force: z.boolean().default(false).describe('For state: link, replace an existing regular file at path'),
});

export type FileParams = z.infer<typeof fileParams>;
export type FileState = NonNullable<FileParams['state']>;

/** Ansible's default state: what the other params imply. */
export function effectiveState(params: Pick<FileParams, 'state' | 'src' | 'recurse'>): FileState {
  return params.state ?? (params.src !== undefined ? 'link' : params.recurse ? 'directory' : 'file');
}

export interface FileFacts {
  /** lstat of path, or of what a symlink at path points to for every state but `link`. */
  stat: FileStat | null;
  /** Where the symlink at path points (state: link), null when path is not a link. */
  linkTarget?: string | null;
  /** For `recurse`: whether anything below the directory differs in mode, owner or group. */
  treeDiffers?: boolean;
}

export type FileAction =
  | { kind: 'mkdir' }
  | { kind: 'touch' }
  | { kind: 'remove' }
  | { kind: 'symlink'; src: string }
  | { kind: 'attributes'; changes: AttributeChanges; recurse: boolean; noDereference: boolean };

export type FilePlan = { ok: true; reason: string } | { ok: false; description: string; actions: FileAction[] };

function attributeAction(
  current: FileStat | null,
  wanted: WantedAttributes,
  options: { recurse: boolean; noDereference: boolean; treeDiffers?: boolean },
): FileAction | null {
  const { recurse, noDereference } = options;
  const changes = planAttributes(current, wanted);
  if (recurse && options.treeDiffers) {
    // Something below differs: apply every wanted attribute to the whole tree.
    const all = planAttributes(null, wanted);
    return { kind: 'attributes', changes: { ...all, descriptions: [...changes.descriptions, 'attributes below it'] }, recurse, noDereference };
  }
  return hasAttributeChanges(changes) ? { kind: 'attributes', changes, recurse, noDereference } : null;
}

/** Pure planner: facts of the path and wanted state in, actions out (or why nothing is to do). */
export function planFile(params: FileParams, wanted: WantedAttributes, facts: FileFacts): FilePlan {
  const state = effectiveState(params);
  const { path } = params;
  const current = facts.stat;
  const done = (steps: string[], actions: (FileAction | null)[]): FilePlan => {
    const real = actions.filter((action): action is FileAction => action !== null);
    if (real.length === 0) return { ok: true, reason: `${path} is ${state === 'absent' ? 'absent' : `a ${state === 'touch' ? 'file' : state}`} as wanted` };
    const attributeSteps = real.flatMap((action) => (action.kind === 'attributes' ? action.changes.descriptions : []));
    return { ok: false, description: [...steps, ...attributeSteps].join(', '), actions: real };
  };

  switch (state) {
    case 'absent':
      return current ? done([`remove ${path}`], [{ kind: 'remove' }]) : done([], []);
    case 'directory': {
      if (current && current.type !== 'directory') throw new TaskError(`${path} exists and is a ${current.type}, not a directory`);
      const attributes = attributeAction(current, wanted, { recurse: params.recurse, noDereference: false, treeDiffers: facts.treeDiffers });
      return current ? done([], [attributes]) : done([`create directory ${path}`], [{ kind: 'mkdir' }, attributes]);
    }
    case 'file': {
      if (!current) throw new TaskError(`${path} does not exist (state: touch creates it, copy writes it)`);
      if (current.type === 'directory') throw new TaskError(`${path} is a directory, not a file`);
      return done([], [attributeAction(current, wanted, { recurse: false, noDereference: false })]);
    }
    case 'touch': {
      if (current?.type === 'directory') throw new TaskError(`${path} is a directory, not a file`);
      const attributes = attributeAction(current, wanted, { recurse: false, noDereference: false });
      return current ? done([], [attributes]) : done([`create ${path}`], [{ kind: 'touch' }, attributes]);
    }
    case 'link': {
      if (params.src === undefined) throw new TaskError(`state: link needs src (the link target) for ${path}`);
      const linkWanted = { ...wanted, mode: undefined }; // a symlink's own mode means nothing on Linux
      if (current?.type === 'directory') throw new TaskError(`${path} is a directory; refusing to replace it with a link`);
      if (current?.type === 'file' && !params.force) throw new TaskError(`${path} is a regular file; set force: true to replace it with a link`);
      const isRightLink = current?.type === 'symlink' && facts.linkTarget === params.src;
      const attributes = attributeAction(isRightLink ? current : null, linkWanted, { recurse: false, noDereference: true });
      if (isRightLink) return done([], [attributes]);
      const verb = current?.type === 'symlink' ? `repoint link ${path}: ${facts.linkTarget} -> ${params.src}` : `link ${path} -> ${params.src}`;
      return done([verb], [{ kind: 'symlink', src: params.src }, attributes]);
    }
  }
}

/** `find` arguments listing the first entry below `dir` whose mode/owner/group differ from wanted. */
export function treeDiffersArgv(dir: string, wanted: WantedAttributes): string[] | null {
  const tests: string[][] = [];
  if (wanted.mode !== undefined) tests.push(['!', '-perm', formatMode(wanted.mode)]);
  if (wanted.uid !== undefined) tests.push(['!', '-uid', String(wanted.uid)]);
  if (wanted.gid !== undefined) tests.push(['!', '-gid', String(wanted.gid)]);
  if (tests.length === 0) return null;
  const anyOf = tests.flatMap((test, index) => (index ? ['-o', ...test] : test));
  return ['find', dir, '-mindepth', '1', '(', ...anyOf, ')', '-print', '-quit'];
}

interface FileCheckState {
  actions: FileAction[];
}

export const taskModule = defineModule<FileParams, FileCheckState>({
  name: 'core.file',
  summary: 'Ensure a file, directory or symlink exists with mode/owner/group, or is absent',
  params: fileParams,

  async check(ctx, params) {
    const state = effectiveState(params);
    const become = { become: ctx.become };
    const wanted = await resolveAttributes(ctx, params);
    let stat = await ctx.conn.stat(params.path, become);
    let linkTarget: string | null = null;
    if (stat?.type === 'symlink') {
      // The raw target to compare for state: link; the final path for everything else.
      const readlink = state === 'link' ? ['readlink', '--', params.path] : ['readlink', '-f', '--', params.path];
      const link = await runChecked(ctx, readlink);
      linkTarget = link.stdout.replace(/\n$/, '');
      // Like Ansible's follow: yes, every state but link and absent manages what the link points to.
      if (state !== 'link' && state !== 'absent') stat = await ctx.conn.stat(linkTarget, become);
    }
    let treeDiffers: boolean | undefined;
    const findArgv = params.recurse && stat?.type === 'directory' ? treeDiffersArgv(params.path, wanted) : null;
    if (findArgv) treeDiffers = (await runChecked(ctx, findArgv)).stdout.trim() !== '';
    const plan = planFile(params, wanted, { stat, linkTarget, treeDiffers });
    if (plan.ok) return { status: 'ok', reason: plan.reason, result: { path: params.path, state } };
    return { status: 'change', description: plan.description, state: { actions: plan.actions } };
  },

  async apply(ctx, params, { actions }) {
    const { path } = params;
    for (const action of actions) {
      if (action.kind === 'mkdir') await runChecked(ctx, ['mkdir', '-p', '--', path]);
      else if (action.kind === 'touch') await runChecked(ctx, ['touch', '--', path]);
      else if (action.kind === 'remove') await runChecked(ctx, ['rm', '-rf', '--', path]);
      else if (action.kind === 'symlink') await runChecked(ctx, ['ln', '-sfn', '--', action.src, path]);
      else await applyAttributes(ctx, path, action.changes, action);
    }
    return { changed: true, result: { path, state: effectiveState(params) } };
  },
});
