import { InputError, type SourcePosition } from '../errors.ts';
import { resolveModuleName } from '../modules/registry.ts';
import { didYouMean } from '../modules/similar-names.ts';
import type { YamlSource } from '../yaml/source.ts';
import { moduleArgs } from './module-args.ts';
import { becomeMethodValue } from './play-keywords.ts';
import { flagValue, LOOP_WITH_KEYWORDS, parseTaskLoop, variableName } from './task-loop.ts';
import type { TaskSpec } from './types.ts';
import {
  booleanValue, itemPositions, mapEntries, mappingValue, stringList, stringValue, type MapEntry,
} from './yaml-map.ts';

// One task mapping -> TaskSpec: keywords are read and checked, every other key is the module.

export const TASK_KEYWORDS = [
  'id', 'name', 'needs', 'tags', 'when', 'loop', ...LOOP_WITH_KEYWORDS, 'loop_control', 'register', 'notify',
  'run_once', 'delegate_to', 'become', 'become_user', 'become_method', 'ignore_errors', 'changed_when',
  'failed_when', 'retries', 'delay', 'until', 'vars', 'args', 'listen', 'no_log', 'check_mode', 'diff',
  'environment', 'throttle', 'any_errors_fatal',
] as const;
const KEYWORDS = new Set<string>(TASK_KEYWORDS);

/** Ansible task keywords playgraph does not implement: say so rather than call them modules. */
const UNSUPPORTED = new Map<string, string>([
  ['include', 'use include_tasks or import_tasks (include was removed from Ansible)'],
  // block, include_tasks, import_role and include_role are read before a task is (task-list.ts).
  ['rescue', 'rescue belongs to a block: give the block: it rescues'],
  ['always', 'always belongs to a block: give the block: it follows'],
  ['async', 'async tasks are not supported'],
  ['poll', 'async tasks are not supported'],
  ['local_action', "use delegate_to: localhost"],
  ['action', 'write the module as the key'],
  // Ansible's other task keywords (playbook/task.py and its bases): named as keywords, so a task
  // that has one is told which keyword is missing, not that it has two module keys.
  ...[
    'become_flags', 'become_exe',
    'connection', 'remote_user', 'port', 'timeout', 'ignore_unreachable', 'delegate_facts',
    'debugger', 'module_defaults', 'collections',
  ].map((keyword): [string, string] => [keyword, 'playgraph does not implement this Ansible keyword yet']),
]);

const TASK_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** A task as parsed from its file, before ids are made unique and references are checked. */
export interface ParsedTask {
  spec: TaskSpec;
  /** `id:` as written; otherwise the loader derives one. */
  explicitId?: string;
  needsPositions: SourcePosition[];
  notifyPositions: SourcePosition[];
}

/** `file` -> `core.file`, `ansible.builtin.apt` -> `core.package`, `redis.build` as is: the registry's one mapping. */
export function moduleName(key: string): string {
  return resolveModuleName(key);
}

/** `when: [a, b]` is `a and b`; booleans and numbers become expressions too. */
function conditionList(entry: MapEntry): string[] {
  return stringList(entry).map((condition) => condition.trim());
}

/** changed_when/failed_when: a literal boolean stays one; a list is the conjunction. */
function conditionValue(entry: MapEntry): string | boolean {
  if (typeof entry.value === 'boolean') return entry.value;
  const list = conditionList(entry);
  return list.length === 1 ? list[0] : list.map((c) => `(${c})`).join(' and ');
}

function count(entry: MapEntry): number {
  const value = typeof entry.value === 'string' && /^\d+(\.\d+)?$/.test(entry.value.trim()) ? Number(entry.value) : entry.value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InputError(`'${entry.key}' must be a non-negative number`, entry.position);
  }
  return value;
}

/** `environment:` as Ansible takes it: a mapping, a list of mappings (merged in order), or a template. */
function environmentValue(entry: MapEntry): unknown {
  const { value } = entry;
  const isMap = (item: unknown) => item !== null && typeof item === 'object' && !Array.isArray(item);
  if (value === null || isMap(value) || typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => item === null || isMap(item) || typeof item === 'string')) return value;
  throw new InputError("'environment' must be a mapping of variable names to values (or a template of one)", entry.position);
}

