import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError, type SourcePosition } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import { didYouMean } from '../modules/similar-names.ts';
import { readYamlFile, type YamlSource } from '../yaml/source.ts';
import { parseBlock } from './block.ts';
import { STRATEGY_KEYS, parsePlayStrategy } from './play-strategy.ts';
import { expandRole, roleEntry as roleEntryOf, type RoleLoading } from './roles.ts';
import { parseTask, type ParsedTask } from './task.ts';
import { resolveTaskReferences, type PlaySections } from './task-ids.ts';
import { renderValue } from './template.ts';
import type { BlockSpec, Play, Playbook } from './types.ts';
import {
  booleanValue, isMapping, mapEntries, mappingValue, sequenceItems, stringList, stringValue, valueOf, type MapEntry,
} from './yaml-map.ts';

// Playbook files -> Play[]: import_playbook and import_tasks are spliced in at load time (they
// are static in Ansible too), vars_files are read, and every task is checked before anything runs.

const PLAY_KEYS = ['name', 'hosts', 'vars', 'vars_files', 'pre_tasks', 'roles', 'tasks', 'post_tasks', 'handlers', 'rollback', 'modules', 'become', 'gather_facts', 'undo_on_failure', ...STRATEGY_KEYS];

export interface LoadOptions {
  /** Where roles are looked for after the playbook's roles/ (--roles-path, ANSIBLE_ROLES_PATH). */
  rolesPath?: string[];
}

