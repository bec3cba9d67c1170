import { dirname } from 'node:path';
import { InputError, type SourcePosition } from '../errors.ts';
import type { Vars } from './types.ts';

/**
 * The mutable inventory that parsers fill, modelled on Ansible's InventoryData/Group/Host
 * (ansible/inventory/data.py, group.py, host.py in ansible-core 2.14) so that the resolved
 * inventory has the same membership, depth and order as Ansible's.
 */
export interface GroupDraft {
  name: string;
  children: string[];
  parents: string[];
  hosts: string[];
  /** Variables written in the inventory source itself (not group_vars/ files). */
  vars: Vars;
  /** `ansible_group_priority`; Ansible keeps it out of vars and uses it only to sort. */
  priority: number;
  /** Longest distance from `all`; Ansible merges group vars by (depth, priority, name). */
  depth: number;
}

export interface HostDraft {
  name: string;
  /** Variables written in the inventory source itself (not host_vars/ files). */
  vars: Vars;
  /** Groups the host was added to directly. */
  directGroups: string[];
}

export class InventoryBuilder {
  readonly groups = new Map<string, GroupDraft>();
  readonly hosts = new Map<string, HostDraft>();
  /** Non-fatal findings Ansible reports as warnings (skipped keys, and the like). */
  readonly warnings: string[] = [];
  /**
   * Absolute path of the file being parsed; a new host records it as `inventory_file` and its
   * directory as `inventory_dir`, as Ansible's InventoryData.add_host does (null for host lists).
   */
  currentFile: string | null = null;

  constructor() {
    // Ansible always creates `all` and `ungrouped`, with ungrouped a child of all.
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string): GroupDraft {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, children: [], parents: [], hosts: [], vars: {}, priority: 1, depth: 0 };
      this.groups.set(name, group);
    }
    return group;
  }

  /** Adds a host (and its membership of `group`). A port only counts when the host is new, as in Ansible. */
  addHost(name: string, group?: string, port?: number): HostDraft {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, vars: { inventory_file: this.currentFile, inventory_dir: this.currentFile && dirname(this.currentFile) }, directGroups: [] };
      if (port !== undefined) host.vars.ansible_port = port;
      this.hosts.set(name, host);
    }
    if (group !== undefined) {
      const draft = this.groups.get(group);
      if (!draft) throw new Error(`internal: group ${group} must be added before its hosts`);
      if (!draft.hosts.includes(name)) {
        draft.hosts.push(name);
        host.directGroups.push(group);
      }
    }
    return host;
  }

  setGroupVariable(group: string, key: string, value: unknown, position?: SourcePosition): void {
    const draft = this.groups.get(group);
    if (!draft) throw new Error(`internal: unknown group ${group}`);
    if (key === 'ansible_group_priority') {
      const priority = Number.parseInt(String(value), 10);
      if (Number.isNaN(priority)) {
        throw new InputError(`ansible_group_priority of group ${group} must be an integer, got ${JSON.stringify(value)}`, position);
      }
      draft.priority = priority;
      return;
    }
    draft.vars[key] = value;
  }

  setHostVariable(host: string, key: string, value: unknown): void {
    const draft = this.hosts.get(host);
    if (!draft) throw new Error(`internal: unknown host ${host}`);
    draft.vars[key] = value;
  }

  /** Makes `child` a child group of `parent`; a loop in children is an InputError naming its path. */
  addChild(parent: string, child: string, position?: SourcePosition): void {
    const parentGroup = this.groups.get(parent);
    const childGroup = this.groups.get(child);
    if (!parentGroup || !childGroup) throw new Error(`internal: unknown group ${parent} or ${child}`);
    if (parentGroup.children.includes(child)) return;
    const loop = parent === child ? [child] : this.pathDown(child, parent);
    if (loop) {
      throw new InputError(`group children form a cycle: ${[parent, ...loop].join(' -> ')}`, position);
    }
    parentGroup.children.push(child);
    if (!childGroup.parents.includes(parent)) childGroup.parents.push(parent);
    this.deepen(childGroup, parentGroup.depth + 1);
  }

  /** Group names from `from` down to `to` through children, or undefined when `to` is not below `from`. */
  private pathDown(from: string, to: string, seen = new Set<string>()): string[] | undefined {
    if (from === to) return [to];
    if (seen.has(from)) return undefined;
    seen.add(from);
    for (const next of this.groups.get(from)!.children) {
      const rest = this.pathDown(next, to, seen);
      if (rest) return [from, ...rest];
    }
    return undefined;
  }

  private deepen(group: GroupDraft, depth: number): void {
    if (group.depth >= depth) return;
    group.depth = depth;
    for (const child of group.children) this.deepen(this.groups.get(child)!, depth + 1);
  }

  /** Every group above `name` (not itself), nearest first. */
  ancestorsOf(name: string): string[] {
    const found: string[] = [];
    const queue = [...this.groups.get(name)!.parents];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (found.includes(next)) continue;
      found.push(next);
      queue.push(...this.groups.get(next)!.parents);
    }
    return found;
  }

  /**
   * Ansible's reconcile_inventory: every group without a parent becomes a child of `all`;
   * a host in no group but `all` goes to `ungrouped`, and a host listed in `ungrouped` that
   * also belongs to a real group is taken out of it.
   */
  reconcile(): void {
    for (const group of this.groups.values()) {
      if (group.name !== 'all' && group.parents.length === 0) this.addChild('all', group.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const host of this.hosts.values()) {
      const groups = this.groupsOfHost(host.name);
      if (groups.includes('ungrouped')) {
        if (groups.some((g) => g !== 'all' && g !== 'ungrouped')) {
          ungrouped.hosts = ungrouped.hosts.filter((h) => h !== host.name);
          host.directGroups = host.directGroups.filter((g) => g !== 'ungrouped');
        }
      } else if (groups.every((g) => g === 'all')) {
        this.addHost(host.name, 'ungrouped');
      }
    }
  }

  /** Direct groups of a host plus all their ancestors, including `all` when reached. */
  groupsOfHost(host: string): string[] {
    const result = new Set<string>();
    for (const direct of this.hosts.get(host)!.directGroups) {
      result.add(direct);
      for (const ancestor of this.ancestorsOf(direct)) result.add(ancestor);
    }
    return [...result];
  }

  /**
   * Hosts of a group and its descendants in Ansible's order (Group._get_hosts): the group's own
   * hosts, then its descendants breadth first. `all` gives the inventory order used by patterns.
   */
  hostsUnder(name: string): string[] {
    const ordered: string[] = [name];
    for (let i = 0; i < ordered.length; i += 1) {
      for (const child of this.groups.get(ordered[i])!.children) {
        if (!ordered.includes(child)) ordered.push(child);
      }
    }
    const hosts = new Set<string>();
    for (const group of ordered) for (const host of this.groups.get(group)!.hosts) hosts.add(host);
    return [...hosts];
  }
}