function checkModuleKeys(moduleKeys: MapEntry[], entries: MapEntry[], position: SourcePosition): MapEntry {
  for (const entry of moduleKeys) {
    const hint = UNSUPPORTED.get(entry.key);
    if (hint) throw new InputError(`task keyword '${entry.key}' is not supported: ${hint}`, entry.keyPosition);
  }
  if (moduleKeys.length === 1) return moduleKeys[0];
  const keys = entries.map((e) => e.key).join(', ') || 'none';
  if (moduleKeys.length === 0) throw new InputError(`task has no module key (keys: ${keys}); give exactly one module, e.g. core.command`, position);
  // A key that reads like a misspelt keyword is named as one, where it stands.
  const typo = moduleKeys.find((e) => didYouMean(e.key, KEYWORDS) !== '');
  if (typo) throw new InputError(`unknown task keyword '${typo.key}'${didYouMean(typo.key, KEYWORDS)}`, typo.keyPosition);
  const named = moduleKeys.map((e) => e.key).join(', ');
  throw new InputError(`task has ${moduleKeys.length} module keys: ${named}; exactly one is allowed`, position);
}

/** Parse one task mapping; `position` is where the task starts (its `-` item). */
export function parseTask(source: YamlSource, node: unknown, position: SourcePosition): ParsedTask {
  const entries = mapEntries(source, node, 'a task');
  const byKey = new Map(entries.map((entry) => [entry.key, entry]));
  const loop = parseTaskLoop(source, entries);
  const module = checkModuleKeys(entries.filter((e) => !KEYWORDS.has(e.key)), entries, position);

  const keyPositions: Record<string, SourcePosition> = {};
  for (const entry of entries) keyPositions[entry.key] = entry.position;
  const get = (key: string) => byKey.get(key);
  const until = get('until');
  const args = get('args');
  const spec: TaskSpec = {
    id: '',
    module: moduleName(module.key),
    params: moduleArgs({
      module: moduleName(module.key),
      value: module.value,
      valuePosition: module.position,
      ...(args ? { args: { value: args.value, position: args.position } } : {}),
    }),
    needs: get('needs') ? stringList(get('needs')!) : [],
    followsPrevious: !get('needs'),
    tags: get('tags') ? stringList(get('tags')!).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean) : [],
    when: get('when') ? conditionList(get('when')!) : [],
    loopVar: loop.loopVar,
    notify: get('notify') ? stringList(get('notify')!) : [],
    runOnce: get('run_once') ? booleanValue(get('run_once')!) : false,
    ignoreErrors: get('ignore_errors') ? booleanValue(get('ignore_errors')!) : false,
    retries: get('retries') ? count(get('retries')!) : until ? 3 : 0,
    delay: get('delay') ? count(get('delay')!) : 5,
    position,
    keyPositions,
  };
  if (get('name')) spec.name = stringValue(get('name')!);
  if (loop.entry) {
    spec.loop = loop.entry.value;
    keyPositions.loop ??= loop.entry.position;
  }
  if (loop.lookup) spec.loopWith = loop.lookup;
  if (loop.control) spec.loopControl = loop.control;
  if (get('register')) spec.register = variableName(get('register')!, 'register');
  if (get('delegate_to')) spec.delegateTo = stringValue(get('delegate_to')!);
  if (get('become')) spec.become = booleanValue(get('become')!);
  if (get('become_user')) spec.becomeUser = stringValue(get('become_user')!);
  if (get('become_method')) spec.becomeMethod = becomeMethodValue(get('become_method')!);
  if (get('no_log')) spec.noLog = flagValue(get('no_log')!);
  if (get('check_mode')) spec.checkMode = flagValue(get('check_mode')!);
  if (get('diff')) spec.diff = flagValue(get('diff')!);
  if (get('environment')) spec.environment = environmentValue(get('environment')!);
  if (get('changed_when')) spec.changedWhen = conditionValue(get('changed_when')!);
  if (get('failed_when')) spec.failedWhen = conditionValue(get('failed_when')!);
  if (until) spec.until = String(conditionValue(until));
  if (get('vars')) spec.vars = mappingValue(get('vars')!);
  if (get('listen')) spec.listen = stringList(get('listen')!);
  if (get('throttle')) {
    const limit = count(get('throttle')!);
    if (!Number.isInteger(limit)) throw new InputError("'throttle' must be a whole number of hosts", get('throttle')!.position);
    // Ansible: 0 means no limit.
    if (limit > 0) spec.throttle = limit;
  }
  if (get('any_errors_fatal')) spec.anyErrorsFatal = booleanValue(get('any_errors_fatal')!);

  const id = get('id');
  let explicitId: string | undefined;
  if (id) {
    explicitId = stringValue(id);
    if (!TASK_ID.test(explicitId)) throw new InputError(`task id '${explicitId}' may hold only letters, digits, '_', '-' and '.'`, id.position);
  }
  return {
    spec,
    explicitId,
    needsPositions: get('needs') ? itemPositions(source, get('needs')!) : [],
    notifyPositions: get('notify') ? itemPositions(source, get('notify')!) : [],
  };
}
