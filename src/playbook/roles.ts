import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, type SourcePosition } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import { readVarsFile } from '../inventory/vars-files.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { readYamlFile, type YamlSource } from '../yaml/source.ts';
import type { ParsedTask } from './task.ts';
import type { RoleRef, TaskSpec } from './types.ts';

// Roles as Ansible finds and expands them: `roles:` entries, import_role/include_role tasks and
// meta/main.yml dependencies become tasks (dependencies first, each role once per play unless it
// allows duplicates or gets other params), with the role's defaults, vars, params and handlers.

/** Keys of a role entry that are Ansible keywords; every other key is a role parameter. */
const ENTRY_KEYWORDS = new Set(['role', 'name', 'tags', 'when', 'vars', 'become', 'delegate_to', 'ignore_errors']);
/** import_role / include_role options. */
const FROM_OPTIONS = ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from'] as const;

export interface RoleEntry {
  name: string;
  /** The entry's keywords (tags, when, vars, become, ...) to apply to the role's tasks. */
  keywords: Record<string, unknown>;
  params: Vars;
  from: Partial<Record<(typeof FROM_OPTIONS)[number], string>>;
  position: SourcePosition;
}

/** What expanding roles needs from the loader, and where it collects the roles' play-wide parts. */
export interface RoleLoading {
  playbookDir: string;
  /** --roles-path and ANSIBLE_ROLES_PATH, searched after the playbook's roles/. */
  rolesPath: string[];
  /** Parses a role's tasks or handlers file (import_tasks, blocks and flush points included). */
  parseFile(source: YamlSource, what: string): Promise<(ParsedTask | symbol)[]>;
  /** Roles already expanded in this play (directory + params), run once unless duplicates are allowed. */
  seen: Set<string>;
  handlers: (ParsedTask | symbol)[];
  defaults: Vars;
  vars: Vars;
  /** The run's vault passwords: role files may be encrypted or hold !vault values. */
  vault?: VaultKeyring;
}

/** A `roles:` item or the options of import_role/include_role, as an entry. */
export function roleEntry(value: unknown, position: SourcePosition, options: { fromTask?: boolean } = {}): RoleEntry {
  if (typeof value === 'string') return { name: value, keywords: {}, params: {}, from: {}, position };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError('a role is a name or a mapping with role:', position);
  const record = value as Record<string, unknown>;
  const name = record.role ?? record.name;
  if (typeof name !== 'string' || name.trim() === '') throw new InputError('a role entry needs role: (or name:) naming the role', position);
  const entry: RoleEntry = { name: name.trim(), keywords: {}, params: {}, from: {}, position };
  for (const [key, item] of Object.entries(record)) {
    if (key === 'role' || key === 'name') continue;
    if ((FROM_OPTIONS as readonly string[]).includes(key)) entry.from[key as (typeof FROM_OPTIONS)[number]] = String(item);
    else if (options.fromTask) {
      if (!['allow_duplicates', 'public', 'apply', 'rolespec_validate'].includes(key)) throw new InputError(`import_role: unknown option '${key}'`, position);
    } else if (ENTRY_KEYWORDS.has(key)) entry.keywords[key] = item;
    else entry.params[key] = item;
  }
  return entry;
}

function isDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

/** Ansible's role search: the playbook's roles/, the roles path, then the playbook's directory. */
export function roleSearchDirs(name: string, playbookDir: string, rolesPath: readonly string[]): string[] {
  if (path.isAbsolute(name)) return [name];
  return [path.join(playbookDir, 'roles', name), ...rolesPath.map((dir) => path.resolve(dir, name)), path.join(playbookDir, name)];
}

export function findRole(entry: RoleEntry, loading: Pick<RoleLoading, 'playbookDir' | 'rolesPath'>): string {
  const candidates = roleSearchDirs(entry.name, loading.playbookDir, loading.rolesPath);
  const found = candidates.find(isDirectory);
  if (!found) throw new InputError(`role '${entry.name}' not found; looked in: ${candidates.join(', ')}`, entry.position);
  return found;
}

/** `<role>/<kind>/main.yml`, `main.yaml` or `main` (or the `*_from` name, with or without extension). */
export function roleFile(roleDir: string, kind: string, base = 'main'): string | undefined {
  const names = /\.ya?ml$/.test(base) ? [base] : [`${base}.yml`, `${base}.yaml`, base];
  return names.map((name) => path.join(roleDir, kind, name)).find((file) => existsSync(file) && statSync(file).isFile());
}

