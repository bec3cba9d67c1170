import type { BecomeMethod } from '../connect/connection.ts';
import { InputError } from '../errors.ts';
import { ansibleBoolean, becomeMethodOf } from '../inventory/connection-spec.ts';
import type { Vars } from '../inventory/types.ts';
import { renderValue } from '../playbook/template.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';

/**
 * Whether a task on a host runs through sudo. Ansible's precedence (docs "Understanding privilege
 * escalation: become": directives are set at play or task level, "you can override these by
 * setting connection variables"; PlayContext.set_task_and_variable_override applies task
 * keywords, then the `ansible_become` variable from any source: inventory, play or task vars,
 * extra vars): the variable, then the task keyword, then the play keyword, then no. The variable
 * is read with Ansible's strict boolean(), so `ansible_become=no` or `-e ansible_become=false`
 * turn sudo off (a non-empty string is not "true").
 */
export function becomeFor(task: TaskSpec, play: Play, vars: Vars, hostName: string): boolean {
  const variable = vars['ansible_become'];
  if (variable !== undefined && variable !== null) return ansibleBoolean(hostName, 'ansible_become', variable);
  return task.become ?? play.become ?? false;
}

/**
 * Whom a task becomes when it becomes, and how, with become's precedence: the host's
 * ansible_become_user / ansible_become_method variables, then the task's become_user /
 * become_method keywords, then the play's. Undefined leaves the connection's default (root, through sudo).
 */
export function becomeAsFor(task: TaskSpec, play: Play, vars: Vars, hostName: string): { becomeUser?: string; becomeMethod?: BecomeMethod } {
  const position = task.keyPositions['become_user'] ?? task.position;
  const pick = (variable: unknown, keyword: string | undefined, key: string) => {
    const value = variable ?? (keyword === undefined ? undefined : renderValue(keyword, vars, task.keyPositions[key] ?? position));
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value === '') throw new InputError(`${key} must be a name, got ${JSON.stringify(value)}`, task.keyPositions[key] ?? position);
    return value;
  };
  const user = pick(vars['ansible_become_user'], task.becomeUser ?? play.becomeUser, 'become_user');
  const method = pick(vars['ansible_become_method'], task.becomeMethod ?? play.becomeMethod, 'become_method');
  return {
    ...(user !== undefined ? { becomeUser: user } : {}),
    ...(method !== undefined ? { becomeMethod: becomeMethodOf(hostName, method) } : {}),
  };
}
