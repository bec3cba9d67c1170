import path from 'node:path';
import { z } from 'zod';
import { InputError, TaskError } from '../../src/errors.ts';
import { controllerFileNotFound, findControllerFile } from '../../src/modules/controller-files.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { runChecked } from '../../src/modules/run-checked.ts';
import { parsePathInfo, PATH_INFO_SCRIPT } from './lib/get-url-host.ts';
import { DEST_ENTRIES_SCRIPT, parseUnzipListing, pickHandler, tarCommand, tarDifferences, tarListing, unzipCommand, zipDifferences, type Handler } from './lib/unarchive-plan.ts';

// Ansible's unarchive (ansible/plugins/action/unarchive.py and modules/unarchive.py): an archive
// from the controller (found as copy finds src, copied to a temporary directory on the host) or
// already on the host (remote_src), unpacked into an existing directory by the host's tar or
// unzip, only when dest does not already hold it (see lib/unarchive-plan.ts for how that is
// decided). `creates` skips it. Unlike Ansible (whose tar handler skips --check), --check
// reports whether it would unpack.

export const unarchiveParams = z.strictObject({
  src: z.string().min(1).describe('The archive: a controller file (found as copy finds src), or a path on the host with remote_src'),
  dest: z.string().min(1).describe('Existing directory on the host to unpack into'),
  remote_src: z.boolean().default(false).describe('src is already on the host'),
  creates: z.string().optional().describe('Skip when this path exists on the host'),
  list_files: z.boolean().default(false).describe('Register the archive\'s entries as files'),
  extra_opts: z.array(z.string()).default([]).describe('Extra options for tar or unzip (tar gets --show-transformed-names too, as in Ansible)'),
  decrypt: z.boolean().default(true).describe('Accepted for Ansible compatibility (vault-encrypted archives are not decrypted)'),
});

export type UnarchiveParams = z.infer<typeof unarchiveParams>;

interface UnarchiveState {
  handler: Handler;
  src: string;
  /** The temporary directory a controller archive was copied into, removed after. */
  tmpDir?: string;
  files: string[];
}

async function exists(ctx: TaskContext, target: string): Promise<boolean> {
  return (await ctx.conn.stat(target, { become: ctx.become })) !== null;
}

/** The archive's path on the host: as given (remote_src) or a copy of the controller's file. */
async function archiveOnHost(ctx: TaskContext, params: UnarchiveParams): Promise<{ src: string; tmpDir?: string }> {
  if (params.remote_src) {
    if (params.src.includes('://')) throw new TaskError(`unarchive: a URL src ('${params.src}') is not supported; download it with get_url first`);
    const stat = await ctx.conn.stat(params.src, { become: ctx.become });
    if (!stat) throw new TaskError(`Source '${params.src}' does not exist`);
    if (stat.size === 0) throw new TaskError(`Invalid archive '${params.src}', the file is 0 bytes`);
    return { src: params.src };
  }
  const { found, searched } = await findControllerFile(ctx.searchPath, 'files', params.src);
  if (!found) throw new TaskError(controllerFileNotFound('unarchive src', params.src, searched));
  const tmpDir = (await runChecked(ctx, ['mktemp', '-d', '/tmp/playgraph-unarchive.XXXXXX'], { become: false })).stdout.trim();
  const src = path.posix.join(tmpDir, path.basename(found));
  await ctx.conn.putFile(found, src, { mode: 0o600 });
  return { src, tmpDir };
}

async function removeTmp(ctx: TaskContext, tmpDir: string | undefined): Promise<void> {
  if (tmpDir) await ctx.conn.exec(['rm', '-rf', '--', tmpDir], { signal: ctx.signal });
}

