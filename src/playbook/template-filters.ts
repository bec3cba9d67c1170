import { createHash, getHashes } from 'node:crypto';
import type nunjucks from 'nunjucks';
import { dictGlobal, jinjaFilters, splitKwargs } from './filters-jinja.ts';
import { serializeFilters } from './filters-serialize.ts';
import { PyTuple, pythonStr } from './python-text.ts';
import { TemplateFilterError } from './template-errors.ts';
import { MissingValueUsed, isMissing } from './undefined.ts';

// The Ansible filters users expect on top of nunjucks' builtins (join, length, int, float,
// string, lower, upper, trim, replace, first, last, sort, list, ...). Errors name the filter,
// never the value: templates carry secrets.

export { TemplateFilterError };

type Kwargs = Record<string, unknown>;
type Filter = (this: unknown, value: unknown, ...args: unknown[]) => unknown;

function list(name: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (value !== null && typeof value === 'object') return Object.keys(value);
  throw new TemplateFilterError(`${name}: expected a list`);
}

function mapping(name: string, value: unknown): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new TemplateFilterError(`${name}: expected a mapping`);
}

/** `a.b.0` style attribute paths as Ansible's map/selectattr accept them. */
export function attributeOf(item: unknown, attribute: string): unknown {
  let value = item;
  for (const part of attribute.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Python `re` syntax Ansible users write, turned into a JS RegExp. */
export function pythonRegex(pattern: unknown, flags = ''): RegExp {
  const source = String(pattern).replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  try {
    return new RegExp(source, flags);
  } catch {
    throw new TemplateFilterError(`invalid regular expression ${JSON.stringify(String(pattern))}`);
  }
}

function regexFlags(kwargs: Kwargs, base = ''): string {
  return base + (kwargs.ignorecase ? 'i' : '') + (kwargs.multiline ? 'm' : '');
}

function pythonReplacement(replacement: unknown): string {
  return String(replacement ?? '')
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\w+)>/g, (_, group: string) => (/^\d+$/.test(group) ? `$${group}` : `$<${group}>`))
    .replace(/\\(\d+)/g, '$$$1');
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function combineTwo(base: Record<string, unknown>, over: Record<string, unknown>, recursive: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    result[key] = recursive && isPlainObject(result[key]) && isPlainObject(value) ? combineTwo(result[key] as Record<string, unknown>, value, true) : value;
  }
  return result;
}

function flatten(value: unknown[], levels: number): unknown[] {
  return value.flatMap((item) => (Array.isArray(item) && levels > 0 ? flatten(item, levels - 1) : [item]));
}

/** Ansible's bool filter: None and booleans pass through; yes/on/1/true (any case) are true. */
function toBool(value: unknown): boolean | null {
  if (value === null || value === undefined || typeof value === 'boolean') return value ?? null;
  if (typeof value === 'number') return value === 1;
  return ['yes', 'on', '1', 'true'].includes(String(value).toLowerCase());
}

