import { TemplateFilterError } from './template-errors.ts';
import { percentFormat } from './python-format.ts';
import { PyTuple, pythonStr } from './python-text.ts';
import { MissingValueUsed, isMissing } from './undefined.ts';

// What Jinja2's operators do, since they are Python's: the compiled templates call these
// through the render runtime (jinja-compile.ts emits the calls).

/** `[start:stop:step]` as a lookup key; memberLookup applies it. */
export class Slice {
  constructor(
    readonly start: number | null,
    readonly stop: number | null,
    readonly step: number | null,
  ) {}
}

function defined<T>(value: T): T {
  if (isMissing(value)) throw new MissingValueUsed(value);
  return value;
}

function isSequence(value: unknown): value is unknown[] | string {
  return Array.isArray(value) || typeof value === 'string';
}

function sliceIndex(value: unknown, name: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TemplateFilterError(`slice ${name} must be an integer`);
  return value;
}

/** Python's sequence slicing, negative indices and steps included. */
export function applySlice(target: unknown, slice: Slice): unknown {
  const items = typeof target === 'string' ? [...target] : Array.isArray(target) ? target : undefined;
  if (!items) throw new TemplateFilterError('only strings and lists can be sliced');
  const length = items.length;
  const step = slice.step ?? 1;
  if (step === 0) throw new TemplateFilterError('slice step cannot be zero');
  const clamp = (index: number | null, fallback: number, low: number, high: number) => {
    if (index === null) return fallback;
    const i = index < 0 ? index + length : index;
    return Math.min(Math.max(i, low), high);
  };
  const picked: unknown[] = [];
  if (step > 0) {
    const stop = clamp(slice.stop, length, 0, length);
    for (let i = clamp(slice.start, 0, 0, length); i < stop; i += step) picked.push(items[i]);
  } else {
    const stop = clamp(slice.stop, -1, -1, length - 1);
    for (let i = clamp(slice.start, length - 1, -1, length - 1); i > stop; i += step) picked.push(items[i]);
  }
  if (typeof target === 'string') return picked.join('');
  return target instanceof PyTuple ? PyTuple.fromItems(picked) : picked;
}

/** Python's index: negative counts from the end. */
export function sequenceIndex(target: unknown, key: unknown): unknown {
  if (isSequence(target) && typeof key === 'number' && Number.isInteger(key) && key < 0) return target[target.length + key];
  return undefined;
}

/** Python's truthiness, which Jinja2's conditions follow: empty lists, dicts and strings are false. */
export function pyTruthy(value: unknown): boolean {
  defined(value);
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

export const pythonOperators = {
  pyTruthy,
  pyLoopFilter(items: unknown, keep: (item: unknown) => boolean): unknown[] {
    defined(items);
    const list = Array.isArray(items) ? items : typeof items === 'string' ? [...items] : items !== null && typeof items === 'object' ? Object.keys(items) : [];
    return list.filter((item) => keep(item));
  },
  pySlice: (start: unknown, stop: unknown, step: unknown) =>
    new Slice(sliceIndex(defined(start), 'start'), sliceIndex(defined(stop), 'stop'), sliceIndex(defined(step), 'step')),
  pyTuple: (items: unknown[]) => PyTuple.fromItems(items),
  pyAdd(left: unknown, right: unknown): unknown {
    defined(left);
    defined(right);
    if (Array.isArray(left) && Array.isArray(right)) return left instanceof PyTuple && right instanceof PyTuple ? PyTuple.fromItems([...left, ...right]) : [...left, ...right];
    if ((typeof left === 'string') !== (typeof right === 'string')) throw new TemplateFilterError('+ needs two strings or two numbers');
    return (left as number) + (right as number);
  },
  pyMul(left: unknown, right: unknown): unknown {
    defined(left);
    defined(right);
    const repeat = (seq: unknown, times: unknown) => {
      const n = Math.max(0, Math.trunc(Number(times)));
      return typeof seq === 'string' ? seq.repeat(n) : Array.from({ length: n }, () => seq as unknown[]).flat();
    };
    if (isSequence(left) && typeof right === 'number') return repeat(left, right);
    if (isSequence(right) && typeof left === 'number') return repeat(right, left);
    return (left as number) * (right as number);
  },
  /** `%` formats a string; on numbers it is Python's modulo, whose sign is the divisor's. */
  pyMod(left: unknown, right: unknown): unknown {
    defined(left);
    defined(right);
    if (typeof left === 'string') return percentFormat(left, right);
    const a = Number(left);
    const b = Number(right);
    if (b === 0) throw new TemplateFilterError('modulo by zero');
    return ((a % b) + b) % b;
  },
  pyConcat: (left: unknown, right: unknown) => pythonStr(defined(left)) + pythonStr(defined(right)),
};
