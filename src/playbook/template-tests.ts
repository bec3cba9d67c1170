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

const TESTS: Record<string, Test> = {
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
