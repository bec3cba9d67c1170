import type { Vars } from '../inventory/types.ts';

// What a task shows of its result, as Ansible's default callback does: a result carrying
// `_ansible_verbose_always` (debug, assert unless quiet) is shown whole after its status line
// (`ok: [host] => {"msg": ...}`), without the internal `_ansible_*` keys; debug's shows only
// what it was asked to (CallbackBase._clean_results).

const VERBOSE_ALWAYS = '_ansible_verbose_always';
const DEBUG_ALLOWED = new Set(['msg', 'exception', 'warnings', 'deprecations']);
const HIDDEN_IN_DEBUG = new Set(['changed', 'failed', 'skipped', 'invocation', 'skip_reason']);

/** The result without Ansible's internal keys (strip_internal_keys), as `register:` keeps it. */
export function withoutInternalKeys(result: Vars): Vars {
  const kept = Object.fromEntries(Object.entries(result).filter(([key]) => !key.startsWith('_ansible_')));
  if (Array.isArray(kept.results)) {
    kept.results = kept.results.map((item) => (item && typeof item === 'object' && !Array.isArray(item) ? withoutInternalKeys(item as Vars) : item));
  }
  return kept;
}

function shownOne(module: string, result: Vars): Vars {
  const shown = withoutInternalKeys(result);
  // Ansible's callback gets the result before the executor adds `failed: false`.
  if (module !== 'core.debug') return shown.failed === false ? Object.fromEntries(Object.entries(shown).filter(([key]) => key !== 'failed')) : shown;
  if ('msg' in shown) return Object.fromEntries(Object.entries(shown).filter(([key]) => DEBUG_ALLOWED.has(key)));
  return Object.fromEntries(Object.entries(shown).filter(([key]) => !HIDDEN_IN_DEBUG.has(key)));
}

/**
 * The result to show after the node's status line, or undefined when the task shows none; for a
 * loop, each item's shown result under `results`.
 */
export function shownResult(module: string, registered: Vars): Vars | undefined {
  if (Array.isArray(registered.results)) {
    const items = registered.results.filter((item): item is Vars => Boolean(item) && typeof item === 'object' && (item as Vars)[VERBOSE_ALWAYS] === true);
    return items.length > 0 ? { results: items.map((item) => shownOne(module, item)) } : undefined;
  }
  return registered[VERBOSE_ALWAYS] === true ? shownOne(module, registered) : undefined;
}
