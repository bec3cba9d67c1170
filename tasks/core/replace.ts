import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { defineEditModule, type EditPlan } from '../../src/modules/file-edit.ts';
import { checkPythonPatterns, checkPythonTemplate, editCommonFields, editPathAliases, editPathFields, foldAliases } from '../../src/modules/param-aliases.ts';
import { pythonRegex, PythonRegexError } from '../../src/modules/python-regex.ts';
import { pythonSubn } from '../../src/modules/python-substitute.ts';

// Ansible's replace, ported from ansible/modules/replace.py (2.14): re.subn of a MULTILINE
// pattern over the whole text (or the section between `after` and `before`, found with DOTALL),
// on the file decoded as UTF-8 (Ansible's default `encoding`; other encodings are refused).

const aliases = editPathAliases;

const replaceFields = z.strictObject({
  ...editPathFields,
  regexp: z.string().describe('Python regular expression (MULTILINE: ^ and $ match at every line) to replace everywhere it matches'),
  replace: z.string().default('').describe("Replacement, with Python's \\1 and \\g<name> backreferences (default '': delete the matches)"),
  after: z.string().optional().describe('Python regexp: only replace after its first match (DOTALL)'),
  before: z.string().optional().describe('Python regexp: only replace before its match (DOTALL)'),
  encoding: z.literal('utf-8').default('utf-8').describe('The file\'s encoding; only utf-8 here'),
  ...editCommonFields,
});
type Fields = z.output<typeof replaceFields>;
export type ReplaceParams = Omit<Fields, keyof typeof aliases> & { path: string };

export const replaceParams = replaceFields.transform((raw, ctx): ReplaceParams => {
  const params = foldAliases(raw, aliases, ctx) as ReplaceParams;
  if (params.path === undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'path is required' });
  checkPythonPatterns(params, ['regexp'], { mode: 'text', multiline: true }, ctx);
  checkPythonTemplate(params.regexp, params.replace, { mode: 'text', multiline: true }, 'replace', ctx);
  const section = sectionPattern(params);
  if (section) checkPythonPatterns({ after: section }, ['after'], { mode: 'text', dotall: true }, ctx);
  return params;
});

/** Ansible builds one pattern from after and before, with a named group for what lies between. */
function sectionPattern(params: Pick<ReplaceParams, 'after' | 'before'>): string {
  if (params.after && params.before) return `${params.after}(?P<subsection>.*?)${params.before}`;
  if (params.after) return `${params.after}(?P<subsection>.*)`;
  if (params.before) return `(?P<subsection>.*)${params.before}`;
  return '';
}

function decode(data: Buffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new TaskError(`${path} is not valid UTF-8 text`);
  }
}

/** replace's decision, from the file's bytes to the new bytes and Ansible's msg. */
export function planReplace(data: Buffer | null, params: ReplaceParams): EditPlan {
  if (data === null) throw new TaskError(`Path ${params.path} does not exist !`);
  const contents = decode(data, params.path);
  const pattern = sectionPattern(params);
  let section = contents;
  let start = 0;
  let end = contents.length;
  if (pattern) {
    const match = pythonRegex(pattern, { mode: 'text', dotall: true }).regex.exec(contents);
    const indices = match?.indices?.groups?.['subsection'];
    if (!match || !indices) {
      return { content: null, msg: `Pattern for before/after params did not match the given file: ${pattern}`, result: { rc: 0 }, final: true };
    }
    [start, end] = indices;
    section = contents.slice(start, end);
  }
  const { regex } = pythonRegex(params.regexp, { mode: 'text', multiline: true });
  let replaced: { text: string; count: number };
  try {
    replaced = pythonSubn(regex, params.replace, section);
  } catch (error) {
    if (error instanceof PythonRegexError) throw new TaskError(`replace: ${error.message}`);
    throw error;
  }
  if (replaced.count === 0 || replaced.text === section) return { content: null, msg: '', result: { rc: 0 } };
  const after = contents.slice(0, start) + replaced.text + contents.slice(end);
  return { content: Buffer.from(after, 'utf8'), msg: `${replaced.count} replacements made`, result: { rc: 0 } };
}

export const taskModule = defineEditModule({
  name: 'core.replace',
  summary: "Replace every match of a Python regexp in a file (optionally between after and before), as Ansible's replace",
  params: replaceParams,
  options: { backupField: 'backup_file' },
  plan: planReplace,
});
