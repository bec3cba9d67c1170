import { existsSync } from 'node:fs';
import { controllerFileCandidates } from '../modules/controller-files.ts';
import { percentFormat } from './python-format.ts';
import { isFile, pythonGlob } from './python-glob.ts';
import { parseKv } from './split-args.ts';

// The lookups behind Ansible's `with_<name>` loops (ansible/plugins/lookup/*.py, ansible-core
// 2.14), each a port of its plugin's run(): the task's `with_<name>` value, templated and made a
// list of terms as listify_lookup_plugin_terms does, becomes the loop's items. Checked against the
// plugins themselves in test/unit/playbook/loop-lookups.test.ts.

export const LOOP_LOOKUPS = ['items', 'list', 'dict', 'sequence', 'fileglob', 'together', 'nested'] as const;
export type LoopLookup = (typeof LOOP_LOOKUPS)[number];

/** A lookup's refusal, in its plugin's words; the caller adds the task's position. */
export class LoopLookupError extends Error {}

export interface LookupContext {
  /** The task's search path (ansible_search_path), for fileglob's relative patterns. */
  searchPath: readonly string[];
}

function isMappingValue(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What Python's `for x in value` walks: a list's items, a string's characters, a dict's keys. */
function pyIterate(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return Array.from(value);
  if (isMappingValue(value)) return Object.keys(value);
  throw new LoopLookupError(`'${value === null ? 'NoneType' : typeof value}' object is not iterable`);
}

/** listify_lookup_plugin_terms after templating: a string or a non-iterable becomes a one-item list. */
export function listifyTerms(terms: unknown): unknown {
  return Array.isArray(terms) || isMappingValue(terms) ? terms : [terms];
}

/** LookupBase._flatten: one level of lists is spread. */
function flatten(terms: unknown): unknown[] {
  return pyIterate(terms).flatMap((term) => (Array.isArray(term) ? term : [term]));
}

/** Python's int(text, 0): decimal without leading zeros, 0x / 0o / 0b, underscores between digits. */
function pythonInt0(text: string): number | undefined {
  const trimmed = text.trim();
  const match = /^([+-]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?[0-9])*)$/.exec(trimmed);
  if (!match) return undefined;
  const digits = match[2].replaceAll('_', '');
  const value = /^0[xob]/i.test(digits) ? Number(digits.toLowerCase()) : Number(digits);
  return match[1] === '-' ? -value : value;
}

const NUM = '(0?x?[0-9a-f]+)';
/** sequence.py's SHORTCUT `[start-]end[/stride][:format]`; Python's `$` also allows a final newline. */
const SHORTCUT = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:([^\\n]+))?\\n?$`, 'i');

interface Sequence {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

function sequenceNumber(name: string, raw: string): number {
  const value = pythonInt0(raw);
  if (value === undefined) throw new LoopLookupError(`can't parse ${name}=${raw} as integer`);
  return value;
}

/** One with_sequence term: the shortcut form, else key=value (start, end, count, stride, format). */
function sequenceTerm(term: unknown): Sequence {
  const spec: Sequence = { start: 1, stride: 1, format: '%d' };
  if (typeof term !== 'string') {
    throw new LoopLookupError(`unknown error parsing with_sequence arguments: ${JSON.stringify(term)}. Error was: expected string`);
  }
  const shortcut = SHORTCUT.exec(term);
  if (shortcut) {
    const [, , start, end, , stride, , format] = shortcut;
    if (start !== undefined) spec.start = sequenceNumber('start', start);
    spec.end = sequenceNumber('end', end);
    if (stride !== undefined) spec.stride = sequenceNumber('stride', stride);
    if (format !== undefined) spec.format = format;
    return spec;
  }
  const args = new Map(Object.entries(parseKv(term)));
  for (const name of ['start', 'end', 'count', 'stride'] as const) {
    const raw = args.get(name);
    args.delete(name);
    if (raw !== undefined) spec[name] = sequenceNumber(name, raw);
  }
  if (args.has('format')) {
    spec.format = args.get('format')!;
    args.delete('format');
  }
  if (args.size > 0) {
    throw new LoopLookupError(`unrecognized arguments to with_sequence: [${[...args.keys()].map((key) => `'${key}'`).join(', ')}]`);
  }
  return spec;
}

