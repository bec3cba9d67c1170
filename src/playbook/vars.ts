import { resolve } from 'node:path';
import { InputError } from '../errors.ts';
import type { Inventory, Vars } from '../inventory/types.ts';
import { inventoryVarsFor } from '../inventory/unlisted-hosts.ts';
import { readVarsFile } from '../inventory/vars-files.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { parseYaml, type YamlSource } from '../yaml/source.ts';

// Variables from the command line and their precedence, as in Ansible.

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Split `a=1 b="x y" c='p q'` the way Ansible's split_args/parse_kv do: whitespace separates
 * pairs except inside quotes, quotes are removed, `\` escapes the next character. `#` is an
 * ordinary character here (passwords contain it), unlike shell or INI parsing.
 */
export function splitKeyValues(text: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let started = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length && quote !== "'") {
      token += text[++i];
      started = true;
    } else if (quote) {
      if (ch === quote) quote = undefined;
      else token += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) tokens.push(token);
      token = '';
      started = false;
    } else {
      token += ch;
      started = true;
    }
  }
  if (quote) throw new InputError(`-e: unbalanced ${quote} quote`);
  if (started) tokens.push(token);
  return tokens;
}

function requireMapping(source: YamlSource | undefined, value: unknown, what: string): Vars {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${what} must be a mapping of variable names to values`, source ? source.positionOf(source.document.contents) : undefined);
  }
  return value as Vars;
}

async function parseOne(arg: string, cwd: string, vault: VaultKeyring | undefined): Promise<Vars> {
  const text = arg.trim();
  // The shared vars-file reader: an encrypted file decrypts with the run's vault passwords.
  if (text.startsWith('@')) return readVarsFile(resolve(cwd, text.slice(1)), vault);
  if (text.startsWith('{') || text.startsWith('[')) {
    // The text is on the command line, not in a file; positions point into the argument itself.
    const source = parseYaml('-e argument', text, vault);
    return requireMapping(source, source.value, '-e JSON/YAML');
  }
  const vars: Vars = {};
  for (const token of splitKeyValues(text)) {
    const equals = token.indexOf('=');
    // Never echo the token: a malformed pair may hold a password.
    if (equals <= 0) throw new InputError('-e: expected key=value pairs, @file or a JSON/YAML mapping');
    const key = token.slice(0, equals);
    if (!VARIABLE_NAME.test(key)) throw new InputError(`-e: invalid variable name '${key}'`);
    vars[key] = token.slice(equals + 1);
  }
  return vars;
}

/** `-e` arguments in order; later ones override earlier ones (values of key=value are strings). */
export async function parseExtraVars(args: string[], cwd: string, vault?: VaultKeyring): Promise<Vars> {
  let merged: Vars = {};
  for (const arg of args) merged = { ...merged, ...(await parseOne(arg, cwd, vault)) };
  return merged;
}

export interface VarLayers {
  roleDefaults?: Vars;
  inventory: Vars;
  /** The host's facts (setup, gather_facts, any module's `ansible_facts`, set_fact cacheable) as modules returned them. */
  facts?: Vars;
  play: Vars;
  roleVars?: Vars;
  task?: Vars;
  /** include_vars results. */
  included?: Vars;
  /** Registered results and set_fact, one level (Ansible's nonpersistent fact cache holds both). */
  registered: Vars;
  roleParams?: Vars;
  extra: Vars;
}

/**
 * Ansible's precedence, lowest first: role defaults, inventory (group and host vars already
 * merged), host facts, play vars/vars_files, role vars, task (and block) vars, include_vars,
 * registered results and set_fact, role params, extra vars. Shallow, like Ansible's default
 * hash_behaviour=replace: a dict in a higher layer replaces, never merges.
 */
export function mergeHostVars(layers: VarLayers): Vars {
  return {
    ...layers.roleDefaults,
    ...layers.inventory,
    ...(layers.facts ? factVars(layers.facts) : {}),
    ...layers.play,
    ...layers.roleVars,
    ...(layers.task ?? {}),
    ...layers.included,
    ...layers.registered,
    ...layers.roleParams,
    ...layers.extra,
  };
}

// What clean_facts (ansible/vars/clean.py) keeps out of the top-level names: a module's facts
// may not redefine how the host is reached or what the run itself sets.
const RESTRICTED_FACTS = new Set([
  'ansible_connection', 'ansible_host', 'ansible_user', 'ansible_shell_executable', 'ansible_port', 'ansible_pipelining',
  'ansible_password', 'ansible_timeout', 'ansible_shell_type', 'ansible_module_compression', 'ansible_private_key_file',
  'ansible_rsync_path', 'ansible_playbook_python', 'ansible_facts', 'add_host', 'add_group',
]);

function restrictedFact(key: string): boolean {
  if (key.startsWith('ansible_ssh_host_key_')) return false;
  return RESTRICTED_FACTS.has(key) || key.startsWith('ansible_become_') || key.startsWith('ansible_ssh_') || /^ansible_.*_interpreter$/.test(key);
}

/**
 * A host's facts as variables, as VariableManager.get_vars exposes its fact cache: all of them
 * under `ansible_facts` without their `ansible_` prefix (namespace_facts; `ansible_local` keeps
 * it), and each at top level under its own name (INJECT_FACTS_AS_VARS, clean_facts), so a fact
 * `ansible_distribution` is both `ansible_facts.distribution` and `ansible_distribution`.
 */
export function factVars(facts: Vars): Vars {
  const namespaced: Vars = {};
  const injected: Vars = {};
  for (const [key, value] of Object.entries(facts)) {
    namespaced[key.startsWith('ansible_') && key !== 'ansible_local' ? key.slice('ansible_'.length) : key] = value;
    if (!restrictedFact(key)) injected[key] = value;
  }
  return { ansible_facts: namespaced, ...injected };
}

/** Hosts of every group, `all` included, in inventory order (children's hosts count). */
function groupMembers(inventory: Inventory): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const name of inventory.groups.keys()) groups[name] = [];
  groups.all = [...inventory.hosts.keys()];
  for (const host of inventory.hosts.values()) {
    for (const group of host.groups) (groups[group] ??= []).push(host.name);
  }
  return groups;
}

/**
 * Ansible's magic variables for one host of a play. `runVarsFor` gives what the run learnt of
 * each host so far (facts, include_vars, set_fact, registered, already in precedence order), so
 * `hostvars[other]` sees another host's facts and set_facts, as Ansible's HostVars does.
 */
export function magicVars(inventory: Inventory, hostName: string, playHosts: string[], runVarsFor?: (host: string) => Vars): Vars {
  const hostvars: Record<string, Vars> = {};
  for (const host of inventory.hosts.values()) {
    hostvars[host.name] = { ...host.vars, ...runVarsFor?.(host.name), inventory_hostname: host.name, group_names: [...host.groups].sort() };
  }
  // A play on the implicit localhost finds itself in hostvars, as Ansible's HostVars creates it on lookup.
  for (const name of playHosts) {
    hostvars[name] ??= { ...inventoryVarsFor(inventory, name), ...runVarsFor?.(name), inventory_hostname: name, group_names: [] };
  }
  const host = inventory.hosts.get(hostName);
  return {
    hostvars,
    groups: groupMembers(inventory),
    inventory_hostname: hostName,
    inventory_hostname_short: hostName.split('.')[0],
    group_names: host ? [...host.groups].sort() : [],
    play_hosts: [...playHosts],
    ansible_play_hosts: [...playHosts],
    ansible_play_batch: [...playHosts],
    ansible_play_hosts_all: [...playHosts],
  };
}
