import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { defineEditModule, type EditPlan } from '../../src/modules/file-edit.ts';
import { checkPythonPatterns, editCommonFields, editPathAliases, editPathFields, foldAliases } from '../../src/modules/param-aliases.ts';
import { pythonRegex } from '../../src/modules/python-regex.ts';

// Ansible's blockinfile, ported from ansible/modules/blockinfile.py (2.14): a block between two
// marker lines, replaced where both markers are, else inserted after the last line matching
// insertafter (or before insertbefore's), or at EOF/BOF; an empty block removes it. Lines are
// bytes split as Python's bytes.splitlines (\n, \r\n and \r), markers compared with their \n.

const aliases = { ...editPathAliases, content: 'block' };

const blockinfileFields = z.strictObject({
  ...editPathFields,
  state: z.enum(['present', 'absent']).default('present').describe('present: the block is there; absent: it is removed with its markers'),
  marker: z.string().default('# {mark} ANSIBLE MANAGED BLOCK').describe('Marker line template; {mark} becomes marker_begin or marker_end'),
  marker_begin: z.string().default('BEGIN').describe('What {mark} is in the first marker line'),
  marker_end: z.string().default('END').describe('What {mark} is in the last marker line'),
  block: z.string().optional().describe("The text between the markers (default ''; an empty block removes the block; alias content)"),
  content: z.string().optional().describe('Alias of block'),
  insertafter: z.string().optional().describe('EOF (the default) or a regexp: a new block goes after the last matching line'),
  insertbefore: z.string().optional().describe('BOF or a regexp: a new block goes before the last matching line'),
  create: z.boolean().default(false).describe('Create the file when it is missing (else the task fails)'),
  ...editCommonFields,
});
type Fields = z.output<typeof blockinfileFields>;
export type BlockinfileParams = Omit<Fields, keyof typeof aliases> & { path: string; block: string };

export const blockinfileParams = blockinfileFields.transform((raw, ctx): BlockinfileParams => {
  const params = foldAliases(raw, aliases, ctx) as BlockinfileParams;
  if (params.path === undefined) ctx.addIssue({ code: 'custom', path: ['path'], message: 'path is required' });
  if (params.insertafter !== undefined && params.insertbefore !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['insertbefore'], message: 'parameters are mutually exclusive: insertbefore|insertafter' });
  }
  const patterns = [...(params.insertafter === 'EOF' ? [] : ['insertafter']), ...(params.insertbefore === 'BOF' ? [] : ['insertbefore'])];
  checkPythonPatterns(params, patterns, { mode: 'bytes' }, ctx);
  return { ...params, block: params.block ?? '' };
});

const latin1 = (data: Buffer) => data.toString('latin1');
const utf8AsLatin1 = (text: string) => latin1(Buffer.from(text, 'utf8'));

/** Python's bytes.splitlines(True): lines end at \n, \r\n or \r and keep their ending. */
export function splitLinesKeepEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** blockinfile's decision, from the file's bytes (null: missing) to the new bytes and Ansible's msg. */
export function planBlockinfile(data: Buffer | null, params: BlockinfileParams): EditPlan {
  const present = params.state === 'present';
  if (data === null && !params.create) throw new TaskError(`Path ${params.path} does not exist !`);
  if (data === null && !present) return { content: null, msg: `File ${params.path} not present`, final: true };
  const original = data === null ? null : latin1(data);
  const lines = original === null ? [] : splitLinesKeepEnds(original);
  let insertafter = params.insertafter;
  const insertbefore = params.insertbefore;
  if (insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  const insertPattern = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : insertbefore !== undefined && insertbefore !== 'BOF' ? insertbefore : undefined;
  const insert = insertPattern === undefined ? null : pythonRegex(utf8AsLatin1(insertPattern), { mode: 'bytes' });

  const marker = utf8AsLatin1(params.marker);
  // Ansible substitutes with re.sub, so a backslash in marker_begin/marker_end would be a template escape; here it is literal.
  const marker0 = `${marker.split('{mark}').join(utf8AsLatin1(params.marker_begin))}\n`;
  const marker1 = `${marker.split('{mark}').join(utf8AsLatin1(params.marker_end))}\n`;
  let block = utf8AsLatin1(params.block);
  let blockLines: string[] = [];
  if (present && block) {
    if (!block.endsWith('\n')) block += '\n';
    blockLines = [marker0, ...splitLinesKeepEnds(block), marker1];
  }

  let n0: number | null = null;
  let n1: number | null = null;
  for (const [i, line] of lines.entries()) {
    if (line === marker0) n0 = i;
    if (line === marker1) n1 = i;
  }
  if (n0 === null || n1 === null) {
    n0 = null;
    if (insert !== null) {
      if (insert.multiline) {
        const match = insert.regex.exec(original ?? '');
        if (match) {
          const upTo = insertafter !== undefined ? match.index + match[0].length : match.index;
          n0 = ((original ?? '').slice(0, upTo).match(/\n/g) ?? []).length;
        }
      } else {
        for (const [i, line] of lines.entries()) if (insert.regex.exec(line)) n0 = i;
      }
      if (n0 === null) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (insertbefore !== undefined) n0 = 0;
    else n0 = lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines[n0 - 1].endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blockLines);
  const result = lines.join('');

  let msg = '';
  if (original === result) msg = '';
  else if (original === null) msg = 'File created';
  else if (blockLines.length === 0) msg = 'Block removed';
  else msg = 'Block inserted';
  return { content: Buffer.from(result, 'latin1'), msg };
}

export const taskModule = defineEditModule({
  name: 'core.blockinfile',
  summary: "Insert, update or remove a block of lines between marker lines, as Ansible's blockinfile",
  params: blockinfileParams,
  options: { backupField: 'backup_file' },
  plan: planBlockinfile,
});
