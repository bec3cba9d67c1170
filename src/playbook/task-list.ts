import { InputError } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import type { YamlSource } from '../yaml/source.ts';
import { parseBlock } from './block.ts';
import { expandRole, roleEntry as roleEntryOf, type RoleLoading } from './roles.ts';
import { parseTask, type ParsedTask } from './task.ts';
import { importTasks, includeTasks, type IncludeContext } from './task-includes.ts';
import type { BlockSpec } from './types.ts';
import { isMapping, mapEntries, sequenceItems, type MapEntry } from './yaml-map.ts';

// One task list -> its tasks: each item a task, a block, an import_tasks/include_tasks, an
// import_role/include_role, or a meta: flush_handlers flush point.

/** Where `- meta: flush_handlers` stood in a task list: the handlers notified so far run there. */
export const FLUSH_HANDLERS = Symbol('flush_handlers');
export type TaskListItem = ParsedTask | typeof FLUSH_HANDLERS;

/** What a task list is parsed within: the files being included, the play's vars, blocks and roles. */
export interface ListContext {
  stack: string[];
  playVars: Vars;
  blocks: BlockSpec[];
  /** Absent in handlers and rollback, where roles are not expanded. */
  roles?: RoleLoading;
  /** Reads a tasks file another file names; a missing one is reported where it is named. */
  readFile(file: string, what: string, position: MapEntry['position']): Promise<YamlSource>;
}

const ROLE_TASK_KEYS = ['import_role', 'include_role', 'ansible.builtin.import_role', 'ansible.builtin.include_role'];
const IMPORT_TASKS_KEYS = ['import_tasks', 'ansible.builtin.import_tasks'];
const INCLUDE_TASKS_KEYS = ['include_tasks', 'ansible.builtin.include_tasks'];

/** A `meta: flush_handlers` task is a flush point; the other meta actions are tasks of core.meta. */
function metaItem(entries: MapEntry[]): typeof FLUSH_HANDLERS | undefined {
  const meta = entries.find((e) => e.key === 'meta' || e.key === 'ansible.builtin.meta');
  if (!meta || meta.value !== 'flush_handlers') return undefined;
  const other = entries.find((e) => e !== meta && e.key !== 'name' && e.key !== 'tags');
  if (other) throw new InputError(`meta: flush_handlers takes no '${other.key}' (it runs where it stands)`, other.keyPosition);
  return FLUSH_HANDLERS;
}

function includeContext(ctx: ListContext): IncludeContext {
  return {
    stack: ctx.stack,
    playVars: ctx.playVars,
    readTasks: async (file, position, what, stack) => {
      const source = await ctx.readFile(file, what, position);
      return parseTaskList(source, source.document.contents, `tasks file ${file}`, { ...ctx, stack });
    },
  };
}

export async function parseTaskList(source: YamlSource, node: unknown, what: string, ctx: ListContext): Promise<TaskListItem[]> {
  const parsed: TaskListItem[] = [];
  for (const item of sequenceItems(source, node, what)) {
    const position = source.positionOf(item);
    const entries = isMapping(source, item) ? mapEntries(source, item, 'a task') : [];
    const importEntry = entries.find((e) => IMPORT_TASKS_KEYS.includes(e.key));
    const includeEntry = entries.find((e) => INCLUDE_TASKS_KEYS.includes(e.key));
    const roleEntry = entries.find((e) => ROLE_TASK_KEYS.includes(e.key));
    const meta = metaItem(entries);
    if (meta) parsed.push(meta);
    else if (importEntry) parsed.push(...((await importTasks(source, importEntry, entries, includeContext(ctx))) as TaskListItem[]));
    else if (includeEntry) parsed.push(...((await includeTasks(source, includeEntry, entries, includeContext(ctx))) as TaskListItem[]));
    else if (roleEntry) parsed.push(...((await roleTask(roleEntry, entries, ctx)) as TaskListItem[]));
    else if (entries.some((e) => e.key === 'block')) {
      const parseList = (inner: unknown, part: string) => parseTaskList(source, inner, part, ctx);
      parsed.push(...((await parseBlock(entries, position, { blocks: ctx.blocks, parseList })) as TaskListItem[]));
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
export async function parsePlainTaskList(source: YamlSource, node: unknown, what: string, ctx: Omit<ListContext, 'blocks' | 'roles'>): Promise<ParsedTask[]> {
  const blocks: BlockSpec[] = [];
  const items = await parseTaskList(source, node, what, { ...ctx, blocks });
  if (items.includes(FLUSH_HANDLERS)) throw new InputError(`meta: flush_handlers belongs in pre_tasks, tasks or post_tasks, not in ${what}`, source.positionOf(node));
  if (blocks.length > 0) throw new InputError(`block is not supported in ${what} (only in pre_tasks, tasks and post_tasks)`, blocks[0].position);
  return items as ParsedTask[];
}

/**
 * pre_tasks, tasks and post_tasks as one list in that order, each task told which handler
 * flush follows it: one at the end of each section and one at each `meta: flush_handlers`.
 */
export function groupByFlush(sections: TaskListItem[][]): ParsedTask[] {
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
