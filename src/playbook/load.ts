import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, type SourcePosition } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import { readVarsFile } from '../inventory/vars-files.ts';
import { VaultError, type VaultKeyring } from '../vault/keyring.ts';
import { didYouMean } from '../modules/similar-names.ts';
import { readYamlFile, type YamlSource } from '../yaml/source.ts';
import { PLAY_TASK_KEYS, inheritPlayTags, parsePlayKeywords } from './play-keywords.ts';
import { STRATEGY_KEYS, parsePlayStrategy } from './play-strategy.ts';
import { expandRole, roleEntry as roleEntryOf, type RoleLoading } from './roles.ts';
import type { ParsedTask } from './task.ts';
import { groupByFlush, parsePlainTaskList, parseTaskList, type TaskListItem } from './task-list.ts';
import { resolveTaskReferences, type PlaySections } from './task-ids.ts';
import { renderValue } from './template.ts';
import type { BlockSpec, Play, Playbook } from './types.ts';
import {
  booleanValue, isMapping, mapEntries, mappingValue, sequenceItems, stringList, stringValue, valueOf, type MapEntry,
} from './yaml-map.ts';

// Playbook files -> Play[]: import_playbook is spliced in at load time (static in Ansible too),
// vars_files are read, each task list is parsed (task-list.ts), and every task is checked before
// anything runs.

const PLAY_KEYS = ['name', 'hosts', 'vars', 'vars_files', 'pre_tasks', 'roles', 'tasks', 'post_tasks', 'handlers', 'rollback', 'modules', 'become', 'undo_on_failure', ...STRATEGY_KEYS, ...PLAY_TASK_KEYS];

export interface LoadOptions {
  /** Where roles are looked for after the playbook's roles/ (--roles-path, ANSIBLE_ROLES_PATH). */
  rolesPath?: string[];
  /** The run's vault passwords: for vars_files, role files and inline !vault values. */
  vault?: VaultKeyring;
}

type Loading = Required<Pick<LoadOptions, 'rolesPath'>> & Pick<LoadOptions, 'vault'>;

