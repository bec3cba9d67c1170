import { InputError, type SourcePosition } from '../errors.ts';
import { didYouMean } from '../modules/similar-names.ts';
import type { ParsedTask } from './task.ts';
import type { BlockItem, BlockPart, BlockSpec, TaskSpec } from './types.ts';
import { booleanValue, mappingValue, stringList, stringValue, type MapEntry } from './yaml-map.ts';

// `- block: [...]` with `rescue:` and `always:`: its tasks join the task list in that order, each
// told which block and part it is in, with the block's keywords applied as Ansible applies them
// (the task's own value wins; `when` and `tags` add up). How a block runs is the scheduler's.

export const BLOCK_KEYS = [
  'block', 'rescue', 'always', 'name', 'when', 'become', 'tags', 'vars', 'ignore_errors', 'delegate_to',
  'become_user', 'become_method', 'no_log', 'check_mode', 'diff', 'environment', 'any_errors_fatal',
];

/** What a block's parts parse into: tasks, and whatever else the task list carries (flush points). */
export type ListItem = ParsedTask | symbol;

export interface BlockParsing {
  /** Every block of the play so far; a new block is added here. */
  blocks: BlockSpec[];
  /** Parses a part's list (import_tasks, nested blocks and flush points included). */
  parseList(node: unknown, what: string): Promise<ListItem[]>;
}

/** Every task in these items, nested blocks included, in list order. */
export function tasksOf(items: readonly BlockItem[]): TaskSpec[] {
  return items.flatMap((item) => (item.kind === 'task' ? [item.task] : [...tasksOf(item.block.block), ...tasksOf(item.block.rescue), ...tasksOf(item.block.always)]));
}

function isTask(item: ListItem): item is ParsedTask {
  return typeof item !== 'symbol';
}

/** The block keywords a task takes on when it does not set them itself. */
function inherit(spec: TaskSpec, keywords: Map<string, MapEntry>): void {
  const when = keywords.get('when');
  if (when) spec.when = [...stringList(when).map((c) => c.trim()), ...spec.when];
  const tags = keywords.get('tags');
  if (tags) spec.tags = [...new Set([...spec.tags, ...stringList(tags).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean)])];
  const vars = keywords.get('vars');
  if (vars) spec.vars = { ...mappingValue(vars), ...spec.vars };
  const become = keywords.get('become');
  if (become && spec.become === undefined) spec.become = booleanValue(become);
  const delegate = keywords.get('delegate_to');
  if (delegate && spec.delegateTo === undefined) spec.delegateTo = stringValue(delegate);
  const ignore = keywords.get('ignore_errors');
  if (ignore && !('ignore_errors' in spec.keyPositions)) spec.ignoreErrors = booleanValue(ignore);
  // The keywords a task holds as written (a boolean, or a template rendered when it runs).
  const value = (key: string) => keywords.get(key)?.value as boolean | string | undefined;
  if (keywords.has('become_user')) spec.becomeUser ??= stringValue(keywords.get('become_user')!);
  if (keywords.has('become_method')) spec.becomeMethod ??= stringValue(keywords.get('become_method')!);
  if (keywords.has('no_log')) spec.noLog ??= value('no_log');
  if (keywords.has('check_mode')) spec.checkMode ??= value('check_mode');
  if (keywords.has('diff')) spec.diff ??= value('diff');
  if (keywords.has('any_errors_fatal')) spec.anyErrorsFatal ??= booleanValue(keywords.get('any_errors_fatal')!);
  // A task's own environment adds to the block's, its values winning (Ansible merges them).
  const environment = keywords.get('environment');
  if (environment) spec.environment = spec.environment === undefined ? environment.value : [environment.value, spec.environment].flat();
}

/** A part's items: its own tasks, and each block directly inside it as one item. */
function partItems(tasks: ParsedTask[], byId: Map<string, BlockSpec>): BlockItem[] {
  const items: BlockItem[] = [];
  for (const { spec } of tasks) {
    const inner = spec.blocks?.[0];
    if (!inner) {
      items.push({ kind: 'task', task: spec });
      continue;
    }
    const last = items[items.length - 1];
    if (last?.kind !== 'block' || last.block.id !== inner.block) items.push({ kind: 'block', block: byId.get(inner.block)! });
  }
  return items;
}

export async function parseBlock(entries: MapEntry[], position: SourcePosition, parsing: BlockParsing): Promise<ListItem[]> {
  const keywords = new Map<string, MapEntry>();
  for (const entry of entries) {
    if (!BLOCK_KEYS.includes(entry.key)) {
      throw new InputError(`block keyword '${entry.key}' is not supported${didYouMean(entry.key, BLOCK_KEYS)} (a block takes ${BLOCK_KEYS.slice(3).join(', ')})`, entry.keyPosition);
    }
    keywords.set(entry.key, entry);
  }
  const spec: BlockSpec = { id: `block${parsing.blocks.length + 1}`, position, block: [], rescue: [], always: [] };
  if (keywords.get('name')) spec.name = stringValue(keywords.get('name')!);
  parsing.blocks.push(spec);

  const flattened: ListItem[] = [];
  for (const part of ['block', 'rescue', 'always'] as BlockPart[]) {
    const entry = keywords.get(part);
    const items = entry ? await parsing.parseList(entry.valueNode, `'${part}'`) : [];
    if (part === 'block' && items.filter(isTask).length === 0) throw new InputError('a block needs at least one task under block:', entry?.position ?? position);
    const tasks = items.filter(isTask);
    spec[part] = partItems(tasks, new Map(parsing.blocks.map((b) => [b.id, b])));
    for (const task of tasks) {
      task.spec.blocks = [{ block: spec.id, part }, ...(task.spec.blocks ?? [])];
      inherit(task.spec, keywords);
    }
    flattened.push(...items);
  }
  return flattened;
}