/** Python's shlex.quote, as Ansible's quote filter uses. */
function shellQuote(text: string): string {
  if (text === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

/** The parts of nunjucks' Environment that its type declarations leave out. */
export type TemplateEnvironment = nunjucks.Environment & {
  getTest(name: string): (...args: unknown[]) => unknown;
  addTest(name: string, test: (...args: never[]) => unknown): void;
  globals: Record<string, unknown>;
};

function applyTest(env: TemplateEnvironment, context: unknown, name: unknown, value: unknown, args: unknown[]): boolean {
  if (name === undefined) return Boolean(value);
  const test = env.getTest(String(name)) as (this: unknown, ...a: unknown[]) => boolean;
  return Boolean(test.call(context, value, ...args));
}

function filters(env: TemplateEnvironment): Record<string, Filter> {
  const select = (keep: boolean, byAttribute: boolean): Filter =>
    function (this: unknown, value, ...rawArgs) {
      const [args] = splitKwargs(rawArgs);
      const [attribute, testName, ...testArgs] = byAttribute ? args : [undefined, ...args];
      return list('select', value).filter((item) => {
        const subject = byAttribute ? attributeOf(item, String(attribute)) : item;
        return applyTest(env, this, testName, subject, testArgs) === keep;
      });
    };
  const defaultFilter: Filter = (value, ...args) => {
    const [fallback = '', useForFalsy = false] = args;
    if (isMissing(value)) {
      value.consumed = true;
      return fallback;
    }
    // The fallback was evaluated eagerly; Jinja only complains if it is used, so do we.
    if (isMissing(fallback)) fallback.consumed = true;
    if (value === undefined || (useForFalsy && !value)) return fallback;
    return value;
  };
  return {
    default: defaultFilter,
    d: defaultFilter,
    mandatory(value) {
      if (isMissing(value)) throw new MissingValueUsed(value);
      return value;
    },
    bool: (value) => toBool(value),
    ternary: (value, whenTrue, whenFalse, whenNone) => (value === null && whenNone !== undefined ? whenNone : value ? whenTrue : whenFalse),
    regex_replace(value, ...rawArgs) {
      const [[pattern, replacement = '', ...rest], kwargs] = splitKwargs(rawArgs);
      const count = Number(kwargs.count ?? rest[0] ?? 0);
      const replaceWith = pythonReplacement(replacement);
      const regex = pythonRegex(pattern, regexFlags(kwargs, 'g'));
      if (!count) return String(value).replace(regex, replaceWith);
      // Python's count=N: replace the first N matches only.
      let done = 0;
      const single = pythonRegex(pattern, regexFlags(kwargs));
      return String(value).replace(regex, (match: string) => (done++ < count ? match.replace(single, replaceWith) : match));
    },
    regex_search(value, ...rawArgs) {
      const [[pattern, ...groups], kwargs] = splitKwargs(rawArgs);
      const match = pythonRegex(pattern, regexFlags(kwargs)).exec(String(value));
      if (!match) return null;
      if (groups.length === 0) return match[0];
      return groups.map((group) => {
        const ref = /^\\g<(\w+)>$/.exec(String(group)) ?? /^\\(\d+)$/.exec(String(group));
        if (!ref) throw new TemplateFilterError(`regex_search: group ${JSON.stringify(String(group))} must look like '\\\\1' or '\\\\g<name>'`);
        return /^\d+$/.test(ref[1]) ? match[Number(ref[1])] : match.groups?.[ref[1]];
      });
    },
    regex_findall(value, ...rawArgs) {
      const [[pattern], kwargs] = splitKwargs(rawArgs);
      return [...String(value).matchAll(pythonRegex(pattern, regexFlags(kwargs, 'g')))].map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0])));
    },
    b64encode: (value) => Buffer.from(String(value), 'utf8').toString('base64'),
    b64decode: (value) => Buffer.from(String(value), 'base64').toString('utf8'),
    unique: (value) => [...new Set(list('unique', value))],
    min(value, ...rawArgs) {
      const [, kwargs] = splitKwargs(rawArgs);
      const key = (item: unknown) => (kwargs.attribute ? attributeOf(item, String(kwargs.attribute)) : item);
      return list('min', value).reduce((best, item) => (best === undefined || compare(key(item), key(best)) < 0 ? item : best), undefined);
    },
    max(value, ...rawArgs) {
      const [, kwargs] = splitKwargs(rawArgs);
      const key = (item: unknown) => (kwargs.attribute ? attributeOf(item, String(kwargs.attribute)) : item);
      return list('max', value).reduce((best, item) => (best === undefined || compare(key(item), key(best)) > 0 ? item : best), undefined);
    },
    sum(value, ...rawArgs) {
      const [[attribute, start = 0], kwargs] = splitKwargs(rawArgs);
      const attr = (kwargs.attribute ?? attribute) as string | undefined;
      const items = list('sum', value).map((item) => (attr ? attributeOf(item, attr) : item));
      const initial = kwargs.start ?? start;
      if (Array.isArray(initial)) return items.reduce<unknown[]>((acc, item) => acc.concat(item as unknown[]), [...initial]);
      return items.reduce<number>((acc, item) => acc + Number(item), Number(initial));
    },
    dict2items(value, ...rawArgs) {
      const [, kwargs] = splitKwargs(rawArgs);
      const keyName = String(kwargs.key_name ?? 'key');
      const valueName = String(kwargs.value_name ?? 'value');
      return Object.entries(mapping('dict2items', value)).map(([k, v]) => ({ [keyName]: k, [valueName]: v }));
    },
    items2dict(value, ...rawArgs) {
      const [, kwargs] = splitKwargs(rawArgs);
      const keyName = String(kwargs.key_name ?? 'key');
      const valueName = String(kwargs.value_name ?? 'value');
      return Object.fromEntries(list('items2dict', value).map((item) => [String(attributeOf(item, keyName)), attributeOf(item, valueName)]));
    },
    map(this: unknown, value, ...rawArgs) {
      const [[filterName, ...filterArgs], kwargs] = splitKwargs(rawArgs);
      const items = list('map', value);
      if (kwargs.attribute !== undefined) {
        return items.map((item) => attributeOf(item, String(kwargs.attribute)) ?? kwargs.default);
      }
      if (filterName === undefined) throw new TemplateFilterError('map: give a filter name or attribute=');
      const filter = env.getFilter(String(filterName)) as Filter;
      return items.map((item) => filter.call(this, item, ...filterArgs));
    },
    select: select(true, false),
    reject: select(false, false),
    selectattr: select(true, true),
    rejectattr: select(false, true),
    combine(value, ...rawArgs) {
      const [dicts, kwargs] = splitKwargs(rawArgs);
      const all = [value, ...dicts].flatMap((d) => (Array.isArray(d) ? d : [d]));
      return all.reduce<Record<string, unknown>>((acc, d) => combineTwo(acc, mapping('combine', d), Boolean(kwargs.recursive)), {});
    },
    zip(value, ...others) {
      const lists = [value, ...others].map((l) => list('zip', l));
      const length = Math.min(...lists.map((l) => l.length));
      return Array.from({ length }, (_, i) => lists.map((l) => l[i]));
    },
    flatten(value, ...rawArgs) {
      const [[levels], kwargs] = splitKwargs(rawArgs);
      const depth = kwargs.levels ?? levels;
      return flatten(list('flatten', value), depth === undefined || depth === null ? Infinity : Number(depth));
    },
    difference: (value, other) => list('difference', value).filter((x) => !list('difference', other).includes(x)),
    intersect: (value, other) => [...new Set(list('intersect', value).filter((x) => list('intersect', other).includes(x)))],
    union: (value, other) => [...new Set([...list('union', value), ...list('union', other)])],
    split: (value, separator) => (separator === undefined ? String(value).trim().split(/\s+/) : String(value).split(String(separator))),
    symmetric_difference(value, other) {
      const a = list('symmetric_difference', value);
      const b = list('symmetric_difference', other);
      return [...new Set([...a.filter((x) => !b.includes(x)), ...b.filter((x) => !a.includes(x))])];
    },
    product: (value, ...others) =>
      [value, ...others].map((l) => list('product', l)).reduce<unknown[][]>((acc, l) => acc.flatMap((combo) => l.map((item) => [...combo, item])), [[]]).map((combo) => PyTuple.fromItems(combo)),
    shuffle(value) {
      const items = [...list('shuffle', value)];
      for (let i = items.length - 1; i > 0; i -= 1) {
        const j = Math.floor(Math.random() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    },
    // Python's os.path: a trailing slash leaves an empty basename, and the dirname keeps the rest.
    basename: (value) => String(value).slice(String(value).lastIndexOf('/') + 1),
    dirname(value) {
      const path = String(value);
      const head = path.slice(0, path.lastIndexOf('/') + 1);
      return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
    },
    splitext(value) {
      const path = String(value);
      const base = path.slice(path.lastIndexOf('/') + 1);
      const dot = base.replace(/^\.+/, (dots) => ' '.repeat(dots.length)).lastIndexOf('.');
      if (dot <= 0) return PyTuple.fromItems([path, '']);
      const cut = path.length - base.length + dot;
      return PyTuple.fromItems([path.slice(0, cut), path.slice(cut)]);
    },
    quote: (value) => shellQuote(pythonStr(value ?? '')),
    regex_escape: (value) => String(value).replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, '\\$&'),
    hash(value, algorithm = 'sha1') {
      if (!getHashes().includes(String(algorithm))) throw new TemplateFilterError(`hash: unknown algorithm ${JSON.stringify(String(algorithm))}`);
      return createHash(String(algorithm)).update(pythonStr(value)).digest('hex');
    },
    checksum: (value) => createHash('sha1').update(pythonStr(value)).digest('hex'),
    md5: (value) => createHash('md5').update(pythonStr(value)).digest('hex'),
    sha1: (value) => createHash('sha1').update(pythonStr(value)).digest('hex'),
    // Ansible's comment filter in its default style: the text between two bare `#` lines.
    comment(value, style = 'plain') {
      if (style !== 'plain') throw new TemplateFilterError(`comment: style ${JSON.stringify(String(style))} is not supported`);
      return ['#', ...pythonStr(value).split('\n').map((line) => (line === '' ? '#' : `# ${line}`)), '#'].join('\n');
    },
    ...jinjaFilters,
    ...serializeFilters,
  };
}

export function installAnsibleFilters(env: TemplateEnvironment): void {
  for (const [name, filter] of Object.entries(filters(env))) env.addFilter(name, filter as (...args: unknown[]) => unknown);
  env.addGlobal('dict', dictGlobal);
}
