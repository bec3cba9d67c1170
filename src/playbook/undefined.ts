import { InputError, type SourcePosition } from '../errors.ts';

/**
 * A template referred to a variable (or attribute) that does not exist. Always an error,
 * never an empty string: silently rendering "" into a config file or a command is how
 * playbooks break servers. The message carries the expression text, never rendered values.
 */
export class UndefinedVariableError extends InputError {
  /** The top-level variable the failed lookup started from, e.g. `result` for `result.rc`. */
  readonly variable: string;
  /** The full lookup path that was undefined, e.g. `result.stdout_lines`. */
  readonly path: string;
  constructor(variable: string, path: string, expression: string, position?: SourcePosition) {
    super(`'${path}' is undefined (in ${describeExpression(expression)})`, position);
    this.variable = variable;
    this.path = path;
  }
}

/** Quote a template's source text for a message, shortened so one message stays one line. */
export function describeExpression(expression: string): string {
  const flat = expression.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 117)}...` : flat);
}

/**
 * The value a template sees for an undefined name or attribute, like Jinja2's Undefined.
 * `default`, `defined` and `undefined` accept it (and mark it consumed); converting it to a
 * primitive (output, comparison, arithmetic) throws at once, and the renderer rejects any
 * Missing left unconsumed at the end, which covers uses JS cannot intercept (truthiness in
 * `and`/`or`/`not`/`if`).
 */
export class Missing {
  consumed = false;
  constructor(
    readonly variable: string,
    readonly path: string,
  ) {}

  [Symbol.toPrimitive](): never {
    throw new MissingValueUsed(this);
  }

  toString(): never {
    throw new MissingValueUsed(this);
  }

  toJSON(): never {
    throw new MissingValueUsed(this);
  }

  *[Symbol.iterator](): Iterator<never> {
    throw new MissingValueUsed(this);
  }
}

/** Internal signal thrown from inside nunjucks; the renderer turns it into UndefinedVariableError. */
export class MissingValueUsed extends Error {
  constructor(readonly missing: Missing) {
    super(`'${missing.path}' is undefined`);
  }
}

export function isMissing(value: unknown): value is Missing {
  return value instanceof Missing;
}
