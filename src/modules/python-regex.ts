// Python `re` patterns, as Ansible's lineinfile, blockinfile and replace users write them, run by
// JavaScript's RegExp. Users copy regexps from Ansible playbooks, so Python's syntax and matching
// rules are the reference: this translates one into an equivalent JS source, never using JS's own
// `m` or `s` flags (their line terminators include \r, \u2028 and \u2029, Python's only \n).
//
// Two modes, as the modules use `re`:
// - bytes (lineinfile, blockinfile compile bytes patterns): the text is given as a latin1 string,
//   one char per byte, so `.` matches one byte and \d \w \s are ASCII, as for Python bytes.
// - text (replace compiles str patterns): Unicode strings with JS's `u` flag; \d \w \s are
//   Unicode as in Python (\w = letters, numbers and _).
//
// Translated: named groups (?P<n>...), (?P=n), \g<n> and \1 in replacements, inline flags (?i)
// (?m) (?s) (?a) (?u) at the start, MULTILINE/DOTALL as the caller asks, \A \Z, {,n}, literal
// braces, octal/hex escapes, and Python's `$` (end, or before a final newline).
// Not supported (refused with a message naming the construct): verbose (?x), scoped flags
// (?i:...), conditionals (?(1)a|b), atomic groups (?>...) and possessive quantifiers (*+ ++ ?+),
// \N{name}. Known differences: in text mode \b and negated classes inside brackets ([\W], [\S],
// [\D]) are JS's ASCII ones; with (?i) in bytes mode latin1 letters (bytes 0xC0-0xFE) fold as
// JS folds them, where Python bytes patterns fold only ASCII.

export class PythonRegexError extends Error {}

export interface PythonRegexOptions {
  /** bytes: the subject is a latin1 string of bytes (lineinfile); text: a Unicode string (replace). */
  mode: 'bytes' | 'text';
  multiline?: boolean;
  dotall?: boolean;
}

export interface TranslatedRegex {
  regex: RegExp;
  /** The flags in force, the caller's and the pattern's own (blockinfile looks at MULTILINE). */
  multiline: boolean;
  dotall: boolean;
  ignoreCase: boolean;
}

const BYTES_NEGATED: Record<string, string> = { D: '\\x00-/:-\\xff', W: '\\x00-/:-@\\[-\\^`\\{-\\xff', S: '\\x00-\\x08\\x0e-\\x1f!-\\xff' };
const TEXT_CLASSES: Record<string, string> = {
  d: '\\p{Nd}',
  w: '\\p{L}\\p{N}_',
  s: '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000',
};
const ASCII_CLASSES: Record<string, string> = { d: '0-9', w: 'A-Za-z0-9_', s: ' \\t\\n\\r\\f\\v' };
const SIMPLE_ESCAPES: Record<string, string> = { n: '\\n', t: '\\t', r: '\\r', f: '\\f', v: '\\v', a: '\\x07' };

class Translator {
  private pos = 0;
  private out = '';
  multiline: boolean;
  dotall: boolean;
  ignoreCase = false;
  private ascii: boolean;

  constructor(
    private readonly pattern: string,
    private readonly options: PythonRegexOptions,
  ) {
    this.multiline = options.multiline ?? false;
    this.dotall = options.dotall ?? false;
    this.ascii = options.mode === 'bytes';
  }

  private fail(what: string): never {
    throw new PythonRegexError(`${what} at position ${this.pos} of ${JSON.stringify(this.pattern)}`);
  }

  /** A literal character, escaped so it means itself in either JS mode, in or out of a class. */
  private literal(char: string): string {
    if (/[A-Za-z0-9 _]/.test(char)) return char;
    const code = char.codePointAt(0)!;
    if (this.options.mode === 'text') return `\\u{${code.toString(16)}}`;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }

  translate(): string {
    this.leadingFlags();
    while (this.pos < this.pattern.length) this.atom();
    return this.out;
  }

