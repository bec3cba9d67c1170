import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { defineEditModule, type EditPlan } from '../../src/modules/file-edit.ts';
import { checkPythonPatterns, checkPythonTemplate, editCommonFields, editPathAliases, editPathFields, foldAliases } from '../../src/modules/param-aliases.ts';
import { pythonRegex } from '../../src/modules/python-regex.ts';
import { expandTemplate } from '../../src/modules/python-substitute.ts';

// Ansible's lineinfile, ported from ansible/modules/lineinfile.py (2.14) step by step, because
// users rely on its corner cases: the last match wins unless firstmatch, a regexp is searched
// in each line with its newline, backrefs with no match leave the file alone, insertafter/
// insertbefore only count when regexp found nothing. Lines are bytes (latin1 strings here).

const aliases = { ...editPathAliases, regex: 'regexp', value: 'line' };

const lineinfileFields = z.strictObject({
  ...editPathFields,
  state: z.enum(['present', 'absent']).default('present').describe('present: the line is there; absent: every matching line removed'),
  regexp: z.string().optional().describe('Python regular expression searched in every line; with present, the last match is replaced (alias regex)'),
  regex: z.string().optional().describe('Alias of regexp'),
  search_string: z.string().optional().describe('Literal string searched in every line, instead of regexp'),
  line: z.string().optional().describe('The line to put (required with state present; alias value)'),
  value: z.string().optional().describe('Alias of line'),
  insertafter: z.string().optional().describe('EOF (the default), BOF, or a regexp: insert after its last matching line when regexp finds nothing'),
  insertbefore: z.string().optional().describe('BOF or a regexp: insert before its last matching line when regexp finds nothing'),
  backrefs: z.boolean().default(false).describe('Expand \\1, \\g<name> of regexp in line; when regexp matches nothing, change nothing'),
  create: z.boolean().default(false).describe('Create the file when it is missing (else the task fails)'),
  firstmatch: z.boolean().default(false).describe('Use the first matching line of regexp/insertafter/insertbefore instead of the last'),
  ...editCommonFields,
});
type Fields = z.output<typeof lineinfileFields>;
export type LineinfileParams = Omit<Fields, keyof typeof aliases> & { path: string };

export const lineinfileParams = lineinfileFields.transform((raw, ctx): LineinfileParams => {
  const params = foldAliases(raw, aliases, ctx) as LineinfileParams;
  if (params.path === undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'path is required' });
  for (const [a, b] of [['insertbefore', 'insertafter'], ['regexp', 'search_string']] as const) {
    if (params[a] !== undefined && params[b] !== undefined) ctx.addIssue({ code: 'custom', path: [b], message: `parameters are mutually exclusive: ${a}|${b}` });
  }
  if (params.backrefs && params.search_string !== undefined) ctx.addIssue({ code: 'custom', path: ['backrefs'], message: 'parameters are mutually exclusive: backrefs|search_string' });
  if (params.state === 'present' && params.backrefs && params.regexp === undefined) ctx.addIssue({ code: 'custom', path: ['regexp'], message: 'regexp is required with backrefs=true' });
  if (params.state === 'present' && params.line === undefined) ctx.addIssue({ code: 'custom', path: ['line'], message: 'line is required with state=present' });
  if (params.state === 'absent' && params.regexp === undefined && params.search_string === undefined && params.line === undefined) {
    ctx.addIssue({ code: 'custom', path: ['line'], message: 'one of line, search_string, or regexp is required with state=absent' });
  }
  const patterns = ['regexp', ...(['BOF', 'EOF'].includes(params.insertafter ?? 'EOF') ? [] : ['insertafter']), ...(params.insertbefore === 'BOF' ? [] : ['insertbefore'])];
  checkPythonPatterns(params, patterns, { mode: 'bytes' }, ctx);
  if (params.backrefs) checkPythonTemplate(params.regexp, params.line, { mode: 'bytes' }, 'line', ctx);
  return params;
});

const latin1 = (data: Buffer) => data.toString('latin1');
const bytes = (text: string) => Buffer.from(text, 'latin1');
const utf8AsLatin1 = (text: string) => latin1(Buffer.from(text, 'utf8'));
const stripEol = (line: string) => line.replace(/[\r\n]+$/, '');

/** Python's readlines: each line keeps its \n. */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function compile(pattern: string): RegExp {
  return pythonRegex(utf8AsLatin1(pattern), { mode: 'bytes' }).regex;
}

