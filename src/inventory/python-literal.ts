/**
 * Ansible's INI value parsing (InventoryModule._parse_value in plugins/inventory/ini.py):
 * `ast.literal_eval(v)`, and the text itself when that fails. So `1` is an int, `1.5` a float,
 * `True`/`None` are true/null, `[1, 'a']` a list, `{'k': 2}` a dict, `'x'` the string x,
 * and `yes` or `x y` stay strings. This is a parser for the subset of Python literals that
 * can be represented in JSON (numbers, strings, True/False/None, lists, tuples, dicts).
 */
export function parseIniValue(text: string): unknown {
  return parsePythonLiteral(text.replace(/^[ \t]+/, ''), text);
}

/**
 * `ast.literal_eval(text)`, or `fallback` when text is not a literal. With `jsonNames`, the
 * bare names true/false/null also count, as in Ansible's templating (its Json2Python pass).
 */
export function parsePythonLiteral<T>(text: string, fallback: T, options: { jsonNames?: boolean } = {}): unknown {
  const parser = new LiteralParser(text, options.jsonNames ?? false);
  try {
    const value = parser.parseExpression();
    parser.skipSpace();
    if (!parser.atEnd()) return fallback;
    return value;
  } catch (error) {
    if (error instanceof NotALiteral) return fallback;
    throw error;
  }
}

class NotALiteral extends Error {}

const JSON_NAMES: Record<string, unknown> = { true: true, false: false, null: null };

const NUMBER =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)/;

class LiteralParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly jsonNames: boolean,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos])) this.pos += 1;
  }

  private fail(): never {
    throw new NotALiteral();
  }

  parseExpression(): unknown {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '[') return this.parseSequence(']');
    if (ch === '(') return this.parseSequence(')', true);
    if (ch === '{') return this.parseDict();
    if (ch === '+' || ch === '-') {
      this.pos += 1;
      const operand = this.parseExpression();
      if (typeof operand !== 'number') this.fail();
      return ch === '-' ? -operand : operand;
    }
    if (ch === '"' || ch === "'" || /^[rRuU]['"]/.test(this.text.slice(this.pos, this.pos + 2))) {
      return this.parseStrings();
    }
    const word = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos));
    if (word) {
      this.pos += word[0].length;
      if (word[0] === 'True') return true;
      if (word[0] === 'False') return false;
      if (word[0] === 'None') return null;
      if (this.jsonNames && Object.hasOwn(JSON_NAMES, word[0])) return JSON_NAMES[word[0]];
      this.fail();
    }
    return this.parseNumber();
  }

  private parseNumber(): number {
    const match = NUMBER.exec(this.text.slice(this.pos));
    const literal = match?.[0] ?? '';
    if (!/\d/.test(literal)) this.fail();
    this.pos += literal.length;
    // Python rejects leading zeros in decimal ints ("010"), and complex literals ("1j") are not JSON.
    if (/^[jJ\w]/.test(this.text.slice(this.pos))) this.fail();
    const clean = literal.replace(/_/g, '');
    if (/^0[xXoObB]/.test(clean)) return Number(clean);
    if (/^0\d+$/.test(clean) && !/^0+$/.test(clean)) this.fail();
    const value = Number(clean);
    if (Number.isNaN(value)) this.fail();
    return value;
  }

  private parseStrings(): string {
    // Adjacent string literals concatenate, as in Python: 'a' 'b' is 'ab'.
    let result = this.parseString();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const rest = this.text.slice(this.pos, this.pos + 2);
      if (rest[0] === '"' || rest[0] === "'" || /^[rRuU]['"]/.test(rest)) result += this.parseString();
      else {
        this.pos = save;
        return result;
      }
    }
  }

  private parseString(): string {
    let raw = false;
    if (/[rRuU]/.test(this.text[this.pos])) {
      raw = /[rR]/.test(this.text[this.pos]);
      this.pos += 1;
    }
    const quote = this.text.startsWith(this.text[this.pos].repeat(3), this.pos) ? this.text[this.pos].repeat(3) : this.text[this.pos];
    this.pos += quote.length;
    let result = '';
    while (!this.text.startsWith(quote, this.pos)) {
      if (this.atEnd() || (quote.length === 1 && this.text[this.pos] === '\n')) this.fail();
      const ch = this.text[this.pos];
      if (ch === '\\' && !raw) {
        result += this.parseEscape();
        continue;
      }
      if (ch === '\\' && raw) {
        result += ch + (this.text[this.pos + 1] ?? '');
        this.pos += 2;
        continue;
      }
      result += ch;
      this.pos += 1;
    }
    this.pos += quote.length;
    return result;
  }

  private parseEscape(): string {
    const next = this.text[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
    if (next in simple) return simple[next];
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = this.text.slice(this.pos, this.pos + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) this.fail();
      this.pos += hexLength;
      return String.fromCodePoint(Number.parseInt(hex, 16));
    }
    if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{0,2}/.exec(this.text.slice(this.pos))![0];
      this.pos += octal.length;
      return String.fromCodePoint(Number.parseInt(next + octal, 8));
    }
    // Python keeps unknown escapes as written: '\d' is backslash + d.
    return `\\${next ?? ''}`;
  }

  private parseSequence(close: string, isTuple = false): unknown {
    this.pos += 1;
    const items: unknown[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) break;
      items.push(this.parseExpression());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        sawComma = true;
        this.pos += 1;
      } else if (this.text[this.pos] !== close) this.fail();
    }
    this.pos += 1;
    // "(1)" is just 1 in Python; only a comma (or "()") makes a tuple.
    if (isTuple && items.length === 1 && !sawComma) return items[0];
    return items;
  }

  private parseDict(): Record<string, unknown> {
    this.pos += 1;
    const result: Record<string, unknown> = {};
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') break;
      const key = this.parseExpression();
      if (typeof key === 'object' && key !== null) this.fail();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail();
      this.pos += 1;
      result[String(key)] = this.parseExpression();
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos += 1;
      else if (this.text[this.pos] !== '}') this.fail();
    }
    this.pos += 1;
    return result;
  }
}