  /** Python 3.11 allows global flags only at the very start: (?im) and the like. */
  private leadingFlags(): void {
    for (;;) {
      const match = /^\(\?([aiLmsux]+)\)/.exec(this.pattern.slice(this.pos));
      if (!match) return;
      for (const flag of match[1]) {
        if (flag === 'i') this.ignoreCase = true;
        else if (flag === 'm') this.multiline = true;
        else if (flag === 's') this.dotall = true;
        else if (flag === 'a') this.ascii = true;
        else if (flag === 'x') this.fail('verbose flag (?x) is not supported');
        else if (flag === 'L') this.fail('locale flag (?L) is not supported');
      }
      this.pos += match[0].length;
    }
  }

  private atom(): void {
    const char = this.pattern[this.pos];
    const rest = this.pattern.slice(this.pos);
    if (char === '\\') return this.escape(false);
    if (char === '[') return this.charClass();
    if (char === '(') return this.group(rest);
    this.pos += 1;
    if (char === '.') this.out += this.dotall ? '[\\s\\S]' : '[^\\n]';
    else if (char === '^') this.out += this.multiline ? '(?<![^\\n])' : '^';
    else if (char === '$') this.out += this.multiline ? '(?![^\\n])' : '(?=\\n?$)';
    else if (char === '{') this.brace(rest);
    else if ('*+?'.includes(char)) {
      this.out += char;
      if (this.pattern[this.pos] === '+') this.fail('possessive quantifiers are not supported');
      if (this.pattern[this.pos] === '?') {
        this.out += '?';
        this.pos += 1;
      }
    } else if (char === '|' || char === ')') this.out += char;
    else this.out += this.literal(char);
  }

  /** `{m,n}` is a quantifier (and `{,n}` means `{0,n}`); any other brace is a literal one. */
  private brace(rest: string): void {
    // sre_parse: digits, an optional comma and digits, then `}`; `{}` and the rest are literal.
    const match = /^\{(\d*)(?:(,)(\d*))?\}/.exec(rest);
    if (!match || (match[1] === '' && match[2] === undefined)) {
      this.out += this.literal('{');
      return;
    }
    this.out += `{${match[1] || '0'}${match[2] ? `,${match[3]}` : ''}}`;
    this.pos += match[0].length - 1;
    if (this.pattern[this.pos] === '?') {
      this.out += '?';
      this.pos += 1;
    } else if (this.pattern[this.pos] === '+') this.fail('possessive quantifiers are not supported');
  }

