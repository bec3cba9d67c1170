import { InputError, type SourcePosition } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import { pythonStr } from '../playbook/python-text.ts';
import { renderValue } from '../playbook/template.ts';

// Task keywords whose value may be a template, rendered with the host's variables when the task
// runs, as Ansible's FieldAttributes are post-validated: no_log, check_mode, diff, the loop's
// extended, and environment.

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** A keyword that is a boolean (Ansible's strict boolean()), or undefined when the task has none. */
export function taskFlag(value: boolean | string | undefined, vars: Vars, name: string, position: SourcePosition | undefined): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  const rendered = renderValue(value, vars, position);
  if (typeof rendered === 'boolean') return rendered;
  if (rendered === 1 || rendered === 0) return rendered === 1;
  const word = typeof rendered === 'string' ? rendered.trim().toLowerCase() : undefined;
  if (word !== undefined && TRUE.has(word)) return true;
  if (word !== undefined && FALSE.has(word)) return false;
  throw new InputError(`'${name}' must be a boolean, got ${JSON.stringify(rendered)} from ${JSON.stringify(value)}`, position);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `environment:` rendered into the variables the task's commands get, as ActionBase.
 * _compute_environment_string builds them: each mapping (a list's in order) templated and merged,
 * the later winning; values as Python's str() (`true` is `True`). A non-mapping is an error.
 */
export function taskEnvironment(value: unknown, vars: Vars, position: SourcePosition | undefined): Record<string, string> {
  if (value === undefined || value === null) return {};
  const environments = Array.isArray(value) ? value : [value];
  const merged: Record<string, string> = {};
  for (const environment of environments) {
    if (environment === null || environment === '' || (isMapping(environment) && Object.keys(environment).length === 0)) continue;
    const rendered = renderValue(environment, vars, position);
    if (!isMapping(rendered)) throw new InputError(`environment must be a mapping, got ${JSON.stringify(rendered)}`, position);
    for (const [name, item] of Object.entries(rendered)) merged[name] = pythonStr(item);
  }
  return merged;
}
