import { access } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, TaskError } from '../../src/errors.ts';
import { groupParam, modeParam, ownerParam } from '../../src/modules/file-attrs.ts';
import {
  applyContent,
  checkContent,
  readControllerFile,
  rollbackContent,
  type ContentState,
} from '../../src/modules/file-content.ts';
import { defineModule, type PreflightContext } from '../../src/modules/module.ts';
import { renderTemplateFile } from '../../src/playbook/template-file.ts';

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

async function findTemplate(baseDir: string, src: string): Promise<string | undefined> {
  for (const candidate of templateCandidates(baseDir, src)) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // not here; try the next place
    }
  }
  return undefined;
}

function notFound(baseDir: string, src: string): string {
  return `template ${src} not found; looked in ${templateCandidates(baseDir, src).join(', ')}`;
}

/** The rendered text for this host; undefined variables point at the template's line. */
async function renderFor(ctx: PreflightContext, file: string): Promise<string> {
  const text = (await readControllerFile(file)).toString('utf8');
  return renderTemplateFile(text, { ...ctx.host.vars, template_path: file, template_host: ctx.host.name }, file);
}

export const taskModule = defineModule<TemplateParams, ContentState>({
  name: 'core.template',
  summary: 'Render a nunjucks template with the host\'s variables and write it like copy',
  params: templateParams,

  // The template is on the controller: a missing file or an undefined variable is bad input,
  // found before any host is touched, unless it needs a `register:` result (checked at run time).
  async preflight(ctx, params) {
    const file = await findTemplate(ctx.baseDir, params.src);
    if (!file) throw new InputError(notFound(ctx.baseDir, params.src));
    await renderFor(ctx, file);
  },

  async check(ctx, params) {
    const file = await findTemplate(ctx.baseDir, params.src);
    if (!file) throw new TaskError(notFound(ctx.baseDir, params.src));
    let rendered: string;
    try {
      rendered = await renderFor(ctx, file);
    } catch (error) {
      throw new TaskError((error as Error).message, { cause: error });
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
