import { z } from 'zod';
import { groupParam, modeParam, ownerParam } from './file-attrs.ts';
import { pythonRegex, pythonRegexProblem, type PythonRegexOptions } from './python-regex.ts';
import { parseTemplate } from './python-substitute.ts';

// Ansible's argument-spec aliases (lineinfile's dest/destfile/name for path): each alias is a
// param of its own in the schema, so `playgraph modules` lists it, folded into its main name here.

/** The params with every alias moved to its main name; giving both is refused, as Ansible warns and we must pick. */
export function foldAliases<T extends Record<string, unknown>>(
  params: T,
  aliases: Record<string, string>,
  ctx: z.RefinementCtx,
): Record<string, unknown> {
  const folded: Record<string, unknown> = { ...params };
  for (const [alias, main] of Object.entries(aliases)) {
    if (folded[alias] === undefined) {
      delete folded[alias];
      continue;
    }
    if (folded[main] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [alias], message: `give '${main}' or its alias '${alias}', not both` });
    }
    folded[main] = folded[alias];
    delete folded[alias];
  }
  return folded;
}

/** Adds an issue for each named param that is given but not a pattern we can run as Python's re runs it. */
export function checkPythonPatterns(
  params: Record<string, unknown>,
  names: readonly string[],
  options: PythonRegexOptions,
  ctx: z.RefinementCtx,
): void {
  for (const name of names) {
    const value = params[name];
    const problem = typeof value === 'string' ? pythonRegexProblem(value, options) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
}

/** The `path` of the file-editing modules and its aliases, as Ansible's argument spec has them. */
export const editPathFields = {
  path: z.string().min(1).optional().describe('The file to edit (required; aliases dest, destfile, name)'),
  dest: z.string().min(1).optional().describe('Alias of path'),
  destfile: z.string().min(1).optional().describe('Alias of path'),
  name: z.string().min(1).optional().describe('Alias of path'),
};
export const editPathAliases = { dest: 'path', destfile: 'path', name: 'path' } as const;

/** backup, mode, owner, group: what every file-editing module takes besides its own params. */
export const editCommonFields = {
  backup: z.boolean().default(false).describe('Keep a timestamped copy of the file before changing it; its name is registered'),
  validate: z
    .string()
    .regex(/%s/, 'validate must contain %s')
    .optional()
    .describe("Command run on the new content before it replaces the file, %s its temporary path (e.g. 'visudo -cf %s'); a non-zero exit fails the task and leaves the file"),
  mode: modeParam.optional(),
  owner: ownerParam.optional(),
  group: groupParam.optional(),
};

/** Adds an issue when `template` (a replacement: \1, \g<name>) does not fit `pattern`'s groups. */
export function checkPythonTemplate(
  pattern: string | undefined,
  template: string | undefined,
  options: PythonRegexOptions,
  path: string,
  ctx: z.RefinementCtx,
): void {
  if (pattern === undefined || template === undefined || pythonRegexProblem(pattern, options)) return;
  try {
    parseTemplate(template, pythonRegex(pattern, options).regex);
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: [path], message: (error as Error).message });
  }
}
