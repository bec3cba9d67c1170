import { InputError, type SourcePosition } from '../errors.ts';

// Ansible's key=value argument strings (`file: path=/x state=directory`), split and parsed as
// ansible/parsing/splitter.py does it (ansible-core 2.14): split_args keeps quoted text and
// Jinja2 blocks together, parse_kv turns `k=v` tokens into params and leaves the rest as the
// free-form `_raw_params`. A port line by line, checked against Ansible's own functions in
// test/unit/playbook/split-args.test.ts, because users' strings must mean what they mean there.

/** The keys a free-form module (command, shell, raw, script) takes out of its command line. */
export const RAW_PARAM_KEYS = ['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends'];

/** Python's str.strip() whitespace (str.isspace), which differs from JavaScript's \s. */
const PY_SPACE = new Set([...'\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000'].concat(
  Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
));

function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_SPACE.has(text[start])) start += 1;
  while (end > start && PY_SPACE.has(text[end - 1])) end -= 1;
  return text.slice(start, end);
}

/** ansible.parsing.quoting.unquote: drop one pair of matching outer quotes. */
export function unquote(data: string): string {
  const quoted = data.length > 1 && data[0] === data[data.length - 1] && (data[0] === '"' || data[0] === "'") && data[data.length - 2] !== '\\';
  return quoted ? data.slice(1, -1) : data;
}