/** sequence.py's sanity_check and generate_sequence. */
function sequenceItems(spec: Sequence): string[] {
  let { start, end, stride } = spec;
  if (spec.count === undefined && end === undefined) throw new LoopLookupError('must specify count or end in with_sequence');
  if (spec.count !== undefined && end !== undefined) throw new LoopLookupError("can't specify both count and end in with_sequence");
  if (spec.count !== undefined) {
    if (spec.count !== 0) end = start + spec.count * stride - 1;
    else [start, end, stride] = [0, 0, 0];
  }
  if (stride > 0 && end! < start) throw new LoopLookupError('to count backwards make stride negative');
  if (stride < 0 && end! > start) throw new LoopLookupError("to count forward don't make stride negative");
  if (spec.format.split('%').length - 1 !== 1) throw new LoopLookupError(`bad formatting string: ${spec.format}`);
  if (stride === 0) return [];
  const stop = end! + (stride >= 0 ? 1 : -1);
  const items: string[] = [];
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) {
    try {
      items.push(percentFormat(spec.format, i));
    } catch {
      throw new LoopLookupError(`problem formatting ${i} with '${spec.format}'`);
    }
  }
  return items;
}

/** os.path.join of path parts, without normalizing (`files/./x` stays as written, as Ansible has it). */
function pyJoin(...parts: string[]): string {
  return parts.reduce((joined, part) => (part.startsWith('/') ? part : joined === '' || joined.endsWith('/') ? joined + part : `${joined}/${part}`));
}

/**
 * fileglob.py: each pattern's matching files on the controller, from the first place that has
 * any. A pattern with a directory looks for that directory as find_file_in_search_path does
 * (`<dir>/files/<d>`, then `<dir>/<d>`, for each search directory; an absolute one as it is).
 */
function fileglob(terms: unknown, context: LookupContext): string[] {
  const found: string[] = [];
  for (const term of pyIterate(terms)) {
    if (typeof term !== 'string') throw new LoopLookupError(`with_fileglob: expected a path pattern, got ${JSON.stringify(term)}`);
    const file = term.slice(term.lastIndexOf('/') + 1);
    let places: string[];
    if (file !== term) {
      // os.path.dirname: the head without its trailing slashes, unless it is all slashes.
      const dir = term.slice(0, term.lastIndexOf('/') + 1).replace(/(?<=[^/])\/+$/, '');
      const candidates = dir.startsWith('/') || dir.startsWith('~')
        ? controllerFileCandidates([], 'files', dir)
        : context.searchPath.flatMap((base) => [pyJoin(base, 'files', dir), pyJoin(base, dir)]);
      const place = candidates.find((candidate) => existsSync(candidate));
      places = place === undefined ? [] : [place];
    } else {
      places = context.searchPath.flatMap((base) => [pyJoin(base, 'files'), base]);
    }
    for (const place of places) {
      const matches = pythonGlob(pyJoin(place, file)).filter(isFile);
      if (matches.length > 0) {
        found.push(...matches);
        break;
      }
    }
  }
  return found;
}

/** itertools.zip_longest over the lists, each tuple flattened (together.py). */
function together(terms: unknown): unknown[] {
  const lists = pyIterate(terms).map((term) => pyIterate(listifyTerms(term)));
  if (lists.length === 0) throw new LoopLookupError('with_together requires at least one element in each list');
  const length = Math.max(...lists.map((list) => list.length));
  return Array.from({ length }, (_, i) => flatten(lists.map((list) => (i < list.length ? list[i] : null))));
}

/** The cartesian product of the lists, each combination flattened (nested.py). */
function nested(terms: unknown): unknown[] {
  const lists = pyIterate(terms).map((term) => listifyTerms(term));
  if (lists.length === 0) throw new LoopLookupError('with_nested requires at least one element in the nested list');
  let result: unknown[] = pyIterate(lists[0]);
  for (const next of lists.slice(1)) {
    result = result.flatMap((x) => pyIterate(next).map((y) => flatten([x, y])));
  }
  return result.map((x) => flatten(x));
}

/** The loop items of `with_<lookup>: terms`, terms already templated and listified. */
export function runLoopLookup(lookup: LoopLookup, terms: unknown, context: LookupContext): unknown[] {
  switch (lookup) {
    case 'items':
      return flatten(terms);
    case 'list':
      if (!Array.isArray(terms)) throw new LoopLookupError('with_list expects a list');
      return terms;
    case 'dict':
      return (Array.isArray(terms) ? terms : [terms]).flatMap((term) => {
        if (!isMappingValue(term)) throw new LoopLookupError('with_dict expects a dict');
        return Object.entries(term).map(([key, value]) => ({ key, value }));
      });
    case 'sequence':
      return pyIterate(terms).flatMap((term) => sequenceItems(sequenceTerm(term)));
    case 'fileglob':
      return fileglob(terms, context);
    case 'together':
      return together(terms);
    case 'nested':
      return nested(terms);
  }
}
