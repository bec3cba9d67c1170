import type { SourcePosition } from '../errors.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';

// Whether a play needs its hosts' facts. Ansible gathers them before every play (gather_facts
// defaults to true) and that is the slow step of a run; playgraph gathers only when something
// the play evaluates reads a fact: a task's params, conditions, loop or vars, a template file a
// task renders, the play's or its roles' vars, or the hosts' inventory vars. A fact is read as
// `ansible_facts` or an `ansible_<name>` that is not a connection or magic variable.
// Conservative: any mention counts (a string that only prints the word gathers too), and a name
// built at run time (`'ansible_' ~ x`) counts as a read.

export interface FactsDecision {
  gather: boolean;
  /** For the plan: "read by task X at file:line", "gather_facts: false", "no task reads them". */
  reason: string;
}

/** Variables named ansible_* that are not facts: how hosts are reached, and what the run sets. */
const NOT_FACTS = new Set([
  'host', 'port', 'user', 'password', 'connection', 'shell_type', 'shell_executable', 'python_interpreter', 'private_key_file',
  'pipelining', 'timeout', 'module_compression', 'rsync_path', 'playbook_python', 'check_mode', 'diff_mode', 'verbosity',
  'version', 'run_tags', 'skip_tags', 'limit', 'inventory_sources', 'config_file', 'forks', 'loop', 'loop_var', 'index_var',
  'role_name', 'role_names', 'parent_role_names', 'parent_role_paths', 'dependent_role_names', 'collection_name',
  'search_path', 'failed_task', 'failed_result', 'scp_extra_args', 'sftp_extra_args', 'sftp_batch_mode', 'scp_if_ssh',
  'remote_tmp', 'async_dir', 'winrm_transport', 'network_os', 'paramiko_host_key_checking', 'host_key_checking',
  'group_priority', 'included_var_files',
]);
const NOT_FACT_PREFIXES = ['become', 'play_', 'ssh_', 'winrm_', 'paramiko_'];

const FACT_NAME = /\bansible_(\w*)/g;

/** The first fact `text` reads (`ansible_facts`, `ansible_distribution`...), or undefined. */
export function factReadIn(text: string): string | undefined {
  for (const match of text.matchAll(FACT_NAME)) {
    const name = match[1]!;
    if (name === 'facts' || name === '') return match[0];
    if (NOT_FACTS.has(name) || NOT_FACT_PREFIXES.some((prefix) => name.startsWith(prefix)) || /_interpreter$/.test(name)) continue;
    return match[0];
  }
  return undefined;
}

/** The first fact read anywhere in a value: its strings, and its mapping keys. */
export function factReadInValue(value: unknown, seen = new Set<unknown>()): string | undefined {
  if (typeof value === 'string') return factReadIn(value);
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  const entries = Array.isArray(value) ? value.map((item) => [undefined, item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    const found = (key !== undefined ? factReadIn(key) : undefined) ?? factReadInValue(item, seen);
    if (found) return found;
  }
  return undefined;
}

/** What a task evaluates (not where it is, nor its name's position records). */
function taskValue(task: TaskSpec): unknown {
  const { position, keyPositions, id, module, role, ...evaluated } = task;
  void position, keyPositions, id, module;
  return [evaluated, role?.defaults, role?.vars, role?.params];
}

const where = (position: SourcePosition) => `${position.file}${position.line !== undefined ? `:${position.line}` : ''}`;

export interface FactReadSources {
  /** The tasks that may run (those --tags selected), handlers and rollback tasks included. */
  tasks: readonly TaskSpec[];
  /** The inventory vars of the play's hosts, by host name. */
  hostVars: ReadonlyMap<string, unknown>;
  /** The template files a task renders (src, template lookups), by the task: their text, or undefined when a name is a template. */
  templateText(task: TaskSpec): string | undefined;
}

/** Whether the play gathers facts, and why (for the plan). */
export function factsDecision(play: Play, sources: FactReadSources): FactsDecision {
  if (play.gatherFacts === false) return { gather: false, reason: 'facts not gathered: gather_facts: false' };
  const read = (what: string, fact: string) => ({ gather: true, reason: `gathering facts: ${fact} read by ${what}` });
  for (const task of sources.tasks) {
    // A setup task gathers the facts itself, where the play put it.
    if (task.module === 'core.setup') continue;
    const label = `task "${task.name ?? task.id}" at ${where(task.position)}`;
    const fact = factReadInValue(taskValue(task));
    if (fact) return read(label, fact);
    const text = sources.templateText(task);
    // A template file that cannot be read now (its name is a template itself) may read facts.
    const inFile = text === undefined ? 'ansible_facts' : factReadIn(text);
    if (inFile) return read(`the template of ${label}`, inFile);
  }
  const playVars = factReadInValue([play.vars, play.roleDefaults, play.roleVars]);
  if (playVars) return read(`the vars of play "${play.name}" at ${where(play.position)}`, playVars);
  for (const [host, vars] of sources.hostVars) {
    const fact = factReadInValue(vars);
    if (fact) return read(`the inventory vars of ${host}`, fact);
  }
  return { gather: false, reason: 'facts not gathered: no task reads them' };
}