/** Whether dest holds the archive already (differences empty), and the archive's entries. */
async function compare(ctx: TaskContext, handler: Handler, src: string, params: UnarchiveParams): Promise<{ differences: string; files: string[] }> {
  const env = { LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C', LANGUAGE: 'C' };
  if (handler === 'ZipArchive') {
    const unzip = await ctx.conn.exec(['sh', '-c', 'command -v unzip'], { signal: ctx.signal });
    if (unzip.code !== 0) throw new TaskError(`Failed to find handler for "${src}". Make sure the required command to extract the file is installed. Unable to find required 'unzip' or 'zipinfo' binary in the path.`);
    const entries = parseUnzipListing((await runChecked(ctx, ['unzip', '-v', src], { env })).stdout);
    const answers = await runChecked(ctx, ['sh', '-c', DEST_ENTRIES_SCRIPT, 'sh', params.dest], { stdin: entries.map((e) => `${e.name}\n`).join('') });
    return { differences: zipDifferences(entries, answers.stdout).join('\n'), files: entries.map((e) => (e.directory ? `${e.name}/` : e.name)) };
  }
  const root = (await runChecked(ctx, ['id', '-u'])).stdout.trim() === '0';
  const diff = await ctx.conn.exec(tarCommand(handler, '--diff', src, params.dest, params.extra_opts), { cwd: params.dest, env, become: ctx.become, signal: ctx.signal });
  if (diff.code !== 0 && diff.code !== 1) throw new TaskError(`Unable to compare ${src} with ${params.dest}: ${diff.stderr.trim()}`);
  const list = await runChecked(ctx, tarCommand(handler, '--list', src, params.dest, params.extra_opts), { env });
  return { differences: tarDifferences(`${diff.stdout}\n${diff.stderr}`, { root }), files: tarListing(list.stdout) };
}

function baseResult(params: UnarchiveParams, handler: Handler, src: string, files: string[]): Record<string, unknown> {
  return { handler, dest: params.dest, src, ...(params.list_files ? { files } : {}) };
}

export const taskModule = defineModule<UnarchiveParams, UnarchiveState>({
  name: 'core.unarchive',
  summary: 'Unpack a tar, tar.gz/bz2/xz or zip archive (from the controller or remote_src) into a directory, unless dest already holds it',
  params: unarchiveParams,

  async preflight(ctx, params) {
    if (params.remote_src) return;
    const { found, directory, searched } = await findControllerFile(ctx.searchPath, 'files', params.src);
    if (!found) throw new InputError(controllerFileNotFound('unarchive src', params.src, searched));
    if (directory) throw new InputError(`unarchive src '${params.src}' is ${found}, a directory`);
  },

  async check(ctx, params) {
    if (params.creates !== undefined && (await exists(ctx, params.creates))) {
      const msg = `skipped, since ${params.creates} exists`;
      return { status: 'ok', reason: msg, result: { skipped: true, msg } };
    }
    const destStat = await ctx.conn.stat(params.dest, { become: ctx.become });
    if (destStat?.type !== 'directory') throw new TaskError(`Destination '${params.dest}' is not a directory`);
    const { src, tmpDir } = await archiveOnHost(ctx, params);
    try {
      const head = await runChecked(ctx, ['od', '-An', '-tx1', '-N262', '--', src]);
      const handler = pickHandler(head.stdout);
      if (!handler) throw new TaskError(`Failed to find handler for "${src}". Make sure the required command to extract the file is installed.`);
      const { differences, files } = await compare(ctx, handler, src, params);
      if (differences === '') {
        await removeTmp(ctx, tmpDir);
        const info = { ...parsePathInfo((await runChecked(ctx, ['sh', '-c', PATH_INFO_SCRIPT, 'sh', params.dest])).stdout), state: 'directory' };
        return { status: 'ok', reason: `${params.dest} already holds ${params.src}`, result: { ...baseResult(params, handler, src, files), ...info } };
      }
      const count = differences.trim().split('\n').length;
      if (ctx.checkMode) await removeTmp(ctx, tmpDir);
      return { status: 'change', description: `unpack ${params.src} into ${params.dest} (${count} ${count === 1 ? 'entry differs' : 'entries differ'})`, state: { handler, src, tmpDir, files } };
    } catch (error) {
      await removeTmp(ctx, tmpDir);
      throw error;
    }
  },

  async apply(ctx, params, { handler, src, tmpDir, files }) {
    try {
      const argv = handler === 'ZipArchive' ? unzipCommand(src, params.dest, params.extra_opts) : tarCommand(handler, '--extract', src, params.dest, params.extra_opts);
      const run = await ctx.conn.exec(argv, { cwd: params.dest, become: ctx.become, signal: ctx.signal });
      const extract = { cmd: argv, rc: run.code, out: run.stdout, err: run.stderr };
      if (run.code !== 0) throw new TaskError(`failed to unpack ${src} to ${params.dest}: ${run.stderr.trim() || run.stdout.trim()}`);
      const info = { ...parsePathInfo((await runChecked(ctx, ['sh', '-c', PATH_INFO_SCRIPT, 'sh', params.dest])).stdout), state: 'directory' };
      return { changed: true, result: { ...baseResult(params, handler, src, files), extract_results: extract, ...info } };
    } finally {
      await removeTmp(ctx, tmpDir);
    }
  },
});
