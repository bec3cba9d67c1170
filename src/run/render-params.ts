import type { SourcePosition } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import { renderValue } from '../playbook/template.ts';

/**
 * Ansible's `omit`: a param rendered to this value is left out, so `x: "{{ y | default(omit) }}"`
 * passes `x` only when `y` is defined and lets the module's own default apply otherwise.
 */
export const OMIT_PLACEHOLDER = '__omit_place_holder__playgraph';

function withoutOmitted(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== OMIT_PLACEHOLDER).map(withoutOmitted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).filter(([, item]) => item !== OMIT_PLACEHOLDER).map(([key, item]) => [key, withoutOmitted(item)]),
    );
  }
  return value;
}

/** A task's params rendered for one host, with omitted ones taken out. */
export function renderParams(params: unknown, vars: Vars, position?: SourcePosition): unknown {
  return withoutOmitted(renderValue(params, { ...vars, omit: OMIT_PLACEHOLDER }, position));
}
