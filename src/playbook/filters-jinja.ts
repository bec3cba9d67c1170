import { TemplateFilterError } from './template-errors.ts';
import { percentFormat } from './python-format.ts';
import { PyTuple, pythonStr } from './python-text.ts';

// Jinja2's builtin filters where nunjucks' same-named ones differ (`"abc" | int` is 0 in Jinja2,
// `dict | list` gives its keys, `dictsort` takes `reverse`, `groupby` gives (key, items) pairs).

type Kwargs = Record<string, unknown>;
type Filter = (this: unknown, value: unknown, ...args: unknown[]) => unknown;

/** nunjucks passes `name=value` arguments as a trailing object flagged `__keywords`. */
export function splitKwargs(args: unknown[]): [unknown[], Kwargs] {
  const last = args[args.length - 1] as Kwargs | undefined;
  if (last && typeof last === 'object' && last.__keywords === true) {
    const { __keywords: _, ...kwargs } = last;
    return [args.slice(0, -1), kwargs];
  }
  return [args, {}];
}

/** Positional and keyword arguments by Jinja's parameter names. */
function named(args: unknown[], names: string[]): Kwargs {
  const [positional, kwargs] = splitKwargs(args);
  const out: Kwargs = {};
  names.forEach((name, i) => {
    if (kwargs[name] !== undefined) out[name] = kwargs[name];
    else if (i < positional.length) out[name] = positional[i];
  });
  return out;
}

/** Python's int() of a string in a base (0: from its prefix); undefined where Python raises. */
function parseInteger(text: string, base: number): number | undefined {
  let digits = text.trim().replace(/_/g, '');
  const sign = digits.startsWith('-') ? -1 : 1;
  digits = digits.replace(/^[+-]/, '');
  const prefixes: Record<number, RegExp> = { 16: /^0x/i, 8: /^0o/i, 2: /^0b/i };
  if (base === 0) {
    base = /^0x/i.test(digits) ? 16 : /^0o/i.test(digits) ? 8 : /^0b/i.test(digits) ? 2 : 10;
  }
  digits = digits.replace(prefixes[base] ?? /^$/, '');
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  if (digits === '' || ![...digits.toLowerCase()].every((d) => alphabet.includes(d))) return undefined;
  return sign * parseInt(digits, base);
}

/** Python's float() of a string; undefined where Python raises. */
function parseFloatStrict(text: string): number | undefined {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) ? Number(t) : undefined;
}

function toInt(value: unknown, fallback: unknown, base: number): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const whole = parseInteger(value, base);
    if (whole !== undefined) return whole;
    // Jinja2 then tries int(float(value)).
    const real = parseFloatStrict(value);
    return real !== undefined && Number.isFinite(real) ? Math.trunc(real) : fallback;
  }
  return fallback;
}

function toFloat(value: unknown, fallback: unknown): unknown {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return parseFloatStrict(value) ?? fallback;
  return fallback;
}

function sortKey(value: unknown, caseSensitive: boolean): unknown {
  return typeof value === 'string' && !caseSensitive ? value.toLowerCase() : value;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function attribute(item: unknown, path: unknown): unknown {
  if (path === undefined || path === null) return item;
  let value = item;
  for (const part of String(path).split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[/^\d+$/.test(part) && Array.isArray(value) ? Number(part) : part];
  }
  return value;
}

/** Jinja2's truncate: text up to `leeway` characters past `length` is left whole. */
function truncate(value: unknown, ...args: unknown[]): string {
  const { length = 255, killwords = false, end = '...', leeway = 5 } = named(args, ['length', 'killwords', 'end', 'leeway']);
  const s = pythonStr(value);
  const max = Number(length);
  if (s.length <= max + Number(leeway)) return s;
  const room = max - String(end).length;
  if (killwords) return s.slice(0, room) + String(end);
  const cut = s.slice(0, room);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace === -1 ? cut : cut.slice(0, lastSpace)) + String(end);
}

export const jinjaFilters: Record<string, Filter> = {
  int(value, ...args) {
    const { default: fallback = 0, base = 10 } = named(args, ['default', 'base']);
    return toInt(value, fallback, Number(base));
  },
  float(value, ...args) {
    const { default: fallback = 0 } = named(args, ['default']);
    return toFloat(value, fallback);
  },
  string: (value) => pythonStr(value),
  list(value) {
    if (typeof value === 'string') return [...value];
    if (Array.isArray(value)) return [...value];
    if (value !== null && typeof value === 'object') return Object.keys(value);
    throw new TemplateFilterError('list: the value cannot be iterated');
  },
  count: (value) => (typeof value === 'string' || Array.isArray(value) ? value.length : value !== null && typeof value === 'object' ? Object.keys(value).length : 0),
  truncate,
  format(value, ...args) {
    const [positional, kwargs] = splitKwargs(args);
    return percentFormat(String(value), Object.keys(kwargs).length > 0 ? kwargs : PyTuple.fromItems(positional));
  },
  dictsort(value, ...args) {
    const { case_sensitive = false, by = 'key', reverse = false } = named(args, ['case_sensitive', 'by', 'reverse']);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TemplateFilterError('dictsort: expected a mapping');
    const position = by === 'value' ? 1 : 0;
    const pairs = Object.entries(value).map(([k, v]) => PyTuple.fromItems([k, v]));
    pairs.sort((a, b) => compareValues(sortKey(a[position], Boolean(case_sensitive)), sortKey(b[position], Boolean(case_sensitive))));
    return reverse ? pairs.reverse() : pairs;
  },
  groupby(value, ...args) {
    const { attribute: path, default: fallback, case_sensitive = false } = named(args, ['attribute', 'default', 'case_sensitive']);
    if (!Array.isArray(value)) throw new TemplateFilterError('groupby: expected a list');
    const keyOf = (item: unknown) => attribute(item, path) ?? fallback;
    const sorted = [...value].sort((a, b) => compareValues(sortKey(keyOf(a), Boolean(case_sensitive)), sortKey(keyOf(b), Boolean(case_sensitive))));
    const groups: PyTuple[] = [];
    for (const item of sorted) {
      const key = keyOf(item);
      const last = groups[groups.length - 1];
      if (last && sortKey(last[0], Boolean(case_sensitive)) === sortKey(key, Boolean(case_sensitive))) (last[1] as unknown[]).push(item);
      else groups.push(PyTuple.fromItems([key, [item]]));
    }
    return groups;
  },
};

/** Jinja2's `dict(a=1)` and Python's `dict(pairs)`, which templates call as a global. */
export function dictGlobal(...args: unknown[]): Record<string, unknown> {
  const [positional, kwargs] = splitKwargs(args);
  const result: Record<string, unknown> = {};
  const source = positional[0];
  if (Array.isArray(source)) {
    for (const pair of source) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TemplateFilterError('dict: each item must be a pair');
      result[String(pair[0])] = pair[1];
    }
  } else if (source !== null && typeof source === 'object') {
    Object.assign(result, source);
  }
  return Object.assign(result, kwargs);
}