/** Ansible's default roles_path, or ANSIBLE_ROLES_PATH when set. */
function defaultRolesPath(): string[] {
  const fromEnv = process.env.ANSIBLE_ROLES_PATH;
  if (fromEnv) return fromEnv.split(':').filter(Boolean).map((dir) => dir.replace(/^~(?=\/|$)/, homedir()));
  return [join(homedir(), '.ansible/roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'];
}

/** Files being loaded, outermost first, to refuse an import cycle. */
type ImportStack = string[];

function cycleError(kind: string, file: string, stack: ImportStack, position: SourcePosition): InputError {
  const chain = [...stack.slice(stack.indexOf(resolve(file))), resolve(file)];
  return new InputError(`${kind} cycle: ${chain.map((f) => relative(process.cwd(), f)).join(' -> ')}`, position);
}

/** Read a file another file refers to; a missing file is reported where it is referred to. */
async function readReferenced<T>(read: () => Promise<T>, file: string, what: string, position: SourcePosition): Promise<T> {
  try {
    return await read();
  } catch (error) {
    // A vault error names the file itself: it is not a missing file.
    if (error instanceof InputError && error.position?.line === undefined && !(error instanceof VaultError)) {
      throw new InputError(`${what}: cannot read ${file}`, position, { cause: error });
    }
    throw error;
  }
}

function readYamlReferenced(file: string, what: string, position: SourcePosition, vault: VaultKeyring | undefined): Promise<YamlSource> {
  return readReferenced(() => readYamlFile(file, vault), file, what, position);
}

/** vars_files override play vars, later files override earlier ones, as in Ansible. */
async function playVars(source: YamlSource, vars: MapEntry | undefined, files: MapEntry | undefined, vault: VaultKeyring | undefined): Promise<Vars> {
  let merged: Vars = vars ? { ...mappingValue(vars) } : {};
  if (!files) return merged;
  for (const name of stringList(files)) {
    // A templated path (`vars/{{ env }}.yaml`) may use the play's vars, as in Ansible.
    const rendered = String(renderValue(name, merged, files.position));
    const file = resolve(dirname(source.file), rendered);
    merged = { ...merged, ...(await readReferenced(() => readVarsFile(file, vault), file, 'vars_files', files.position)) };
  }
  return merged;
}

function hostsValue(entry: MapEntry): string {
  const patterns = stringList(entry).map((p) => p.trim()).filter(Boolean);
  if (patterns.length === 0) throw new InputError("'hosts' must name a group, host or pattern", entry.position);
  return patterns.join(':');
}

/** The handlers the play's roles brought, which must be plain tasks (no blocks, no flush points). */
function roleHandlers(roles: RoleLoading): ParsedTask[] {
  const handlers = roles.handlers.filter((item): item is ParsedTask => typeof item !== 'symbol');
  const inBlock = handlers.find((h) => h.spec.blocks?.length);
  if (inBlock || handlers.length !== roles.handlers.length) {
    throw new InputError('a role\'s handlers may not hold blocks or meta: flush_handlers', inBlock?.spec.position ?? { file: roles.playbookDir });
  }
  return handlers;
}

/** `roles:` entries expanded into their tasks (dependencies first), run between pre_tasks and tasks. */
async function playRoles(source: YamlSource, entry: MapEntry | undefined, roles: RoleLoading): Promise<TaskListItem[]> {
  const items: TaskListItem[] = [];
  for (const item of sequenceItems(source, entry?.valueNode ?? null, "'roles'")) {
    items.push(...((await expandRole(roleEntryOf(valueOf(source, item), source.positionOf(item)), roles)) as TaskListItem[]));
  }
  return items;
}

async function parsePlay(source: YamlSource, node: unknown, stack: ImportStack, options: Loading): Promise<Play> {
  const position = source.positionOf(node);
  const entries = mapEntries(source, node, 'a play');
  const byKey = new Map<string, MapEntry>();
  for (const entry of entries) {
    if (!PLAY_KEYS.includes(entry.key)) {
      throw new InputError(`unknown play keyword '${entry.key}'${didYouMean(entry.key, PLAY_KEYS)}`, entry.keyPosition);
    }
    byKey.set(entry.key, entry);
  }
  const hosts = byKey.get('hosts');
  if (!hosts) throw new InputError("play has no 'hosts' (the inventory group or pattern it runs on)", position);
  const baseDir = resolve(dirname(source.file));
  // An include's file name and loop may be templates of the play's vars: read them first.
  const vars = await playVars(source, byKey.get('vars'), byKey.get('vars_files'), options.vault);
  const blocks: BlockSpec[] = [];
  const common = { stack, playVars: vars, readFile: (file: string, what: string, at: SourcePosition) => readYamlReferenced(file, what, at, options.vault) };
  const roles: RoleLoading = {
    playbookDir: baseDir,
    rolesPath: options.rolesPath,
    vault: options.vault,
    parseFile: (file, what) => parseTaskList(file, file.document.contents, what, { ...common, blocks, roles }),
    seen: new Set(),
    handlers: [],
    defaults: {},
    vars: {},
  };
  const list = (key: string) => parseTaskList(source, byKey.get(key)?.valueNode ?? null, `'${key}'`, { ...common, blocks, roles });
  const plainList = (key: string) => parsePlainTaskList(source, byKey.get(key)?.valueNode ?? null, `'${key}'`, common);
  const sections: PlaySections = {
    // Roles and tasks are one section: one flush of handlers follows both, as in Ansible.
    tasks: groupByFlush([await list('pre_tasks'), [...(await playRoles(source, byKey.get('roles'), roles)), ...(await list('tasks'))], await list('post_tasks')]),
    // Role handlers come before the play's own, as Ansible lists them.
    handlers: [...roleHandlers(roles), ...(await plainList('handlers'))],
    rollback: await plainList('rollback'),
  };
  resolveTaskReferences(sections);
  const play: Play = {
    name: byKey.get('name') ? stringValue(byKey.get('name')!) : hostsValue(hosts),
    hosts: hostsValue(hosts),
    vars,
    tasks: sections.tasks.map((t) => t.spec),
    handlers: sections.handlers.map((t) => t.spec),
    rollback: sections.rollback.map((t) => t.spec),
    ...(blocks.length > 0 ? { blocks } : {}),
    ...(Object.keys(roles.defaults).length > 0 ? { roleDefaults: roles.defaults } : {}),
    ...(Object.keys(roles.vars).length > 0 ? { roleVars: roles.vars } : {}),
    modules: byKey.get('modules') ? stringList(byKey.get('modules')!).map((dir) => resolve(baseDir, dir)) : [],
    position,
    baseDir,
  };
  if (byKey.get('become')) play.become = booleanValue(byKey.get('become')!);
  Object.assign(play, parsePlayStrategy(byKey));
  if (byKey.get('undo_on_failure')) play.undoOnFailure = booleanValue(byKey.get('undo_on_failure')!);
  return inheritPlayTags(Object.assign(play, parsePlayKeywords(byKey)));
}

async function loadPlays(source: YamlSource, stack: ImportStack, options: Loading): Promise<Play[]> {
  const file = source.file;
  const root = source.document.contents;
  const inner = [...stack, resolve(file)];
  // A single play may be written as a mapping instead of a one-item list.
  if (isMapping(source, root)) return [await parsePlay(source, root, inner, options)];
  const items = sequenceItems(source, root, 'a playbook');
  if (items.length === 0) throw new InputError('playbook has no plays', { file });
  const plays: Play[] = [];
  for (const item of items) {
    const entries = isMapping(source, item) ? mapEntries(source, item, 'a play') : [];
    const importEntry = entries.find((e) => e.key === 'import_playbook');
    if (!importEntry) {
      plays.push(await parsePlay(source, item, inner, options));
      continue;
    }
    const extra = entries.find((e) => e.key !== 'import_playbook' && e.key !== 'name');
    if (extra) throw new InputError(`import_playbook: '${extra.key}' is not supported here`, extra.keyPosition);
    // Relative to the importing file; an absolute path as it is.
    const named = stringValue(importEntry);
    const imported = isAbsolute(named) ? named : join(dirname(file), named);
    if (inner.includes(resolve(imported))) throw cycleError('import_playbook', imported, inner, importEntry.position);
    plays.push(...(await loadPlays(await readYamlReferenced(imported, 'import_playbook', importEntry.position, options.vault), inner, options)));
  }
  return plays;
}

/** Load a playbook file (a list of plays, or one play), with its imports, checked and ready to plan. */
export async function loadPlaybook(file: string, options: LoadOptions = {}): Promise<Playbook> {
  const rolesPath = options.rolesPath ?? defaultRolesPath();
  return { file, plays: await loadPlays(await readYamlFile(file, options.vault), [], { rolesPath, vault: options.vault }) };
}
