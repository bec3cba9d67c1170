import path from 'node:path';
import { z } from 'zod';
import { InputError, TaskError } from '../../src/errors.ts';
import { controllerFileNotFound, findControllerFile } from '../../src/modules/controller-files.ts';
import { groupParam, modeParam, ownerParam } from '../../src/modules/file-attrs.ts';
import {
  applyContent,
  checkContent,
  readControllerFile,
  rollbackContent,
  type ContentState,
} from '../../src/modules/file-content.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';

export const copyParams = z
  .strictObject({
    dest: z.string().min(1).describe('Path on the host to write; a directory (or a path ending in /) receives src under its own name'),
    content: z.string().optional().describe('Text to write (instead of src)'),
    src: z.string().optional().describe('File on the controller to copy: absolute, or found as Ansible finds it, files/<src> then <src> in the role\'s, the task file\'s, then the playbook\'s directory'),
    mode: modeParam.optional(),
    owner: ownerParam.optional(),
    group: groupParam.optional(),
    force: z.boolean().default(true).describe('Replace the file when its content differs; false only creates missing files'),
  })
  .refine((params) => (params.content === undefined) !== (params.src === undefined), {
    message: 'give exactly one of content or src',
  });

export type CopyParams = z.infer<typeof copyParams>;

/** Where the file lands: into `dest` when it names a directory (Ansible's trailing-slash rule). */
export function destinationPath(dest: string, src: string | undefined, destIsDirectory: boolean): string {
  if (src !== undefined && (dest.endsWith('/') || destIsDirectory)) return path.posix.join(dest, path.basename(src));
  return dest;
}

async function desiredBytes(ctx: TaskContext, params: CopyParams): Promise<Buffer> {
  if (params.content !== undefined) return Buffer.from(params.content, 'utf8');
  const { found, searched } = await findControllerFile(ctx.searchPath, 'files', params.src!);
  if (!found) throw new TaskError(controllerFileNotFound('copy src', params.src!, searched));
  return readControllerFile(found);
}

export const taskModule = defineModule<CopyParams, ContentState>({
  name: 'core.copy',
  summary: 'Write a file from content or a controller file; skipped when the sha256 matches',
  params: copyParams,

  // `src` is on the controller: a missing one is bad input, found before any host is touched
  // (unless it names a `register:` result and is only known at run time).
  async preflight(ctx, params) {
    if (params.src === undefined) return;
    const { found, directory, searched } = await findControllerFile(ctx.searchPath, 'files', params.src);
    if (!found) throw new InputError(controllerFileNotFound('copy src', params.src, searched));
    // Ansible copies a directory recursively; this copy writes one file, so say so now.
    if (directory) throw new InputError(`copy src '${params.src}' is ${found}, a directory: copy writes single files`);
  },

  async check(ctx, params) {
    const destStat = await ctx.conn.stat(params.dest, { become: ctx.become });
    const dest = destinationPath(params.dest, params.src, destStat?.type === 'directory');
    return checkContent(ctx, dest, await desiredBytes(ctx, params), params);
  },

  async apply(ctx, _params, state) {
    return applyContent(ctx, state);
  },

  async rollback(ctx, _params, rollbackState) {
    await rollbackContent(ctx, rollbackState);
  },
});
