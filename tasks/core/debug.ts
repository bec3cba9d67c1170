import { z } from 'zod';
import type { Vars } from '../../src/inventory/types.ts';
import { defineActionModule } from '../../src/modules/action-module.ts';
import { pythonStr } from '../../src/playbook/python-text.ts';
import { renderValue } from '../../src/playbook/template.ts';
import { UndefinedVariableError } from '../../src/playbook/undefined.ts';

// Ansible's debug (plugins/action/debug.py): prints `msg`, or the value of the expression `var`,
// as the task's shown result; below its `verbosity` the task is skipped.

export const debugParams = z
  .strictObject({
    msg: z.unknown().optional().describe('The message to print (any value; default "Hello world!")'),
    var: z.unknown().optional().describe('A variable name or expression whose value is printed, as `var: result.stdout`'),
    verbosity: z.coerce.number().int().min(0).default(0).describe('Print only when the run is at least this verbose (-v is 1)'),
  })
  .refine((params) => params.msg === undefined || params.var === undefined, { message: "'msg' and 'var' are incompatible options", path: ['var'] });

export type DebugParams = z.infer<typeof debugParams>;

/** What the shown result says of an undefined `var`, as Ansible. */
export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

/** The value of `var`: a bare name or expression, as Ansible's templar with convert_bare. */
export function varValue(expression: unknown, vars: Vars, verbosity: number): unknown {
  try {
    const value = renderValue(expression, vars);
    if (typeof expression !== 'string' || value !== expression) return value;
    return asAnsibleText(expression, renderValue(`{{ ${expression} }}`, vars), vars);
  } catch (error) {
    if (!(error instanceof UndefinedVariableError)) throw error;
    return verbosity > 0 ? `${NOT_DEFINED}: ${error.message}` : NOT_DEFINED;
  }
}

/**
 * Ansible's templar prints an expression's number as text ("numbers | max" shows "3"); only a
 * bare variable holding a number keeps it (`var: port` shows 8080).
 */
function asAnsibleText(expression: string, value: unknown, vars: Vars): unknown {
  if (typeof value !== 'number') return value;
  const name = expression.trim();
  return Object.hasOwn(vars, name) && vars[name] === value ? value : pythonStr(value);
}

/** The key a `var` value is shown under: the expression, or its type for a list or dict, as Ansible. */
function varKey(expression: unknown): string {
  if (Array.isArray(expression)) return "<class 'list'>";
  if (expression !== null && typeof expression === 'object') return "<class 'dict'>";
  return String(expression);
}

/** Pure planner: the debug task's result from its params, the host's variables and the run's verbosity. */
export function debugResult(params: DebugParams, vars: Vars, verbosity: number): Record<string, unknown> {
  if (params.verbosity > verbosity) return { skipped_reason: 'Verbosity threshold not met.', skipped: true, failed: false, changed: false };
  const shown =
    params.msg !== undefined ? { msg: params.msg } : params.var !== undefined ? { [varKey(params.var)]: varValue(params.var, vars, verbosity) } : { msg: 'Hello world!' };
  return { ...shown, _ansible_verbose_always: true, failed: false, changed: false };
}

export const taskModule = defineActionModule({
  name: 'core.debug',
  summary: 'Print a message or a variable\'s value, as Ansible\'s debug; never changes anything',
  params: debugParams,
  result: (ctx, params) => debugResult(params, ctx.host.vars, ctx.verbosity),
});
