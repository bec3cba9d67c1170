import type { Inventory, Vars } from './types.ts';

/**
 * Hosts a playbook names that the inventory does not list, as Ansible treats them
 * (ansible/inventory/data.py and manager.py, vars/manager.py, ansible-core 2.14):
 *
 * - `localhost`, `127.0.0.1` and `::1` (C.LOCALHOST) select the inventory's first localhost-like
 *   host when it lists one (InventoryData.localhost, "the default localhost"); when it lists none
 *   they are the implicit localhost: connection local, in no group, so `all` and every other
 *   pattern leave it out; only the name itself selects it (as a play's hosts or in a pattern, in
 *   --limit, as delegate_to). It has the `all` group's vars and its own host_vars file.
 * - Any other name (a delegate_to the inventory does not list) is a host of no group: it gets the
 *   `all` group's vars and nothing of the host that delegates to it, so it is reached over SSH by
 *   its name (PlayContext.set_task_and_variable_override), never on the controller unless those
 *   vars say `ansible_connection: local`.
 */

/** C.LOCALHOST in ansible/constants.py. */
export const LOCALHOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** The localhost names that are the implicit localhost: all of them, unless the inventory lists one. */
export function implicitLocalhostNames(listed: Iterable<string>): string[] {
  const names = new Set(listed);
  return LOCALHOST_NAMES.some((name) => names.has(name)) ? [] : [...LOCALHOST_NAMES];
}

/**
 * The host a localhost name stands for when the inventory lists no host of that name
 * (InventoryData.get_host): the first localhost-like host it lists, else the implicit localhost by
 * that name. Undefined for a name that is not a localhost name.
 */
export function localhostFor(inventory: Pick<Inventory, 'hosts'>, name: string): string | undefined {
  if (!LOCALHOST_NAMES.includes(name)) return undefined;
  for (const host of inventory.hosts.keys()) if (LOCALHOST_NAMES.includes(host)) return host;
  return name;
}

/** A name the inventory does not list and that is no localhost name: a delegate_to reached by its name. */
export function isUnlistedHost(inventory: Pick<Inventory, 'hosts'>, name: string): boolean {
  return !inventory.hosts.has(name) && localhostFor(inventory, name) === undefined;
}

/**
 * A host's inventory variables as Ansible's VariableManager sees them: a listed host's own; a
 * localhost name's inventory localhost's; for the implicit localhost the `all` group's vars,
 * then `ansible_connection: local` (a host var, so it beats `all`), then its host_vars file; for
 * any other unlisted name the `all` group's vars alone.
 */
export function inventoryVarsFor(inventory: Inventory, name: string): Vars {
  const listed = inventory.hosts.get(name) ?? inventory.hosts.get(localhostFor(inventory, name) ?? '');
  if (listed) return listed.vars;
  const all = inventory.groups.get('all')?.vars ?? {};
  if (isUnlistedHost(inventory, name)) return { ...all };
  return { ...all, ansible_connection: 'local', ...inventory.implicitLocalhostVars?.get(name) };
}
