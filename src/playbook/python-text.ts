/** A Python tuple in a template (`(a, b)`, `splitext`'s result): a list that prints as `(a, b)`. */
export class PyTuple extends Array<unknown> {
  static fromItems(items: readonly unknown[]): PyTuple {
    const tuple = new PyTuple();
    tuple.push(...items);
    return tuple;
  }
  // map/filter/slice on a tuple give plain lists, as Jinja's filters give lists.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/**
 * Python's str() of a template value, which is how Jinja2 in Ansible prints a value into text:
 * a list prints `['a', 1]`, a dict `{'a': True}`, booleans `True`/`False`, null `None`.
 */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pythonRepr(value);
}

/** Python's repr(): strings quoted as Python quotes them, containers with their items' repr. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonStringRepr(value);
  if (value instanceof PyTuple) return value.length === 1 ? `(${pythonRepr(value[0])},)` : `(${value.map(pythonRepr).join(', ')})`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** JavaScript has one number type: an integral value prints as Python's int, others as its float. */
function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return String(value);
  // Python's float repr: shortest round-trip digits (as JS), exponent as e+XX / e-XX.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** repr() of a str: single quotes unless the text holds a single quote and no double quote. */
function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

/**
 * A Python string literal's body decoded as Jinja2 decodes it (`unicode-escape`): `\n`, `\x41`,
 * `\101`, `\u00e9`; an unknown escape such as `\d` keeps its backslash, which is why regexes in
 * Ansible templates need no doubled backslashes.
 */
export function pythonUnescape(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (all, escape: string) => {
    if (Object.hasOwn(SIMPLE_ESCAPES, escape)) return SIMPLE_ESCAPES[escape];
    if (/^[0-7]+$/.test(escape)) return String.fromCodePoint(parseInt(escape, 8));
    if (/^[xuU]/.test(escape) && escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    return all;
  });
}
