import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, type SourcePosition } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import type { YamlSource } from '../yaml/source.ts';
import type { ParsedTask } from './task.ts';
import { renderValue } from './template.ts';
import { mappingValue, stringList, valueOf, type MapEntry } from './yaml-map.ts';

// import_tasks and include_tasks: another tasks file's tasks in place of the item. import_tasks
// is static in Ansible too; include_tasks is read the same way here, once its file name and loop
// are known from the play's variables (each loop item gets its own copy of the tasks, with the
// loop variable set), with its `when` and `apply:` keywords put on the tasks it brings in.

export type IncludedItem = ParsedTask | symbol;

export interface IncludeContext {
  /** Files being read, outermost first, to refuse an include cycle. */
  stack: string[];
  /** The play's vars and vars_files: what an include's file name and loop may be templated from. */
  playVars: Vars;
  /** Reads and parses a tasks file (its blocks, roles and flush points included). */
  readTasks(file: string, position: SourcePosition, what: string, stack: string[]): Promise<IncludedItem[]>;
}

interface Keywords {
  tags: string[];
  when: string[];
  vars: Vars;
  become?: boolean;
}

function tagList(entry: MapEntry): string[] {
  return stringList(entry).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
}

function apply(items: IncludedItem[], keywords: Keywords): void {
  for (const item of items) {
    if (typeof item === 'symbol') continue;
    const { spec } = item;
    spec.tags = [...new Set([...spec.tags, ...keywords.tags])];
    spec.when = [...keywords.when, ...spec.when];
    if (Object.keys(keywords.vars).length > 0) spec.vars = { ...keywords.vars, ...spec.vars };
    if (keywords.become !== undefined && spec.become === undefined) spec.become = keywords.become;
  }
}

/** Ansible resolves a relative tasks file from the including file's directory; absolute as is. */
function tasksFile(source: YamlSource, name: string): string {
  return isAbsolute(name) ? name : join(dirname(source.file), name);
}

function cycle(kind: string, file: string, stack: string[], position: SourcePosition): InputError {
  const chain = [...stack.slice(stack.indexOf(resolve(file))), resolve(file)];
  return new InputError(`${kind} cycle: ${chain.map((f) => relative(process.cwd(), f)).join(' -> ')}`, position);
}

export async function importTasks(source: YamlSource, importEntry: MapEntry, entries: MapEntry[], ctx: IncludeContext): Promise<IncludedItem[]> {
  const keywords: Keywords = { tags: [], when: [], vars: {} };
  for (const entry of entries) {
    if (entry.key === 'tags') keywords.tags = tagList(entry);
    else if (entry.key === 'when') keywords.when = stringList(entry);
    else if (entry.key === 'vars') keywords.vars = mappingValue(entry);
    else if (entry.key !== importEntry.key && entry.key !== 'name') {
      throw new InputError(`import_tasks: '${entry.key}' is not supported here (name, tags, when and vars are)`, entry.keyPosition);
    }
  }
  const file = tasksFile(source, String(importEntry.value));
  if (ctx.stack.includes(resolve(file))) throw cycle('import_tasks', file, ctx.stack, importEntry.position);
  // The import's own tags/when/vars apply to every task it brings in, as in Ansible.
  const tasks = await ctx.readTasks(file, importEntry.position, 'import_tasks', [...ctx.stack, resolve(file)]);
  apply(tasks, keywords);
  return tasks;
}

/** A value of the play's vars: a literal, or a template the play's vars render. */
function fromPlayVars(value: unknown, ctx: IncludeContext, entry: MapEntry, what: string): unknown {
  try {
    return renderValue(value, ctx.playVars, entry.position);
  } catch (error) {
    throw new InputError(`include_tasks: the ${what} must come from the play's vars (per-host includes are not supported yet): ${(error as Error).message}`, entry.position);
  }
}

export async function includeTasks(source: YamlSource, includeEntry: MapEntry, entries: MapEntry[], ctx: IncludeContext): Promise<IncludedItem[]> {
  const options = includeEntry.value !== null && typeof includeEntry.value === 'object' ? (includeEntry.value as Record<string, unknown>) : { file: includeEntry.value };
  const keywords: Keywords = { tags: [], when: [], vars: {} };
  let loop: unknown[] | undefined;
  let loopVar = 'item';
  let indexVar: string | undefined;
  for (const entry of entries) {
    if (entry === includeEntry || entry.key === 'name') continue;
    if (entry.key === 'when') keywords.when = stringList(entry);
    else if (entry.key === 'vars') keywords.vars = mappingValue(entry);
    // The include's own tags select the include; its tasks take only what `apply` gives them.
    else if (entry.key === 'tags') continue;
    else if (entry.key === 'loop' || entry.key === 'with_items') {
      const items = fromPlayVars(valueOf(source, entry.valueNode), ctx, entry, 'loop');
      if (!Array.isArray(items)) throw new InputError('include_tasks: loop must be a list', entry.position);
      loop = entry.key === 'with_items' ? items.flat(1) : items;
    } else if (entry.key === 'loop_control') {
      const control = mappingValue(entry);
      if (typeof control.loop_var === 'string') loopVar = control.loop_var;
      if (typeof control.index_var === 'string') indexVar = control.index_var;
    } else {
      throw new InputError(`include_tasks: '${entry.key}' is not supported here (name, when, vars, tags, loop, loop_control and apply are)`, entry.keyPosition);
    }
  }
  const applied = options.apply as Record<string, unknown> | undefined;
  if (applied) {
    if (applied.tags !== undefined) keywords.tags = (Array.isArray(applied.tags) ? applied.tags : [applied.tags]).map(String);
    if (applied.become !== undefined) keywords.become = applied.become === true;
    if (applied.when !== undefined) keywords.when = [...keywords.when, ...(Array.isArray(applied.when) ? applied.when : [applied.when]).map(String)];
  }
  const name = fromPlayVars(options.file, ctx, includeEntry, 'file name');
  if (typeof name !== 'string' || name === '') throw new InputError('include_tasks: give the tasks file to include', includeEntry.position);
  const file = tasksFile(source, name);
  if (ctx.stack.includes(resolve(file))) throw cycle('include_tasks', file, ctx.stack, includeEntry.position);

  const copies: IncludedItem[] = [];
  for (const [index, item] of (loop ?? [undefined]).entries()) {
    const tasks = await ctx.readTasks(file, includeEntry.position, 'include_tasks', [...ctx.stack, resolve(file)]);
    const loopVars = loop === undefined ? {} : { [loopVar]: item, ...(indexVar ? { [indexVar]: index } : {}) };
    apply(tasks, { ...keywords, vars: { ...keywords.vars, ...loopVars } });
    copies.push(...tasks);
  }
  return copies;
}
