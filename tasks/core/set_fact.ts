import { z } from 'zod';
import type { Vars } from '../../src/inventory/types.ts';
import { defineActionModule } from '../../src/modules/action-module.ts';
import { FACTS_CACHEABLE } from '../../src/run/result-facts.ts';

// Ansible's set_fact (plugins/action/set_fact.py): every other key is a variable of the host, at
// the level of registered results (above play, task and include_vars, below extra vars); the
// run stores the result's `ansible_facts` so (src/run/result-facts.ts).

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PYTHON_KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

export const setFactParams = z
  .object({
    cacheable: z.boolean().default(false).describe('Also store the variables as host facts (Ansible\'s fact cache; no cache persists between runs here)'),
  })
  .catchall(z.unknown().describe('Any other key: a variable to set, `name: value` (key=value text or a mapping)'))
  .refine((params) => Object.keys(params).some((key) => key !== 'cacheable'), {
    message: 'No key/value pairs provided, at least one is required for this action to succeed',
  })
  .superRefine((params, ctx) => {
    for (const key of Object.keys(params)) {
      if (key === 'cacheable' || (VARIABLE_NAME.test(key) && !PYTHON_KEYWORDS.has(key))) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `The variable name '${key}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
      });
    }
  });

export type SetFactParams = z.infer<typeof setFactParams>;

const YAML_BOOLEANS: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

/**
 * Pure planner: the variables set_fact sets, as Ansible's action computes them (a string
 * "true"/"yes"/"false"/"no" in any case becomes a boolean, since jinja2_native is off).
 */
export function setFactResult(params: SetFactParams): Record<string, unknown> {
  const { cacheable, ...rest } = params;
  const facts: Vars = {};
  for (const [key, value] of Object.entries(rest)) {
    facts[key] = typeof value === 'string' && value.toLowerCase() in YAML_BOOLEANS ? YAML_BOOLEANS[value.toLowerCase()] : value;
  }
  return { changed: false, ansible_facts: facts, [FACTS_CACHEABLE]: cacheable };
}

export const taskModule = defineActionModule({
  name: 'core.set_fact',
  summary: 'Set host variables (set_fact), above play and task vars, below extra vars',
  params: setFactParams,
  result: (_ctx, params) => setFactResult(params),
});
