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
import { controllerFileNotFound, findControllerFile } from '../../src/modules/controller-files.ts';
import { defineModule, type PreflightContext, type TaskContext } from '../../src/modules/module.ts';
import { renderTemplateFile } from '../../src/playbook/template-file.ts';

export const templateParams = z.strictObject({
  src: z.string().min(1).describe('Template file on the controller: absolute, or found as Ansible finds it, templates/<src> then <src> in the role\'s, the task file\'s, then the playbook\'s directory'),
  dest: z.string().min(1).describe('Path on the host to write the rendered text to'),
  mode: modeParam.optional(),
  owner: ownerParam.optional(),
  group: groupParam.optional(),
  force: z.boolean().default(true).describe('Replace the file when its content differs; false only creates missing files'),
});

export type TemplateParams = z.infer<typeof templateParams>;

/**
 * The rendered text for this host; undefined variables point at the template's line. What it
 * derives from secrets becomes one (when the run is there to be told: not in the preflight).
 */
async function renderFor(ctx: PreflightContext & Pick<TaskContext, 'addTemplatedSecrets'>, file: string): Promise<string> {
  const text = (await readControllerFile(file)).toString('utf8');
  const vars = { ...ctx.host.vars, template_path: file, template_host: ctx.host.name };
  const rendered = renderTemplateFile(text, vars, file);
  ctx.addTemplatedSecrets?.(text, vars);
  return rendered;
}

export const taskModule = defineModule<TemplateParams, ContentState>({
  name: 'core.template',
  summary: 'Render a nunjucks template with the host\'s variables and write it like copy',
  params: templateParams,

  // The template is on the controller: a missing file or an undefined variable is bad input,
  // found before any host is touched, unless it needs a `register:` result (checked at run time).
  async preflight(ctx, params) {
    const { found, directory, searched } = await findControllerFile(ctx.searchPath, 'templates', params.src);
    if (!found) throw new InputError(controllerFileNotFound('template', params.src, searched));
    if (directory) throw new InputError(`template '${params.src}' is ${found}, a directory`);
    await renderFor(ctx, found);
  },

  async check(ctx, params) {
    const { found, searched } = await findControllerFile(ctx.searchPath, 'templates', params.src);
    if (!found) throw new TaskError(controllerFileNotFound('template', params.src, searched));
    let rendered: string;
    try {
      rendered = await renderFor(ctx, found);
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
