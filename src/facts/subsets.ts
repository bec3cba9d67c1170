// gather_subset as Ansible 2.14 reads it (module_utils/facts/collector.py get_collector_names):
// `min` is always in unless `!min`; `all` adds every subset, `!all` removes all but min; `!x`
// removes x; naming only exclusions means "all but those". Then each collector's required facts
// (pkg_mgr needs distribution, network needs platform and distribution...) are added back.

/** The collectors playgraph implements, named as Ansible names them. */
export type Collector = 'platform' | 'distribution' | 'env' | 'user' | 'date_time' | 'pkg_mgr' | 'service_mgr' | 'hardware' | 'network';

/** Ansible's minimal_gather_subset (setup.py): gathered even under `!all`. */
const MINIMAL = ['apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local', 'lsb', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user'];

/** Fact names Ansible also accepts as subsets, each standing for its collector (Ansible's aliases). */
const FACT_ALIASES: Record<string, string> = {
  all_ipv4_addresses: 'network', all_ipv6_addresses: 'network', default_ipv4: 'network', default_ipv6: 'network', interfaces: 'network',
  architecture: 'platform', kernel: 'platform', kernel_version: 'platform', machine: 'platform', machine_id: 'platform', system: 'platform',
  distribution_major_version: 'distribution', distribution_release: 'distribution', distribution_version: 'distribution', os_family: 'distribution',
  devices: 'hardware', mounts: 'hardware', processor: 'hardware', processor_cores: 'hardware', processor_count: 'hardware',
  user_dir: 'user', user_gecos: 'user', user_gid: 'user', user_id: 'user', user_shell: 'user', user_uid: 'user', real_user_id: 'user', effective_user_id: 'user', effective_group_ids: 'user',
  is_chroot: 'chroot', python_version: 'python', system_capabilities: 'caps', system_capabilities_enforced: 'caps',
  ssh_host_key_dsa_public: 'ssh_pub_keys', ssh_host_key_ecdsa_public: 'ssh_pub_keys', ssh_host_key_ed25519_public: 'ssh_pub_keys', ssh_host_key_rsa_public: 'ssh_pub_keys', ssh_host_pub_keys: 'ssh_pub_keys',
  virtualization_role: 'virtual', virtualization_tech_guest: 'virtual', virtualization_tech_host: 'virtual', virtualization_type: 'virtual',
};

/**
 * Every subset name Ansible 2.14 accepts (its "options allowed"). Those playgraph does not collect
 * (apparmor, dns, virtual, facter...) are accepted so an Ansible playbook runs unchanged; they add no facts.
 */
const VALID = [...MINIMAL, 'chroot', 'loadavg', 'hardware', 'network', 'fibre_channel_wwn', 'iscsi', 'nvme', 'virtual', 'facter', 'ohai', ...Object.keys(FACT_ALIASES)];

const IMPLEMENTED = new Set<string>(['platform', 'distribution', 'env', 'user', 'date_time', 'pkg_mgr', 'service_mgr', 'hardware', 'network']);

/** Ansible's required_facts of each collector, as collectors. */
const REQUIRES: Partial<Record<Collector, Collector[]>> = {
  pkg_mgr: ['distribution'],
  service_mgr: ['platform', 'distribution'],
  hardware: ['platform'],
  network: ['platform', 'distribution'],
};

export class GatherSubsetError extends Error {}

function addAll(target: Set<string>, names: Iterable<string>): void {
  for (const name of names) target.add(name);
}

/** The subset names Ansible would gather for this gather_subset (before adding required facts). */
export function resolveSubsetNames(gatherSubset: readonly string[]): Set<string> {
  const valid = new Set(VALID);
  const minimal = new Set(MINIMAL);
  const additional = new Set<string>();
  const excluded = new Set<string>();
  const explicit = new Set<string>();
  for (const raw of ['min', ...(gatherSubset.length > 0 ? gatherSubset : ['all'])]) {
    const subset = raw.trim();
    if (subset === 'min') addAll(additional, minimal);
    else if (subset === 'all') addAll(additional, valid);
    else if (subset === '!min') addAll(excluded, minimal);
    else if (subset === '!all') addAll(excluded, [...valid].filter((name) => !minimal.has(name)));
    else if (subset.startsWith('!')) {
      // `!hardware` also leaves out the hardware facts named alone (mounts, processor...).
      const name = subset.slice(1);
      addAll(excluded, [name, ...Object.keys(FACT_ALIASES).filter((alias) => FACT_ALIASES[alias] === name)]);
    }
    else {
      if (!valid.has(subset)) throw new GatherSubsetError(`Bad subset '${subset}' given to Ansible. gather_subset options allowed: all, ${[...valid].sort().join(', ')}`);
      explicit.add(subset);
      additional.add(subset);
    }
  }
  if (additional.size === 0) addAll(additional, valid);
  for (const name of excluded) if (!explicit.has(name)) additional.delete(name);
  return additional;
}

/** The collectors to run for a gather_subset: the implemented subsets it names, and what they need. */
export function collectorsFor(gatherSubset: readonly string[]): Set<Collector> {
  const names = resolveSubsetNames(gatherSubset);
  const collectors = new Set<Collector>();
  const add = (name: Collector) => {
    if (collectors.has(name)) return;
    collectors.add(name);
    for (const needed of REQUIRES[name] ?? []) add(needed);
  };
  for (const raw of names) {
    const name = FACT_ALIASES[raw] ?? raw;
    if (IMPLEMENTED.has(name)) add(name as Collector);
  }
  return collectors;
}
