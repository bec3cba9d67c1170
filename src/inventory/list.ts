import type { Inventory, Vars } from './types.ts';

/**
 * The JSON `ansible-inventory -i X --list` prints (InventoryCLI.json_inventory in
 * ansible/cli/inventory.py, ansible-core 2.14): one entry per group reached from `all`, with
 * its direct `hosts` (never for `all`) and `children`, empty lists left out and a group with
 * neither left out entirely; `_meta.hostvars` holds each host's resolved vars, without the
 * magic/internal ones (INTERNAL_VARS), and only for hosts that have any.
 */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
  'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity',
  'ansible_version', 'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short',
  'groups', 'group_names', 'omit', 'playbook_dir',
]);

export interface AnsibleListGroup {
  hosts?: string[];
  children?: string[];
}

export type AnsibleList = { _meta: { hostvars: Record<string, Vars> } } & Record<string, AnsibleListGroup>;

export function inventoryToAnsibleList(inventory: Inventory): AnsibleList {
  const groups: Record<string, AnsibleListGroup> = {};
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const group = inventory.groups.get(name);
    if (!group) return;
    const entry: AnsibleListGroup = {};
    if (name !== 'all' && group.hosts.length > 0) entry.hosts = [...group.hosts];
    if (group.children.length > 0) entry.children = [...group.children];
    if (entry.hosts || entry.children) groups[name] = entry;
    for (const child of group.children) {
      if (seen.has(child)) continue;
      seen.add(child);
      visit(child);
    }
  };
  visit('all');

  const hostvars: Record<string, Vars> = {};
  for (const host of inventory.hosts.values()) {
    const vars = Object.fromEntries(Object.entries(host.vars).filter(([key]) => !INTERNAL_VARS.has(key)));
    if (Object.keys(vars).length > 0) hostvars[host.name] = vars;
  }
  return { ...groups, _meta: { hostvars } } as AnsibleList;
}
