import { TemplateFilterError } from './template-errors.ts';
import { PyTuple, pythonRepr, pythonStr } from './python-text.ts';

// Python's string formatting as Ansible templates use it: `'%s:%d' % (host, port)`, the
// `format` filter (which is `%`), and `'{}:{}'.format(host, port)`.

const CONVERSION = /%(?:\((\w+)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

function pad(text: string, width: number | undefined, flags: string, numeric: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[+\- ]/.test(text) ? text[0] : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

function toNumber(value: unknown, conversion: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TemplateFilterError(`%${conversion} format: a number is required`);
}

/** Python's %e exponent has at least two digits: 1.5e+00. */
function exponential(n: number, precision: number): string {
  return n.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

function general(n: number, precision: number, alternate: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (n === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(n)));
  const text = exponent < -4 || exponent >= p ? exponential(n, p - 1) : n.toFixed(Math.max(0, p - 1 - exponent));
  if (alternate) return text;
  return text.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
}

function convert(value: unknown, conversion: string, flags: string, precision: number | undefined): string {
  const signed = (n: number, body: string) => (n < 0 || Object.is(n, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + body;
  switch (conversion) {
    case 's':
      return precision === undefined ? pythonStr(value) : pythonStr(value).slice(0, precision);
    case 'r':
    case 'a':
      return pythonRepr(value);
    case 'c':
      return typeof value === 'number' ? String.fromCodePoint(value) : String(value);
    case 'd':
    case 'i':
    case 'u': {
      const n = Math.trunc(toNumber(value, conversion));
      return signed(n, String(Math.abs(n)));
    }
    case 'o':
    case 'x':
    case 'X': {
      const n = Math.trunc(toNumber(value, conversion));
      const digits = Math.abs(n).toString(conversion === 'o' ? 8 : 16);
      const prefix = flags.includes('#') ? (conversion === 'o' ? '0o' : '0x') : '';
      const body = prefix + digits;
      return signed(n, conversion === 'X' ? body.toUpperCase() : body);
    }
    case 'e':
    case 'E': {
      const n = toNumber(value, conversion);
      const body = exponential(Math.abs(n), precision ?? 6);
      return signed(n, conversion === 'E' ? body.toUpperCase() : body);
    }
    case 'f':
    case 'F': {
      const n = toNumber(value, conversion);
      return signed(n, Math.abs(n).toFixed(precision ?? 6));
    }
    default: {
      const n = toNumber(value, conversion);
      const body = general(Math.abs(n), precision ?? 6, flags.includes('#'));
      return signed(n, conversion === 'G' ? body.toUpperCase() : body);
    }
  }
}

/** `format % args`: a tuple gives the positional values, a dict the `%(name)s` ones. */
export function percentFormat(format: string, args: unknown): string {
  const named = args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : undefined;
  const positional = args instanceof PyTuple ? [...args] : [args];
  let next = 0;
  const take = (): unknown => {
    if (next >= positional.length) throw new TemplateFilterError('not enough arguments for format string');
    return positional[next++];
  };
  const text = format.replace(CONVERSION, (_all, name: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conversion: string) => {
    if (conversion === '%') return '%';
    const w = width === '*' ? Number(take()) : width === undefined ? undefined : Number(width);
    const p = precision === '*' ? Number(take()) : precision === undefined ? undefined : Number(precision);
    let value: unknown;
    if (name !== undefined) {
      if (!named || !Object.hasOwn(named, name)) throw new TemplateFilterError(`format requires a mapping with key '${name}'`);
      value = named[name];
    } else {
      value = named && !(args instanceof PyTuple) ? args : take();
    }
    return pad(convert(value, conversion, flags, p), w, flags, !'sracs'.includes(conversion));
  });
  if (!named && next < positional.length) throw new TemplateFilterError('not all arguments converted during string formatting');
  return text;
}

/** `'{}-{0}-{name}'.format(...)`, with `{{`/`}}` escapes and `!r`/`!s` conversions. */
export function strFormat(format: string, positional: unknown[], named: Record<string, unknown>): string {
  let auto = 0;
  return format.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (all, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    const key = field ?? '';
    const [head, ...path] = key.split('.');
    let value = head === '' ? positional[auto++] : /^\d+$/.test(head) ? positional[Number(head)] : named[head];
    for (const part of path) value = (value as Record<string, unknown> | undefined)?.[part];
    const text = conversion === 'r' || conversion === 'a' ? pythonRepr(value) : pythonStr(value);
    if (!spec) return text;
    const match = /^(.?[<>^])?(0)?(\d+)?(?:\.(\d+))?([sdfx])?$/.exec(spec);
    if (!match) throw new TemplateFilterError(`format spec ':${spec}' is not supported`);
    const [, alignment, zero, width, precision, type] = match;
    // A leading 0 on the width pads numbers with zeros, as the '0' fill with '>' would.
    const align = alignment ?? (zero ? '0>' : '');
    let body = text;
    if (type === 'f') body = Number(value).toFixed(Number(precision ?? 6));
    else if (type === 'x') body = Math.trunc(Number(value)).toString(16);
    else if (type === 'd') body = String(Math.trunc(Number(value)));
    const fill = align.length === 2 ? align[0] : ' ';
    const direction = align.slice(-1) || (typeof value === 'number' ? '>' : '<');
    const w = Number(width ?? 0);
    if (body.length >= w) return body;
    if (direction === '<') return body.padEnd(w, fill);
    if (direction === '>') return body.padStart(w, fill);
    const left = Math.floor((w - body.length) / 2);
    return fill.repeat(left) + body + fill.repeat(w - body.length - left);
  });
}