/** Ansible's default roles_path, or ANSIBLE_ROLES_PATH when set. */
function defaultRolesPath(): string[] {
  const fromEnv = process.env.ANSIBLE_ROLES_PATH;
  if (fromEnv) return fromEnv.split(':').filter(Boolean).map((dir) => dir.replace(/^~(?=\/|$)/, homedir()));
  return [join(homedir(), '.ansible/roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'];
}

/** Where `- meta: flush_handlers` stood in a task list: the handlers notified so far run there. */
const FLUSH_HANDLERS = Symbol('flush_handlers');
type TaskListItem = ParsedTask | typeof FLUSH_HANDLERS;

/** A `meta:` task: flush_handlers is a flush point; the other meta actions are not here yet. */
function metaItem(entries: MapEntry[]): typeof FLUSH_HANDLERS | undefined {
  const meta = entries.find((e) => e.key === 'meta' || e.key === 'ansible.builtin.meta');
  if (!meta) return undefined;
  if (meta.value !== 'flush_handlers') {
    throw new InputError(`meta: '${String(meta.value)}' is not supported (flush_handlers is)`, meta.position);
  }
  const other = entries.find((e) => e !== meta && e.key !== 'name' && e.key !== 'tags');
  if (other) throw new InputError(`meta: flush_handlers takes no '${other.key}' (it runs where it stands)`, other.keyPosition);
  return FLUSH_HANDLERS;
}

/** Files being loaded, outermost first, to refuse an import cycle. */
type ImportStack = string[];

function cycleError(kind: string, file: string, stack: ImportStack, position: SourcePosition): InputError {
  const chain = [...stack.slice(stack.indexOf(resolve(file))), resolve(file)];
  return new InputError(`${kind} cycle: ${chain.map((f) => relative(process.cwd(), f)).join(' -> ')}`, position);
}

/** Read a file another file refers to; a missing file is reported where it is referred to. */
async function readReferenced(file: string, what: string, position: SourcePosition): Promise<YamlSource> {
  try {
    return await readYamlFile(file);
  } catch (error) {
    if (error instanceof InputError && error.position?.line === undefined) {
      throw new InputError(`${what}: cannot read ${file}`, position, { cause: error });
    }
    throw error;
  }
}

async function loadVarsFile(file: string, position: SourcePosition): Promise<Vars> {
  const source = await readReferenced(file, 'vars_files', position);
  if (source.value === null || source.value === undefined) return {};
  if (!isMapping(source, source.document.contents)) {
    throw new InputError('a vars file must be a mapping of variable names to values', source.positionOf(source.document.contents));
  }
  return source.value as Vars;
}

/** vars_files override play vars, later files override earlier ones, as in Ansible. */
async function playVars(source: YamlSource, vars: MapEntry | undefined, files: MapEntry | undefined): Promise<Vars> {
  let merged: Vars = vars ? { ...mappingValue(vars) } : {};
  if (!files) return merged;
  for (const name of stringList(files)) {
    // A templated path (`vars/{{ env }}.yaml`) may use the play's vars, as in Ansible.
    const rendered = String(renderValue(name, merged, files.position));
    merged = { ...merged, ...(await loadVarsFile(resolve(dirname(source.file), rendered), files.position)) };
  }
  return merged;
}

interface ImportOptions {
  tags: string[];
  when: string[];
  vars: Vars;
}

/** A task list; `- import_tasks: file.yaml` items are replaced by that file's tasks. */
/** What a task list is parsed within: the files being imported, the play's blocks and roles. */
interface ListContext {
  stack: ImportStack;
  blocks: BlockSpec[];
  /** Absent in handlers and rollback, where roles are not expanded. */
  roles?: RoleLoading;
}

const ROLE_TASK_KEYS = ['import_role', 'include_role', 'ansible.builtin.import_role', 'ansible.builtin.include_role'];

async function parseTaskList(source: YamlSource, node: unknown, what: string, ctx: ListContext): Promise<TaskListItem[]> {
  const parsed: TaskListItem[] = [];
  for (const item of sequenceItems(source, node, what)) {
    const position = source.positionOf(item);
    const entries = isMapping(source, item) ? mapEntries(source, item, 'a task') : [];
    const importEntry = entries.find((e) => e.key === 'import_tasks');
    const roleEntry = entries.find((e) => ROLE_TASK_KEYS.includes(e.key));
    const meta = metaItem(entries);
    if (meta) parsed.push(meta);
    else if (importEntry) parsed.push(...(await importTasks(source, importEntry, entries, ctx)));
    else if (roleEntry) parsed.push(...((await roleTask(roleEntry, entries, ctx)) as TaskListItem[]));
    else if (entries.some((e) => e.key === 'block')) {
      const parseList = (inner: unknown, part: string) => parseTaskList(source, inner, part, ctx);
      parsed.push(...((await parseBlock(source, entries, position, { blocks: ctx.blocks, parseList })) as TaskListItem[]));
    } else parsed.push(parseTask(source, item, position));
  }
  return parsed;
}

/** `- import_role: {name: x}` (include_role is read the same way, statically): the role's tasks. */
async function roleTask(roleKey: MapEntry, entries: MapEntry[], ctx: ListContext): Promise<(ParsedTask | symbol)[]> {
  if (!ctx.roles) throw new InputError(`${roleKey.key} is not supported here (only in pre_tasks, tasks and post_tasks)`, roleKey.keyPosition);
  const keywords: Record<string, unknown> = {};
  for (const entry of entries) {
    if (entry === roleKey || entry.key === 'name') continue;
    if (!['when', 'tags', 'vars', 'become', 'delegate_to', 'ignore_errors'].includes(entry.key)) {
      throw new InputError(`${roleKey.key}: '${entry.key}' is not supported here (when, tags, vars, become, delegate_to and ignore_errors are)`, entry.keyPosition);
    }
    keywords[entry.key] = entry.value;
  }
  const { vars, ...others } = keywords;
  const entry = roleEntryOf(roleKey.value, roleKey.position, { fromTask: true });
  entry.keywords = { ...others, ...entry.keywords };
  const items = await expandRole(entry, ctx.roles);
  // The import task's vars are its tasks' inherited vars (as a block's), not the role's vars.
  if (vars && typeof vars === 'object') {
    for (const item of items) if (typeof item !== 'symbol') item.spec.vars = { ...(vars as Vars), ...item.spec.vars };
  }
  return items;
}

/** A list where flush points and blocks mean nothing (handlers, rollback): one there is refused. */
async function parsePlainTaskList(source: YamlSource, node: unknown, what: string, stack: ImportStack): Promise<ParsedTask[]> {
  const blocks: BlockSpec[] = [];
  const items = await parseTaskList(source, node, what, { stack, blocks });
  if (items.includes(FLUSH_HANDLERS)) throw new InputError(`meta: flush_handlers belongs in pre_tasks, tasks or post_tasks, not in ${what}`, source.positionOf(node));
  if (blocks.length > 0) throw new InputError(`block is not supported in ${what} (only in pre_tasks, tasks and post_tasks)`, blocks[0].position);
  return items as ParsedTask[];
}

/**
 * pre_tasks, tasks and post_tasks as one list in that order, each task told which handler
 * flush follows it: one at the end of each section and one at each `meta: flush_handlers`.
 */
function groupByFlush(sections: TaskListItem[][]): ParsedTask[] {
  const tasks: ParsedTask[] = [];
  let group = 0;
  for (const section of sections) {
    for (const item of section) {
      if (item === FLUSH_HANDLERS) group += 1;
      else {
        item.spec.flushGroup = group;
        tasks.push(item);
      }
    }
    group += 1;
  }
  return tasks;
}

async function importTasks(source: YamlSource, importEntry: MapEntry, entries: MapEntry[], ctx: ListContext): Promise<TaskListItem[]> {
  const { stack } = ctx;
  const options: ImportOptions = { tags: [], when: [], vars: {} };
  for (const entry of entries) {
    if (entry.key === 'tags') options.tags = stringList(entry).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    else if (entry.key === 'when') options.when = stringList(entry);
    else if (entry.key === 'vars') options.vars = mappingValue(entry);
    else if (entry.key !== 'import_tasks' && entry.key !== 'name') {
      throw new InputError(`import_tasks: '${entry.key}' is not supported here (name, tags, when and vars are)`, entry.keyPosition);
    }
  }
  const file = join(dirname(source.file), stringValue(importEntry));
  if (stack.includes(resolve(file))) throw cycleError('import_tasks', file, stack, importEntry.position);
  const imported = await readReferenced(file, 'import_tasks', importEntry.position);
  const tasks = await parseTaskList(imported, imported.document.contents, `tasks file ${file}`, { ...ctx, stack: [...stack, resolve(file)] });
  // The import's own tags/when/vars apply to every task it brings in, as in Ansible.
  for (const item of tasks) {
    if (item === FLUSH_HANDLERS) continue;
    const { spec } = item;
    spec.tags = [...new Set([...spec.tags, ...options.tags])];
    spec.when = [...options.when, ...spec.when];
    if (Object.keys(options.vars).length > 0) spec.vars = { ...options.vars, ...spec.vars };
  }
  return tasks;
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

async function parsePlay(source: YamlSource, node: unknown, stack: ImportStack, options: Required<LoadOptions>): Promise<Play> {
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
  const gatherFacts = byKey.get('gather_facts');
  if (gatherFacts && booleanValue(gatherFacts)) {
    throw new InputError('gather_facts is not supported; modules read the facts they need', gatherFacts.position);
  }
  const baseDir = resolve(dirname(source.file));
  const blocks: BlockSpec[] = [];
  const roles: RoleLoading = {
    playbookDir: baseDir,
    rolesPath: options.rolesPath,
    parseFile: (file, what) => parseTaskList(file, file.document.contents, what, { stack, blocks, roles }),
    seen: new Set(),
    handlers: [],
    defaults: {},
    vars: {},
  };
  const list = (key: string) => parseTaskList(source, byKey.get(key)?.valueNode ?? null, `'${key}'`, { stack, blocks, roles });
  const plainList = (key: string) => parsePlainTaskList(source, byKey.get(key)?.valueNode ?? null, `'${key}'`, stack);
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
    vars: await playVars(source, byKey.get('vars'), byKey.get('vars_files')),
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
  return play;
}

async function loadPlays(source: YamlSource, stack: ImportStack, options: Required<LoadOptions>): Promise<Play[]> {
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
    const imported = join(dirname(file), stringValue(importEntry));
    if (inner.includes(resolve(imported))) throw cycleError('import_playbook', imported, inner, importEntry.position);
    plays.push(...(await loadPlays(await readReferenced(imported, 'import_playbook', importEntry.position), inner, options)));
  }
  return plays;
}

/** Load a playbook file (a list of plays, or one play), with its imports, checked and ready to plan. */
export async function loadPlaybook(file: string, options: LoadOptions = {}): Promise<Playbook> {
  const rolesPath = options.rolesPath ?? defaultRolesPath();
  return { file, plays: await loadPlays(await readYamlFile(file), [], { rolesPath }) };
}