const ESCAPE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\N\{[^}]+\}|\\[\\'"abfnrtv]/g;
const SINGLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * splitter._decode_escapes: Python's unicode-escape for the escapes its regex picks. `\N{name}`
 * needs Unicode's name table, which JavaScript lacks: `named` says one was left as written, and
 * the caller refuses the token if its meaning depends on it.
 */
function decodeEscapes(text: string, position: SourcePosition | undefined): { text: string; named: string | undefined } {
  let named: string | undefined;
  const decoded = text.replace(ESCAPE, (escape) => {
    const kind = escape[1];
    if (kind === 'N') {
      named = (named ?? "") + escape;
      return escape;
    }
    if (kind === 'U' || kind === 'u' || kind === 'x') {
      const code = parseInt(escape.slice(2), 16);
      if (code > 0x10ffff) throw new InputError(`key=value arguments: ${escape} is not a Unicode character`, position);
      return String.fromCodePoint(code);
    }
    return SINGLE_ESCAPES[kind];
  });
  return { text: decoded, named };
}

/** Ansible's IndexError inside split_args (`params[-1]` of an empty list), as parse_kv reports it. */
function lastParam(params: string[], position: SourcePosition | undefined): number {
  if (params.length === 0) throw new InputError('key=value arguments: Unable to parse argument string', position);
  return params.length - 1;
}

/** splitter._get_quote_state: the quote still open after `token`, given the one open before it. */
function quoteState(token: string, quoteChar: string | null): string | null {
  let quote = quoteChar;
  for (let i = 0; i < token.length; i++) {
    const char = token[i];
    const prev = i > 0 ? token[i - 1] : null;
    if ((char === '"' || char === "'") && prev !== '\\') {
      if (quote) {
        if (char === quote) quote = null;
      } else quote = char;
    }
  }
  return quote;
}

function countOccurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** splitter._count_jinja2_blocks. */
function blockDepth(token: string, depth: number, open: string, close: string): number {
  const opened = countOccurrences(token, open);
  const closed = countOccurrences(token, close);
  if (opened === closed) return depth;
  return Math.max(0, depth + opened - closed);
}

/** splitter.join_args: tokens joined by spaces, keeping the newlines split_args kept. */
export function joinArgs(tokens: string[]): string {
  let result = '';
  for (const token of tokens) result += result.length === 0 || result.endsWith('\n') ? token : ` ${token}`;
  return result;
}

/** splitter.split_args: whitespace-split tokens, reassembled across quotes and Jinja2 blocks. */
export function splitArgs(args: string, position?: SourcePosition): string[] {
  const params: string[] = [];
  const items = args.split('\n');
  let quoteChar: string | null = null;
  let insideQuotes = false;
  let printDepth = 0;
  let statementDepth = 0;
  let commentDepth = 0;
  const inBlock = () => printDepth !== 0 || statementDepth !== 0 || commentDepth !== 0;

  items.forEach((item, itemIndex) => {
    const tokens = item.split(' ');
    let lineContinuation = false;
    tokens.forEach((token, index) => {
      if (token.length === 0 && index !== 0) {
        params[lastParam(params, position)] += ' ';
        return;
      }
      if (token === '\\' && !insideQuotes) {
        lineContinuation = true;
        return;
      }
      const wasInsideQuotes = insideQuotes;
      quoteChar = quoteState(token, quoteChar);
      insideQuotes = quoteChar !== null;

      let appended = false;
      if (insideQuotes && !wasInsideQuotes && !inBlock()) {
        params.push(token);
        appended = true;
      } else if (inBlock() || insideQuotes || wasInsideQuotes) {
        const last = lastParam(params, position);
        if (index === 0 && wasInsideQuotes) params[last] = `${params[last]}${token}`;
        else if (tokens.length > 1) params[last] = `${params[last]}${index > 0 ? ' ' : ''}${token}`;
        else params[last] = `${params[last]}\n${token}`;
        appended = true;
      }

      const before = [printDepth, statementDepth, commentDepth];
      printDepth = blockDepth(token, printDepth, '{{', '}}');
      if (printDepth !== before[0] && !appended) {
        params.push(token);
        appended = true;
      }
      statementDepth = blockDepth(token, statementDepth, '{%', '%}');
      if (statementDepth !== before[1] && !appended) {
        params.push(token);
        appended = true;
      }
      commentDepth = blockDepth(token, commentDepth, '{#', '#}');
      if (commentDepth !== before[2] && !appended) {
        params.push(token);
        appended = true;
      }
      if (!inBlock() && !insideQuotes && !appended && token !== '') params.push(token);
    });
    if (items.length > 1 && itemIndex !== items.length - 1 && !lineContinuation) params[lastParam(params, position)] += '\n';
  });

  if (inBlock() || insideQuotes) {
    throw new InputError(`key=value arguments: failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${args}`, position);
  }
  return params;
}

/**
 * splitter.parse_kv: `k=v` tokens become params (values unquoted, escapes decoded); tokens without
 * an unescaped `=` join into `_raw_params`. With `checkRaw` (free-form modules) only the
 * RAW_PARAM_KEYS are taken out of the line; any other `k=v` stays part of the command.
 */
export function parseKv(args: string, checkRaw = false, position?: SourcePosition): Record<string, string> {
  // A Map, then entries: a key such as `__proto__=x` must stay an ordinary param.
  const options = new Map<string, string>();
  const rawParams: string[] = [];
  for (const original of splitArgs(args, position)) {
    const { text: token, named } = decodeEscapes(original, position);
    // A free-form token keeps its original text, escapes and all: only a `k=v` one is decoded.
    if (!token.includes('=') && !/EQUALS SIGN/i.test(named ?? '')) {
      rawParams.push(original);
      continue;
    }
    if (named) {
      throw new InputError(`key=value arguments: the escape ${named} (a Unicode character name) is not supported; write the character itself`, position);
    }
    // As Python's loop: search from index 1 on, for the first `=` not preceded by a backslash.
    let pos = 0;
    for (;;) {
      pos = token.indexOf('=', pos + 1);
      if (pos === -1 || (pos > 0 && token[pos - 1] !== '\\')) break;
    }
    if (pos === -1) {
      rawParams.push(token.replaceAll('\\=', '='));
      continue;
    }
    const key = token.slice(0, pos);
    const value = token.slice(pos + 1);
    if (checkRaw && !RAW_PARAM_KEYS.includes(key)) rawParams.push(original);
    else options.set(pyStrip(key), unquote(pyStrip(value)));
  }
  if (rawParams.length > 0) options.set('_raw_params', joinArgs(rawParams));
  return Object.fromEntries(options);
}
