import { access } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { groupParam, modeParam, ownerParam } from '../../src/modules/file-attrs.ts';
import {
  applyContent,
  checkContent,
  readControllerFile,
  rollbackContent,
  type ContentState,
} from '../../src/modules/file-content.ts';
import { defineModule } from '../../src/modules/module.ts';

export const templateParams = z.strictObject({
  src: z.string().min(1).describe('Template file on the controller: absolute, or found in the playbook\'s templates/ dir, then the playbook dir'),
  dest: z.string().min(1).describe('Path on the host to write the rendered text to'),
  mode: modeParam.optional(),
  owner: ownerParam.optional(),
  group: groupParam.optional(),
  force: z.boolean().default(true).describe('Replace the file when its content differs; false only creates missing files'),
});

export type TemplateParams = z.infer<typeof templateParams>;

/** Where to look for a template, in order, as Ansible looks in templates/ first. */
export function templateCandidates(baseDir: string, src: string): string[] {
  if (path.isAbsolute(src)) return [src];
  return [path.join(baseDir, 'templates', src), path.join(baseDir, src)];
}

async function findTemplate(baseDir: string, src: string): Promise<string> {
  const candidates = templateCandidates(baseDir, src);
  for (const candidate of candidates) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // not here; try the next place
    }
  }
  throw new TaskError(`template ${src} not found; looked in ${candidates.join(', ')}`);
}

export const taskModule = defineModule<TemplateParams, ContentState>({
  name: 'core.template',
  summary: 'Render a nunjucks template with the host\'s variables and write it like copy',
  params: templateParams,

  async check(ctx, params) {
    const file = await findTemplate(ctx.baseDir, params.src);
    const text = (await readControllerFile(file)).toString('utf8');
    let rendered: string;
    try {
      rendered = ctx.render(text, { template_path: file, template_host: ctx.host.name });
    } catch (error) {
      throw new TaskError(`${file}: ${(error as Error).message}`, { cause: error });
    }
    return checkContent(ctx, params.dest, Buffer.from(rendered, 'utf8'), params);
  },

  async apply(ctx, _params, state) {
    return applyContent(ctx, state);
  },

  async rollback(ctx, _params, rollbackState) {
    await rollbackContent(ctx, rollbackState);
  },
});
