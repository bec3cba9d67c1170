import { strFormat } from './python-format.ts';

// The Python methods Ansible templates call on strings and dicts (`s.startswith(x)`,
// `d.items()`, `'{}:{}'.format(h, p)`), since Jinja2 hands templates real Python objects.

type Method = (...args: unknown[]) => unknown;

function splitKeywords(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && last.__keywords === true) {
    const { __keywords: _, ...named } = last;
    return [args.slice(0, -1), named];
  }
  return [args, {}];
}

function stripChars(chars: unknown): string {
  return chars === undefined || chars === null ? ' \t\n\r\f\v' : String(chars);
}

function stringMethod(s: string, key: string): Method | undefined {
  const strip = (chars: unknown, left: boolean, right: boolean) => {
    const set = stripChars(chars);
    let start = 0;
    let end = s.length;
    while (left && start < end && set.includes(s[start])) start += 1;
    while (right && end > start && set.includes(s[end - 1])) end -= 1;
    return s.slice(start, end);
  };
  switch (key) {
    case 'startswith': return (prefix) => (Array.isArray(prefix) ? prefix.some((p) => s.startsWith(String(p))) : s.startsWith(String(prefix)));
    case 'endswith': return (suffix) => (Array.isArray(suffix) ? suffix.some((p) => s.endsWith(String(p))) : s.endsWith(String(suffix)));
    case 'strip': return (chars) => strip(chars, true, true);
    case 'lstrip': return (chars) => strip(chars, true, false);
    case 'rstrip': return (chars) => strip(chars, false, true);
    case 'lower': return () => s.toLowerCase();
    case 'upper': return () => s.toUpperCase();
    case 'title': return () => s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_, before: string, ch: string) => before + ch.toUpperCase());
    case 'capitalize': return () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
    case 'replace': return (from, to, count) => {
      if (count === undefined || Number(count) < 0) return s.replaceAll(String(from), String(to));
      let left = Number(count);
      return s.split(String(from)).reduce((acc, part, i) => (i === 0 ? part : acc + (left-- > 0 ? String(to) : String(from)) + part), '');
    };
    case 'split': return (sep, maxsplit) => pythonSplit(s, sep, maxsplit === undefined ? -1 : Number(maxsplit));
    case 'rsplit': return (sep, maxsplit) => {
      if (maxsplit === undefined || Number(maxsplit) < 0) return pythonSplit(s, sep, -1);
      return pythonSplit([...s].reverse().join(''), sep === undefined || sep === null ? sep : [...String(sep)].reverse().join(''), Number(maxsplit))
        .map((part) => [...part].reverse().join(''))
        .reverse();
    };
    case 'splitlines': return () => s.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== '');
    case 'join': return (items) => (Array.isArray(items) ? items.map(String).join(s) : [...String(items)].join(s));
    case 'find': return (sub) => s.indexOf(String(sub));
    case 'rfind': return (sub) => s.lastIndexOf(String(sub));
    case 'count': return (sub) => (String(sub) === '' ? s.length + 1 : s.split(String(sub)).length - 1);
    case 'zfill': return (width) => {
      const sign = /^[+-]/.test(s) ? s[0] : '';
      return sign + s.slice(sign.length).padStart(Number(width) - sign.length, '0');
    };
    case 'ljust': return (width, fill = ' ') => s.padEnd(Number(width), String(fill));
    case 'rjust': return (width, fill = ' ') => s.padStart(Number(width), String(fill));
    case 'isdigit': return () => /^\d+$/.test(s);
    case 'isalpha': return () => /^[a-zA-Z]+$/.test(s);
    case 'isalnum': return () => /^[a-zA-Z0-9]+$/.test(s);
    case 'isspace': return () => /^\s+$/.test(s);
    case 'islower': return () => /[a-z]/.test(s) && s === s.toLowerCase();
    case 'isupper': return () => /[A-Z]/.test(s) && s === s.toUpperCase();
    case 'format': return (...args) => {
      const [positional, named] = splitKeywords(args);
      return strFormat(s, positional, named);
    };
  }
  return undefined;
}

/** str.split: no separator splits on runs of whitespace and drops empty ends. */
function pythonSplit(s: string, sep: unknown, maxsplit: number): string[] {
  if (sep === undefined || sep === null) {
    const words = s.trim() === '' ? [] : s.trim().split(/\s+/);
    if (maxsplit < 0 || words.length <= maxsplit + 1) return words;
    const head = words.slice(0, maxsplit);
    let rest = s.trimStart();
    for (const word of head) rest = rest.slice(word.length).trimStart();
    return [...head, rest];
  }
  const parts = s.split(String(sep));
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(String(sep))];
}

function dictMethod(record: Record<string, unknown>, key: string): Method | undefined {
  switch (key) {
    case 'items': return () => Object.entries(record);
    case 'keys': return () => Object.keys(record);
    case 'values': return () => Object.values(record);
    case 'get': return (name, fallback = null) => (Object.hasOwn(record, String(name)) ? record[String(name)] : fallback);
  }
  return undefined;
}

/** List methods; Ansible's templates are not sandboxed, so `names.append(x)` changes `names`. */
function listMethod(list: unknown[], key: string): Method | undefined {
  switch (key) {
    // Python's mutating methods return None.
    case 'append': return (item) => (list.push(item), null);
    case 'extend': return (items) => (list.push(...(Array.isArray(items) ? items : [...String(items)])), null);
    case 'insert': return (index, item) => (list.splice(Number(index) < 0 ? list.length + Number(index) : Number(index), 0, item), null);
    case 'pop': return (index = -1) => list.splice(Number(index) < 0 ? list.length + Number(index) : Number(index), 1)[0];
    case 'remove': return (item) => (list.splice(list.indexOf(item), 1), null);
    case 'index': return (item) => list.indexOf(item);
    case 'count': return (item) => list.filter((x) => x === item).length;
  }
  return undefined;
}

/** The method `key` of `obj` as Python has it, unless `obj` is a dict holding that key. */
export function pythonMethod(obj: unknown, key: string): Method | undefined {
  if (typeof obj === 'string') return stringMethod(obj, key);
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj) && !Object.hasOwn(obj, key)) return dictMethod(obj as Record<string, unknown>, key);
  if (Array.isArray(obj)) return listMethod(obj, key);
  return undefined;
}
