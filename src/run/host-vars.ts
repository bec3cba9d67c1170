import type { Inventory, Vars } from '../inventory/types.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';
import { UndefinedVariableError, renderValue } from '../playbook/template.ts';
import { factVars, magicVars, mergeHostVars } from '../playbook/vars.ts';
import type { PlayGraph } from '../graph/types.ts';
import { connectionSpecFor } from '../inventory/connection-spec.ts';
import { inventoryVarsFor } from '../inventory/unlisted-hosts.ts';
import type { PlayHost } from '../modules/module.ts';

/**
 * What host variables are made from: the inventory, extra vars and what the run learnt so far
 * per host (none while the run is prepared, or when the functions are left out): facts,
 * include_vars, and results registered or set by set_fact.
 */
export interface VarSources {
  inventory: Inventory;
  extraVars: Vars;
  /** Registered results and set_fact variables (one level, as in Ansible). */
  registeredFor?(host: string): Vars;
  /** The host's facts, as modules returned them in `ansible_facts`. */
  hostFactsFor?(host: string): Vars;
  /** Variables include_vars loaded for the host. */
  includedVarsFor?(host: string): Vars;
  /** Told of each variable's template before it is rendered with `vars` (the run derives secrets from it). */
  onRender?(source: unknown, vars: Vars): void;
}

/**
 * What the run learnt of `host`, in precedence order, as another host's `hostvars[host]` shows it.
 * A value holding template text (a registered `cat` of a Jinja file) is left out: Ansible never
 * templates a result again, and here hostvars is rendered whole, so one such value would make
 * hostvars unusable for every host.
 */
function runVarsOf(run: VarSources, host: string): Vars {
  const facts = run.hostFactsFor?.(host);
  const learnt: Vars = {
    ...(facts && Object.keys(facts).length > 0 ? factVars(facts) : {}),
    ...run.includedVarsFor?.(host),
    ...run.registeredFor?.(host),
  };
  return Object.fromEntries(Object.entries(learnt).filter(([, value]) => !holdsTemplate(value)));
}

/** A host's variables for one task, with templated values resolved, and those that could not be. */
export interface HostVars {
  vars: Vars;
  /** Variables whose own template names an undefined variable: using them raises that error. */
  unresolved: Map<string, UndefinedVariableError>;
}

const MAX_PASSES = 8;

function holdsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(holdsTemplate);
  if (value && typeof value === 'object') return Object.values(value).some(holdsTemplate);
  return false;
}

/**
 * Variables for `host` with Ansible's precedence. Ansible templates variables lazily when used;
 * here values that are templates are rendered in passes until stable (so `a: "{{ b }}"`,
 * `b: "{{ c }}"` resolve in any order). A value naming an undefined variable is taken out and
 * remembered, so that a task using it fails with the real missing name, and one not using it runs.
 */
export function hostVarsFor(run: VarSources, play: Play, playHosts: string[], host: string, task?: TaskSpec): HostVars {
  const facts = run.hostFactsFor?.(host);
  const registered = run.registeredFor?.(host) ?? {};
  const vars: Vars = {
    ...magicVars(run.inventory, host, playHosts, (name) => runVarsOf(run, name)),
    ...mergeHostVars({
      // Every role's defaults and vars are the play's; a task's own role's win over the others'.
      roleDefaults: { ...play.roleDefaults, ...task?.role?.defaults },
      // A host the inventory does not list (the implicit localhost, a delegate_to) has vars too.
      inventory: inventoryVarsFor(run.inventory, host),
      facts,
      play: play.vars,
      roleVars: { ...play.roleVars, ...task?.role?.vars },
      task: task?.vars ?? {},
      included: run.includedVarsFor?.(host),
      registered,
      roleParams: task?.role?.params,
      extra: run.extraVars,
    }),
    ...(task?.role ? { role_name: task.role.name, role_path: task.role.path } : {}),
  };
  const unresolved = new Map<string, UndefinedVariableError>();
  // A result or a fact is data, never a template again (Ansible marks them unsafe): a registered
  // `cat` of a Jinja file keeps its braces. A higher level's value of the same name is rendered.
  const learnt = (name: string) => (name === 'ansible_facts' && facts !== undefined) || (Object.hasOwn(registered, name) ? registered[name] : facts?.[name]) === vars[name];
  let pending = Object.keys(vars).filter((name) => holdsTemplate(vars[name]) && !learnt(name));
  for (let pass = 0; pass < MAX_PASSES && pending.length > 0; pass++) {
    const next: string[] = [];
    for (const name of pending) {
      try {
        run.onRender?.(vars[name], vars);
        const rendered = renderValue(vars[name], vars);
        if (holdsTemplate(rendered) && JSON.stringify(rendered) !== JSON.stringify(vars[name])) next.push(name);
        vars[name] = rendered;
        unresolved.delete(name);
      } catch (error) {
        if (!(error instanceof UndefinedVariableError)) throw error;
        unresolved.set(name, error);
        next.push(name);
      }
    }
    if (next.length === pending.length && next.every((name) => unresolved.has(name))) break;
    pending = next;
  }
  for (const name of unresolved.keys()) delete vars[name];
  return { vars, unresolved };
}

/**
 * The host's variables with the play's connection keywords (remote_user, connection, port) under
 * them, as Ansible's PlayContext applies keywords and then lets the ansible_* variables override.
 */
export function withPlayConnection(play: Play, vars: Vars): Vars {
  const keywords: Vars = {};
  if (play.remoteUser !== undefined) keywords.ansible_user = play.remoteUser;
  if (play.connection !== undefined) keywords.ansible_connection = play.connection;
  if (play.port !== undefined) keywords.ansible_port = play.port;
  const set = Object.fromEntries(Object.entries(vars).filter(([, value]) => value !== undefined && value !== null));
  return { ...keywords, ...set };
}

/** Re-raises an undefined-variable error as the error of the variable's own template, if any. */
export function explainUndefined(error: unknown, hostVars: HostVars): unknown {
  if (error instanceof UndefinedVariableError) return hostVars.unresolved.get(error.variable) ?? error;
  return error;
}

/**
 * The play's hosts with their variables, as cluster-wide modules see them (TaskContext.play and
 * the preflight): every host the play's pattern matches, also those --limit leaves out, each with
 * how it is reached, resolved as the run's connections resolve it.
 */
export function playHostsVars(run: VarSources, graph: PlayGraph): PlayHost[] {
  return (graph.patternHosts ?? graph.hosts).map((name) => {
    const vars = hostVarsFor(run, graph.play, graph.hosts, name).vars;
    const { kind, address, port } = connectionSpecFor({ name, vars: withPlayConnection(graph.play, vars) });
    return { name, vars, connection: { kind, address, port } };
  });
}