async function roleVarsFile(roleDir: string, kind: 'defaults' | 'vars', base: string | undefined, entry: RoleEntry, vault: VaultKeyring | undefined): Promise<Vars> {
  const file = roleFile(roleDir, kind, base);
  if (!file) {
    if (base) throw new InputError(`role '${entry.name}': ${kind}_from '${base}' not found in ${path.join(roleDir, kind)}`, entry.position);
    return {};
  }
  // The shared vars-file reader: an encrypted role vars file decrypts, its values secrets.
  return readVarsFile(file, vault);
}

interface RoleMeta {
  dependencies: RoleEntry[];
  allowDuplicates: boolean;
}

async function roleMeta(roleDir: string, vault: VaultKeyring | undefined): Promise<RoleMeta> {
  const file = roleFile(roleDir, 'meta');
  if (!file) return { dependencies: [], allowDuplicates: false };
  const source = await readYamlFile(file, vault);
  const meta = (source.value ?? {}) as Record<string, unknown>;
  const deps = meta.dependencies ?? [];
  if (!Array.isArray(deps)) throw new InputError('meta dependencies must be a list of roles', source.positionOf(source.document.contents));
  const position = { file };
  return { dependencies: deps.map((dep) => roleEntry(dep, position)), allowDuplicates: meta.allow_duplicates === true };
}

/**
 * The role's tasks (its dependencies' first), each told its role. `parents` are the roles that
 * depend on this one, innermost first: their params reach it too, as in Ansible.
 */
export async function expandRole(entry: RoleEntry, loading: RoleLoading, parents: RoleRef[] = []): Promise<(ParsedTask | symbol)[]> {
  const dir = findRole(entry, loading);
  const meta = await roleMeta(dir, loading.vault);
  const params = { ...Object.assign({}, ...parents.map((p) => p.params).reverse()), ...entry.params } as Vars;
  const key = `${dir}\0${JSON.stringify(params)}\0${entry.from.tasks_from ?? ''}`;
  if (loading.seen.has(key) && !meta.allowDuplicates) return [];
  loading.seen.add(key);

  const defaults = await roleVarsFile(dir, 'defaults', entry.from.defaults_from, entry, loading.vault);
  const vars = { ...((entry.keywords.vars as Vars | undefined) ?? {}), ...(await roleVarsFile(dir, 'vars', entry.from.vars_from, entry, loading.vault)) };
  const role: RoleRef = { name: path.basename(dir), path: dir, chain: parents.map((p) => p.path), defaults, vars, params };

  const items: (ParsedTask | symbol)[] = [];
  for (const dependency of meta.dependencies) items.push(...(await expandRole(dependency, loading, [role, ...parents])));
  // Every role's defaults and vars are the play's too (Ansible's default, private_role_vars off).
  Object.assign(loading.defaults, defaults);
  Object.assign(loading.vars, vars);

  const tasksFile = roleFile(dir, 'tasks', entry.from.tasks_from);
  if (entry.from.tasks_from && !tasksFile) throw new InputError(`role '${entry.name}': tasks_from '${entry.from.tasks_from}' not found in ${path.join(dir, 'tasks')}`, entry.position);
  if (tasksFile) items.push(...(await loading.parseFile(await readYamlFile(tasksFile, loading.vault), `tasks file ${tasksFile}`)));
  const handlersFile = roleFile(dir, 'handlers', entry.from.handlers_from);
  if (handlersFile) {
    const handlers = await loading.parseFile(await readYamlFile(handlersFile, loading.vault), `handlers file ${handlersFile}`);
    for (const handler of handlers) if (typeof handler !== 'symbol') handler.spec.role = role;
    loading.handlers.push(...handlers);
  }
  for (const item of items) {
    if (typeof item === 'symbol') continue;
    item.spec.role ??= role;
    applyEntryKeywords(item.spec, entry.keywords);
  }
  return items;
}

function conditions(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map((c) => String(c).trim());
}

/** A role entry's when, tags, become, delegate_to and ignore_errors, on each of its tasks. */
function applyEntryKeywords(spec: TaskSpec, keywords: Record<string, unknown>): void {
  if (keywords.when !== undefined) spec.when = [...conditions(keywords.when), ...spec.when];
  if (keywords.tags !== undefined) {
    const tags = conditions(keywords.tags).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    spec.tags = [...new Set([...spec.tags, ...tags])];
  }
  if (keywords.become !== undefined && spec.become === undefined) spec.become = keywords.become === true || keywords.become === 'yes' || keywords.become === 'true';
  if (keywords.delegate_to !== undefined && spec.delegateTo === undefined) spec.delegateTo = String(keywords.delegate_to);
  if (keywords.ignore_errors !== undefined && !('ignore_errors' in spec.keyPositions)) spec.ignoreErrors = keywords.ignore_errors === true;
}