/** lineinfile's decision, from the file's bytes (null: missing) to the new bytes and Ansible's msg. */
export function planLineinfile(data: Buffer | null, params: LineinfileParams): EditPlan {
  if (params.state === 'absent') return planAbsent(data, params);
  if (data === null && !params.create) throw new TaskError(`Destination ${params.path} does not exist !`);
  const lines = data === null ? [] : readLines(latin1(data));
  const line = utf8AsLatin1(params.line!);
  const insertafter = params.insertafter ?? (params.insertbefore === undefined ? 'EOF' : undefined);
  const insertbefore = params.insertbefore;
  const regexp = params.regexp === undefined ? null : compile(params.regexp);
  const insertPattern = insertafter !== undefined && !['BOF', 'EOF'].includes(insertafter) ? insertafter : insertbefore !== undefined && insertbefore !== 'BOF' ? insertbefore : undefined;
  const insertRe = insertPattern === undefined ? null : compile(insertPattern);
  const search = params.search_string === undefined ? null : utf8AsLatin1(params.search_string);

  const index = [-1, -1];
  let match: RegExpExecArray | boolean | null = null;
  let exactLineMatch = false;
  if (regexp) {
    for (const [lineno, current] of lines.entries()) {
      const found = regexp.exec(current);
      if (!found) continue;
      index[0] = lineno;
      match = found;
      if (params.firstmatch) break;
    }
  }
  if (search !== null) {
    for (const [lineno, current] of lines.entries()) {
      if (!current.includes(search)) continue;
      index[0] = lineno;
      match = true;
      if (params.firstmatch) break;
    }
  }
  if (!match) {
    for (const [lineno, current] of lines.entries()) {
      if (line === stripEol(current)) {
        index[0] = lineno;
        exactLineMatch = true;
      } else if (insertRe?.exec(current)) {
        index[1] = insertafter ? lineno + 1 : lineno;
        if (params.firstmatch) break;
      }
    }
  }

  let msg = '';
  let changed = false;
  const insert = (at: number) => {
    lines.splice(at, 0, `${line}\n`);
    msg = 'line added';
    changed = true;
  };
  const endsWithEol = () => lines.length > 0 && /[\n\r]$/.test(lines[lines.length - 1]);
  if (index[0] !== -1) {
    // index[0] is only ever set by a match of regexp, search_string or the exact line: replace it.
    let newLine = params.backrefs && match && typeof match !== 'boolean' ? expandTemplate(line, regexp!, match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[index[0]] !== newLine) {
      lines[index[0]] = newLine;
      msg = 'line replaced';
      changed = true;
    }
  } else if (params.backrefs) {
    // Nothing: without a match there is nothing to fill the backrefs with.
  } else if (insertbefore === 'BOF' || insertafter === 'BOF') {
    insert(0);
  } else if (insertafter === 'EOF' || index[1] === -1) {
    if (lines.length > 0 && !endsWithEol()) lines.push('\n');
    insert(lines.length);
  } else if (insertafter && index[1] !== -1) {
    if (lines.length === index[1]) {
      if (stripEol(lines[index[1] - 1]) !== line) insert(lines.length);
    } else if (line !== stripEol(lines[index[1]])) insert(index[1]);
  } else {
    insert(index[1]);
  }
  return { content: changed ? bytes(lines.join('')) : data === null ? null : data, msg, result: {} };
}

function planAbsent(data: Buffer | null, params: LineinfileParams): EditPlan {
  if (data === null) return { content: null, msg: 'file not present', final: true };
  const regexp = params.regexp === undefined ? null : compile(params.regexp);
  const search = params.search_string === undefined ? null : utf8AsLatin1(params.search_string);
  const line = params.line === undefined ? 'None' : utf8AsLatin1(params.line);
  const matches = (current: string) =>
    regexp ? regexp.exec(current) !== null : search !== null ? current.includes(search) : line === stripEol(current);
  const lines = readLines(latin1(data));
  const kept = lines.filter((current) => !matches(current));
  const found = lines.length - kept.length;
  return { content: found > 0 ? bytes(kept.join('')) : data, msg: found > 0 ? `${found} line(s) removed` : '', result: { found } };
}

export const taskModule = defineEditModule({
  name: 'core.lineinfile',
  summary: "Ensure a line is in a file (or absent), found by regexp or search_string, as Ansible's lineinfile",
  params: lineinfileParams,
  options: { backupField: 'backup', emptyBackup: true },
  plan: planLineinfile,
});
