import { isMissing } from './undefined.ts';
import { pythonRegex, type TemplateEnvironment } from './template-filters.ts';

// Jinja/Ansible tests (`x is defined`, `result is failed`). Only `defined` and `undefined`
// accept an undefined value; every other test on one is an undefined-variable error.

type Test = (value: unknown, ...args: unknown[]) => boolean;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A registered task result: Ansible's `failed`/`changed`/`skipped` tests read these fields. */
function resultFlag(name: string, field: string): Test {
  return (value) => {
    if (!isRecord(value)) throw new Error(`the '${name}' test needs a registered task result`);
    return value[field] === true;
  };
}

const failed = resultFlag('failed', 'failed');
const changed = resultFlag('changed', 'changed');
const skipped = resultFlag('skipped', 'skipped');
const succeeded: Test = (value) => !failed(value);

/** distutils' LooseVersion, Ansible's default for the `version` test: numbers and words in order. */
function looseVersion(text: unknown): (number | string)[] {
  return (String(text).match(/\d+|[a-z]+|\./gi) ?? []).filter((part) => part !== '.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function compareVersions(a: unknown, b: unknown): number {
  const x = looseVersion(a);
  const y = looseVersion(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] === y[i]) continue;
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}

const VERSION_OPERATORS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
};

const version: Test = (value, against, operator = 'eq') => {
  const check = VERSION_OPERATORS[String(operator)];
  if (!check) throw new Error(`the 'version' test has no operator ${JSON.stringify(String(operator))}`);
  return check(compareVersions(value, against));
};

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : typeof value === 'string' ? [...value] : isRecord(value) ? Object.keys(value) : []);

// Jinja2's comparison tests under their operator names, as `selectattr('uid', '>', 1000)` uses them.
const COMPARISONS: Record<string, Test> = {
  '==': (a, b) => a === b, '!=': (a, b) => a !== b,
  '>': (a, b) => (a as number) > (b as number), '>=': (a, b) => (a as number) >= (b as number),
  '<': (a, b) => (a as number) < (b as number), '<=': (a, b) => (a as number) <= (b as number),
};

const TESTS: Record<string, Test> = {
  ...COMPARISONS,
  float: (value) => typeof value === 'number' && !Number.isInteger(value),
  integer: (value) => typeof value === 'number' && Number.isInteger(value),
  subset: (value, other) => asList(value).every((item) => asList(other).includes(item)),
  superset: (value, other) => asList(other).every((item) => asList(value).includes(item)),
  version, version_compare: version,
  abs: (value) => String(value).startsWith('/'),
  // A JavaScript number has no int/float kind; an integral one counts as an int.
  defined(value) {
    if (isMissing(value)) {
      value.consumed = true;
      return false;
    }
    return value !== undefined;
  },
  undefined(value) {
    if (isMissing(value)) {
      value.consumed = true;
      return true;
    }
    return value === undefined;
  },
  none: (value) => value === null,
  true: (value) => value === true,
  false: (value) => value === false,
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  boolean: (value) => typeof value === 'boolean',
  mapping: (value) => isRecord(value),
  iterable: (value) => Array.isArray(value) || typeof value === 'string' || isRecord(value),
  sequence: (value) => Array.isArray(value) || typeof value === 'string',
  in: (value, container) => (Array.isArray(container) || typeof container === 'string' ? container.includes(value as string) : isRecord(container) && String(value) in container),
  contains: (container, value) => (Array.isArray(container) ? container.includes(value) : String(container).includes(String(value))),
  // Python's re.match anchors at the start; re.search does not.
  match: (value, pattern) => pythonRegex(`^(?:${String(pattern)})`).test(String(value)),
  search: (value, pattern) => pythonRegex(pattern).test(String(value)),
  regex: (value, pattern) => pythonRegex(pattern).test(String(value)),
  succeeded, success: succeeded,
  failed, failure: failed,
  changed, change: changed,
  skipped, skip: skipped,
};

export function installAnsibleTests(env: TemplateEnvironment): void {
  for (const [name, test] of Object.entries(TESTS)) env.addTest(name, test);
}
