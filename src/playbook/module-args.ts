import { InputError, type SourcePosition } from '../errors.ts';
import { parseKv } from './split-args.ts';

// A task's module arguments as Ansible's ModuleArgsParser (ansible/parsing/mod_args.py, new-style
// form `<module>: <args>`) reads them: a mapping as it is, a string as key=value pairs (for the
// free-form modules the line is the command and only a few keys come out of it), `args:` as
// defaults the module key's own args override. The free-form command line (`_raw_params`) is
// playgraph's `cmd`; a params mapping from a variable (`file: "{{ file_args }}"`) is kept as
// VARIABLE_PARAMS and merged when the task is rendered (src/run/render-params.ts).

/** Ansible's FREEFORM_ACTIONS (C.MODULE_REQUIRE_ARGS) under their playgraph names. */
const FREE_FORM = new Set(['core.command', 'core.shell', 'core.raw', 'core.script']);

/** Ansible's RAW_PARAM_MODULES: modules that may be given free-form text besides key=value. */
const RAW_PARAM = new Set([
  ...FREE_FORM,
  ...['include', 'include_vars', 'include_tasks', 'include_role', 'import_tasks', 'import_role', 'add_host', 'group_by', 'set_fact', 'meta'].map((name) => `core.${name}`),
]);

/** The key holding a params mapping that comes from a template, as Ansible's `_variable_params`. */
export const VARIABLE_PARAMS = '_variable_params';

/** Ansible's Templar.is_template, near enough: a complete `{{ }}`, `{% %}` or `{# #}`. */
export function isTemplate(text: string): boolean {
  return /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/.test(text);
}

function pythonType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value;
}

export interface ModuleArgsInput {
  /** The playgraph module name (`core.file`), which decides free-form parsing. */
  module: string;
  /** The module key's value as written. */
  value: unknown;
  valuePosition: SourcePosition;
  /** The task's `args:` value, when it has one. */
  args?: { value: unknown; position: SourcePosition };
}

/** `args:` (ModuleArgsParser's additional_args): a mapping, or a template of one. */
function additionalArgs(args: ModuleArgsInput['args']): Record<string, unknown> {
  if (!args || args.value === null || args.value === '' ) return {};
  const { value, position } = args;
  if (typeof value === 'string') {
    if (isTemplate(value)) return { [VARIABLE_PARAMS]: value };
    throw new InputError("args: complex args containing variables cannot use bare variables (without Jinja2 delimiters), and must use the full variable style ('{{var_name}}')", position);
  }
  if (typeof value === 'object' && !Array.isArray(value)) return { ...(value as Record<string, unknown>) };
  throw new InputError('args: complex args must be a dictionary or variable string ("{{var}}")', position);
}

/** The module's params from its key's value and `args:`, as Ansible normalizes them. */
export function moduleArgs(input: ModuleArgsInput): Record<string, unknown> {
  const { module, value, valuePosition } = input;
  const freeForm = FREE_FORM.has(module);
  let own: Record<string, unknown>;
  if (value === null || value === undefined) own = {};
  else if (typeof value === 'string') own = parseKv(value, freeForm, valuePosition);
  else if (typeof value === 'object' && !Array.isArray(value)) own = value as Record<string, unknown>;
  else throw new InputError(`${module}: unexpected parameter type in action: ${pythonType(value)} (give a mapping or key=value text)`, valuePosition);

  if (!freeForm) {
    const internal = Object.keys(own).find((key) => key.startsWith('_ansible_'));
    if (internal) throw new InputError(`invalid parameter specified for action '${module}': '${internal}'`, valuePosition);
  }
  const params: Record<string, unknown> = { ...additionalArgs(input.args), ...own };
  const raw = params._raw_params;
  if (raw === undefined || raw === '') {
    delete params._raw_params;
    return params;
  }
  delete params._raw_params;
  if (freeForm) return { ...params, cmd: raw };
  if (RAW_PARAM.has(module)) return { ...params, _raw_params: raw };
  if (typeof raw === 'string' && isTemplate(raw)) return { ...params, [VARIABLE_PARAMS]: raw };
  throw new InputError(
    `${module} has extra params (${JSON.stringify(raw)}): only key=value pairs are allowed here; free-form text is only for ${[...FREE_FORM].join(', ')}`,
    valuePosition,
  );
}
