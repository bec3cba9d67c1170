import type { InventoryBuilder } from './builder.ts';
import type { Inventory, InventoryGroup, InventoryHost, Vars } from './types.ts';
import { implicitLocalhostNames } from './unlisted-hosts.ts';

/** group_vars/ and host_vars/ contents of one inventory base directory, by entity name. */
export interface VarsFileLayer {
  groups: Map<string, Vars>;
  hosts: Map<string, Vars>;
}

/**
 * Turns the parsed inventory into the resolved one, applying Ansible's variable precedence
 * for inventory variables. The order, lowest first, is that of VariableManager.get_vars
 * (ansible/vars/manager.py, ansible-core 2.14, with the default VARIABLE_PRECEDENCE
 * ['all_inventory', 'groups_inventory', 'all_plugins_inventory', 'all_plugins_play',
 * 'groups_plugins_inventory', 'groups_plugins_play']) and of the documented list in
 * https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_variables.html#understanding-variable-precedence
 * ("inventory file or script group vars < inventory group_vars/all < inventory group_vars/*
 * < inventory file or script host vars < inventory host_vars/*"):
 *
 *   1. `all` group vars written in the inventory file
 *   2. the host's other groups' inventory-file vars, sorted by (depth, ansible_group_priority, name)
 *      (ansible/inventory/helpers.py sort_groups), so a child group beats its parent
 *   3. group_vars/all files, for each inventory source in order
 *   4. group_vars/<group> files of the host's groups, per source, in the same sorted order
 *   5. the host's own vars in the inventory file
 *   6. host_vars/<host> files, per source
 *
 * So any group_vars file beats every inventory-file group var, even of a deeper group. Merging
 * is Ansible's default hash_behaviour=replace: a later value replaces a whole key, dicts too.
 */
export function resolveInventory(builder: InventoryBuilder, source: string, layers: VarsFileLayer[]): Inventory {
  const groups = new Map<string, InventoryGroup>();
  for (const draft of builder.groups.values()) {
    let vars: Vars = { ...draft.vars };
    for (const layer of layers) vars = { ...vars, ...layer.groups.get(draft.name) };
    groups.set(draft.name, { name: draft.name, children: [...draft.children], hosts: [...draft.hosts], vars });
  }

  const groupOrder = [...builder.groups.keys()];
  const hosts = new Map<string, InventoryHost>();
  for (const name of builder.hostsUnder('all')) {
    const memberOf = new Set(builder.groupsOfHost(name));
    const hostGroups = groupOrder.filter((g) => g !== 'all' && memberOf.has(g));
    const sorted = hostGroups
      .map((g) => builder.groups.get(g)!)
      .sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((g) => g.name);

    let vars: Vars = { ...builder.groups.get('all')!.vars };
    for (const group of sorted) vars = { ...vars, ...builder.groups.get(group)!.vars };
    for (const layer of layers) vars = { ...vars, ...layer.groups.get('all') };
    for (const layer of layers) for (const group of sorted) vars = { ...vars, ...layer.groups.get(group) };
    vars = { ...vars, ...builder.hosts.get(name)!.vars };
    for (const layer of layers) vars = { ...vars, ...layer.hosts.get(name) };

    hosts.set(name, { name, groups: hostGroups, vars });
  }
  // The implicit localhost's own host_vars files (its `all` vars come from the group, see unlisted-hosts.ts).
  const implicitLocalhostVars = new Map<string, Vars>();
  for (const name of implicitLocalhostNames(builder.hosts.keys())) {
    let vars: Vars | undefined;
    for (const layer of layers) if (layer.hosts.has(name)) vars = { ...vars, ...layer.hosts.get(name) };
    if (vars) implicitLocalhostVars.set(name, vars);
  }
  return {
    source,
    hosts,
    groups,
    ...(implicitLocalhostVars.size > 0 ? { implicitLocalhostVars } : {}),
    ...(builder.warnings.length > 0 ? { warnings: [...builder.warnings] } : {}),
  };
}
