import { InputError, type SourcePosition } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import { VARIABLE_PARAMS } from '../playbook/module-args.ts';
import { renderValue } from '../playbook/template.ts';
import { trackDerivedSecrets } from './secret-derive.ts';
import type { SecretMasker } from './secrets.ts';

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

/**
 * Params from a variable (`file: "{{ file_args }}"`, `args: "{{ x }}"`) must render to a mapping,
 * under which the params written out win, as Ansible's Task._post_validate_args merges them.
 */
function withVariableParams(rendered: unknown, position: SourcePosition | undefined): unknown {
  if (!rendered || typeof rendered !== 'object' || !(VARIABLE_PARAMS in rendered)) return rendered;
  const { [VARIABLE_PARAMS]: variable, ...written } = rendered as Record<string, unknown>;
  if (!variable || typeof variable !== 'object' || Array.isArray(variable)) {
    throw new InputError(`invalid or malformed argument: '${typeof variable === 'string' ? variable : JSON.stringify(variable)}' (module params from a template must be a mapping)`, position);
  }
  return { ...(variable as Record<string, unknown>), ...written };
}

/**
 * A task's params rendered for one host, with omitted ones taken out. With the run's masker, what
 * the params derive from secrets (`{{ db_pwd | b64encode }}`) becomes a secret first, before a
 * module's refusal or a failed command can quote it.
 */
export function renderParams(params: unknown, vars: Vars, position?: SourcePosition, masker?: SecretMasker): unknown {
  const context = { ...vars, omit: OMIT_PLACEHOLDER };
  const rendered = renderValue(params, context, position);
  if (masker) trackDerivedSecrets(masker, params, context);
  return withoutOmitted(withVariableParams(rendered, position));
}
