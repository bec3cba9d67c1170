export type Vars = Record<string, unknown>;

/** A host after the inventory is resolved: its groups (all ancestors included) and merged vars. */
export interface InventoryHost {
  name: string;
  /** Groups the host belongs to, directly or through children, without `all`; in inventory order. */
  groups: string[];
  /** Variables with Ansible's precedence already applied (all < parent groups < child groups < host). */
  vars: Vars;
}

export interface InventoryGroup {
  name: string;
  /** Direct child group names. */
  children: string[];
  /** Hosts listed directly in this group. */
  hosts: string[];
  vars: Vars;
}

export interface Inventory {
  /** The path given with -i, for messages. */
  source: string;
  /** Hosts in inventory order (the order Ansible's `group[0]` indexing uses). */
  hosts: Map<string, InventoryHost>;
  /** Every group including `all` and `ungrouped`. */
  groups: Map<string, InventoryGroup>;
  /**
   * host_vars/<name> of the implicit localhost, by the localhost name a file is for, when the
   * inventory lists no localhost (see unlisted-hosts.ts); it is not in `hosts`, as `all` leaves it out.
   */
  implicitLocalhostVars?: Map<string, Vars>;
  /** What Ansible only warns about (a key it skips, a group that is not a mapping); for the CLI to show. */
  warnings?: string[];
}

/** How to reach a host, read from its `ansible_*` connection variables. */
export interface ConnectionSpec {
  kind: 'ssh' | 'local';
  /** ansible_host, defaulting to the inventory name. */
  address: string;
  port: number;
  user?: string;
  privateKeyFile?: string;
  become: boolean;
  becomeUser?: string;
  /** ansible_become_method: sudo (the default) or su. */
  becomeMethod?: 'sudo' | 'su';
}
