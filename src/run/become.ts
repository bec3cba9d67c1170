import { ansibleBoolean } from '../inventory/connection-spec.ts';
import type { Vars } from '../inventory/types.ts';
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