  private group(rest: string): void {
    const named = /^\(\?P<([A-Za-z_]\w*)>/.exec(rest);
    if (named) {
      this.out += `(?<${named[1]}>`;
      this.pos += named[0].length;
      return;
    }
    const reference = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
    if (reference) {
      this.out += `\\k<${reference[1]}>`;
      this.pos += reference[0].length;
      return;
    }
    const comment = /^\(\?#[^)]*\)/.exec(rest);
    if (comment) {
      this.pos += comment[0].length;
      return;
    }
    const plain = /^\((\?(:|=|!|<=|<!))?/.exec(rest)!;
    if (rest.startsWith('(?') && plain[1] === undefined) {
      if (rest.startsWith('(?>')) this.fail('atomic groups (?>...) are not supported');
      if (rest.startsWith('(?(')) this.fail('conditional groups (?(id)yes|no) are not supported');
      if (/^\(\?[-aiLmsux]+:/.test(rest)) this.fail('scoped inline flags (?flags:...) are not supported');
      if (/^\(\?[aiLmsux]+\)/.test(rest)) this.fail('global flags not at the start of the expression');
      this.fail('unknown extension');
    }
    this.out += plain[0];
    this.pos += plain[0].length;
  }

  /** One escape; inside a class \b is a backspace and \d \w \s expand to ranges. */
  private escape(inClass: boolean): void {
    const next = this.pattern[this.pos + 1];
    if (next === undefined) this.fail('bad escape (end of pattern)');
    this.pos += 2;
    const octal = /^[0-7]{0,2}/;
    if (next === '0') {
      const digits = octal.exec(this.pattern.slice(this.pos))![0];
      this.pos += digits.length;
      this.out += this.literal(String.fromCharCode(Number.parseInt(`0${digits}`, 8)));
      return;
    }
    if (/[1-9]/.test(next)) {
      const more = /^[0-7]{2}/.exec(this.pattern.slice(this.pos));
      if (/[0-7]/.test(next) && more && !inClass) {
        this.pos += 2;
        this.out += this.literal(String.fromCharCode(Number.parseInt(next + more[0], 8)));
        return;
      }
      if (inClass) this.fail('backreference in a character class');
      const second = /^\d/.exec(this.pattern.slice(this.pos));
      if (second) this.pos += 1;
      this.out += `(?:\\${next}${second ? second[0] : ''})`;
      return;
    }
    const lower = next.toLowerCase();
    if ('dws'.includes(lower)) {
      const positive = (this.ascii ? ASCII_CLASSES : TEXT_CLASSES)[lower];
      if (next === lower) this.out += inClass ? positive : `[${positive}]`;
      else if (!inClass) this.out += `[^${positive}]`;
      // A negated class inside brackets: spelled out for bytes, JS's own (ASCII) for text.
      else this.out += this.options.mode === 'bytes' ? BYTES_NEGATED[next] : `\\${next}`;
      return;
    }
    if (next in SIMPLE_ESCAPES) {
      this.out += SIMPLE_ESCAPES[next];
      return;
    }
    if (next === 'x' || (this.options.mode === 'text' && (next === 'u' || next === 'U'))) {
      const width = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = this.pattern.slice(this.pos, this.pos + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail(`bad escape \\${next}`);
      this.pos += width;
      this.out += this.literal(String.fromCodePoint(Number.parseInt(hex, 16)));
      return;
    }
    if (!inClass && next === 'A') this.out += '^';
    else if (!inClass && next === 'Z') this.out += '$';
    else if (!inClass && (next === 'b' || next === 'B')) this.out += `\\${next}`;
    else if (inClass && next === 'b') this.out += '\\x08';
    else if (/[A-Za-z]/.test(next)) this.fail(`bad escape \\${next}`);
    else this.out += this.literal(next);
  }

  private charClass(): void {
    this.pos += 1;
    this.out += '[';
    if (this.pattern[this.pos] === '^') {
      this.out += '^';
      this.pos += 1;
    }
    let first = true;
    for (;;) {
      const char = this.pattern[this.pos];
      if (char === undefined) this.fail('unterminated character set');
      if (char === ']' && !first) break;
      first = false;
      if (char === '\\') this.escape(true);
      else {
        this.out += char === '-' ? '-' : this.literal(char);
        this.pos += 1;
      }
    }
    this.pos += 1;
    this.out += ']';
  }
}

/** A Python pattern as a JS RegExp (flags `d` for group offsets; `g` when asked, for substitution). */
export function pythonRegex(pattern: string, options: PythonRegexOptions, global = false): TranslatedRegex {
  const translator = new Translator(pattern, options);
  const source = translator.translate();
  const flags = `d${global ? 'g' : ''}${translator.ignoreCase ? 'i' : ''}${options.mode === 'text' ? 'u' : ''}`;
  try {
    return { regex: new RegExp(source, flags), multiline: translator.multiline, dotall: translator.dotall, ignoreCase: translator.ignoreCase };
  } catch (error) {
    // JS names its own translation ("/(?<a>x/d: ..."); the user wrote the Python one.
    const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new PythonRegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
  }
}

/** The message of a pattern's translation error, or undefined when it translates (for zod refinements). */
export function pythonRegexProblem(pattern: string | undefined, options: PythonRegexOptions): string | undefined {
  if (pattern === undefined) return undefined;
  try {
    pythonRegex(pattern, options);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
