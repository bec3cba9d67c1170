import path from 'node:path';
import { z } from 'zod';
import { CommandError, InputError, TaskError } from '../../src/errors.ts';
import { splitCommandLine } from '../../src/modules/command-line.ts';
import { controllerFileNotFound, findControllerFile } from '../../src/modules/controller-files.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { runChecked } from '../../src/modules/run-checked.ts';
import { rawResult } from './raw.ts';

// Ansible's script (ansible/plugins/action/script.py): a script on the controller, found as
// copy finds its src (files/<src>, then <src>, in the role's, the task file's, the playbook's
// directory), copied into a temporary directory on the host and run there through the shell with
// the rest of the line as its arguments (their quoting kept), then removed. Always changed.

/** A line shlex can split into at least the script's path (quotes balanced). */
function isScriptLine(line: string): boolean {
  try {
    return splitCommandLine(line).length > 0;
  } catch {
    return false;
  }
}

export const scriptParams = z.strictObject({
  cmd: z
    .string()
    .refine(isScriptLine, 'expected a script path and arguments with balanced quotes')
    .describe('The controller script\'s path followed by its arguments (the free-form text after script:)'),
  creates: z.string().optional().describe('Skip the script when this path exists on the host'),
  removes: z.string().optional().describe('Run the script only when this path exists on the host'),
  chdir: z.string().regex(/^\//, 'chdir must be an absolute path').optional().describe('Absolute directory on the host to run the script in'),
  executable: z.string().min(1).optional().describe('Program that runs the script (e.g. /bin/bash, python3) instead of the script itself'),
  decrypt: z.boolean().default(true).describe('Accepted for Ansible compatibility (vault-encrypted scripts are not decrypted yet)'),
});

export type ScriptParams = z.infer<typeof scriptParams>;

/** The script's path on the controller as written: the first shell word of the line. */
export function scriptSource(cmd: string): string {
  return splitCommandLine(cmd.trim())[0]!;
}

/**
 * Pure: the shell line run on the host, as Ansible builds it: the line as written with the script
 * path replaced by where it was copied (so the arguments keep their quoting), after `executable`.
 */
export function scriptCommandLine(params: Pick<ScriptParams, 'cmd' | 'executable'>, remotePath: string): string {
  const line = params.cmd.trim().replace(scriptSource(params.cmd), remotePath);
  return params.executable === undefined ? line : `${params.executable} ${line}`;
}

/** Ansible's script guards, with its messages; null when the script should run. */
export function scriptSkipReason(
  params: Pick<ScriptParams, 'creates' | 'removes'>,
  facts: { createsExists?: boolean; removesExists?: boolean },
): string | null {
  if (params.creates !== undefined && facts.createsExists) return `${params.creates} exists, matching creates option`;
  if (params.removes !== undefined && facts.removesExists === false) return `${params.removes} does not exist, matching removes option`;
  return null;
}

async function findScript(ctx: Pick<TaskContext, 'searchPath'>, cmd: string): Promise<string> {
  const source = scriptSource(cmd);
  const { found, directory, searched } = await findControllerFile(ctx.searchPath, 'files', source);
  if (!found) throw new TaskError(controllerFileNotFound('script', source, searched));
  if (directory) throw new TaskError(`script '${source}' is ${found}, a directory`);
  return found;
}

export const taskModule = defineModule<ScriptParams, { local: string }>({
  name: 'core.script',
  summary: 'Copy a controller script to the host and run it there with its arguments; always changed unless creates/removes skip it',
  params: scriptParams,

  async preflight(ctx, params) {
    const source = scriptSource(params.cmd);
    const { found, directory, searched } = await findControllerFile(ctx.searchPath, 'files', source);
    if (!found) throw new InputError(controllerFileNotFound('script', source, searched));
    if (directory) throw new InputError(`script '${source}' is ${found}, a directory`);
  },

  async check(ctx, params) {
    const local = await findScript(ctx, params.cmd);
    const exists = async (target: string | undefined) => (target === undefined ? undefined : (await ctx.conn.stat(target, { become: ctx.become })) !== null);
    const skip = scriptSkipReason(params, { createsExists: await exists(params.creates), removesExists: await exists(params.removes) });
    if (skip) return { status: 'ok', reason: skip, result: { msg: skip, skipped: true } };
    return { status: 'change', description: `run ${params.cmd}`, state: { local } };
  },

  async apply(ctx, params, { local }) {
    const dir = (await runChecked(ctx, ['mktemp', '-d', '/tmp/playgraph-script.XXXXXX'], { become: false })).stdout.trim();
    try {
      const remote = path.posix.join(dir, path.basename(local));
      await ctx.conn.putFile(local, remote, { mode: 0o755 });
      const result = await ctx.conn.exec({ shell: scriptCommandLine(params, remote) }, { cwd: params.chdir, become: ctx.become, signal: ctx.signal });
      if (result.code !== 0) throw new CommandError(ctx.conn.hostName, params.cmd, result.code, result.stderr);
      return { changed: true, result: rawResult(result) };
    } finally {
      await ctx.conn.exec(['rm', '-rf', '--', dir], { signal: ctx.signal }).catch(() => undefined);
    }
  },
});
