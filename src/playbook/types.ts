import type { SourcePosition } from '../errors.ts';
import type { Vars } from '../inventory/types.ts';
import type { LoopLookup } from './loop-lookups.ts';

/** One task as written in a playbook, after parsing and shape validation, before templating. */
export interface TaskSpec {
  /** Unique in the play: `id:` as written, else derived from the position (`task3`, `handler1`). */
  id: string;
  name?: string;
  /** Fully qualified module name, e.g. `core.file`; a bare `file` resolves to `core.file`. */
  module: string;
  /** Params as written; strings may hold `{{ }}` templates, rendered per host at run time. */
  params: unknown;
  needs: string[];
  /**
   * No `needs:` was written: the task follows the task before it in its list, on the same host
   * (Ansible's order). `needs: [a, b]` replaces that edge with exactly those; `needs: []` has none.
   */
  followsPrevious?: boolean;
  tags: string[];
  /** Jinja expressions, all of which must be true (Ansible's list form of `when`). */
  when: string[];
  /** A list, or a template string that renders to one; for `with_<lookup>`, the lookup's terms. */
  loop?: unknown;
  /** `with_<lookup>:` (items, list, dict, sequence, fileglob, together, nested): it makes the items of `loop`. */
  loopWith?: LoopLookup;
  loopVar: string;
  /** `loop_control:` besides loop_var. */
  loopControl?: LoopControl;
  register?: string;
  /** Handler names (or ids, or `listen` topics) notified when this task changes something. */
  notify: string[];
  /** For handlers: topics that notify this handler besides its name (Ansible's `listen`). */
  listen?: string[];
  /**
   * Which run of handlers follows this task (a flush point ends each group): pre_tasks, then
   * tasks, then post_tasks, each `meta: flush_handlers` starting a new group. Absent is group 0.
   */
  flushGroup?: number;
  /** The blocks this task is inside, outermost first, and which part of each (see BlockSpec). */
  blocks?: BlockMembership[];
  /** The role this task comes from (roles:, import_role, include_role, meta dependencies). */
  role?: RoleRef;
  /** `any_errors_fatal:` on the task: its failure on any host ends the play for all. */
  anyErrorsFatal?: boolean;
  /** `throttle:` at most this many of the task's nodes run at once, whatever --forks allows. */
  throttle?: number;
  runOnce: boolean;
  delegateTo?: string;
  become?: boolean;
  ignoreErrors: boolean;
  /** A Jinja expression, or a literal boolean, overriding the module's changed status. */
  changedWhen?: string | boolean;
  failedWhen?: string | boolean;
  retries: number;
  /** Seconds between retries. */
  delay: number;
  until?: string;
  /** Task `vars:` (above play vars, below registered and extra vars), as written. */
  vars?: Vars;
  /** `no_log:` (a boolean, or a template of one): the task's params, results and diffs are hidden in every output. */
  noLog?: boolean | string;
  /** `check_mode:`: true plans the task even in a normal run; false applies it even under --check. */
  checkMode?: boolean | string;
  /** `diff:`: show (true) or hide (false) this task's file changes, whatever --diff says. */
  diff?: boolean | string;
  /** `environment:` for the task's commands: a mapping, a list of mappings (merged), or a template of one. */
  environment?: unknown;
  /** `become_user:` (a template allowed) and `become_method:` (sudo or su) for this task. */
  becomeUser?: string;
  becomeMethod?: string;
  /** Where the task starts, and where each of its keys is, for error messages. */
  position: SourcePosition;
  keyPositions: Record<string, SourcePosition>;
}

/** `loop_control:` as written: label and pause may be templates (rendered per item, per task). */
export interface LoopControl {
  label?: string;
  indexVar?: string;
  /** Seconds between items. */
  pause?: number | string;
  /** Sets `ansible_loop` (index, first, last, length, ...) for each item. */
  extended?: boolean | string;
  extendedAllItems?: boolean | string;
}

export interface Play {
  name: string;
  /** Host pattern, Ansible syntax. */
  hosts: string;
  vars: Vars;
  tasks: TaskSpec[];
  handlers: TaskSpec[];
  rollback: TaskSpec[];
  /** The play's blocks (block/rescue/always), outer ones before the blocks inside them. */
  blocks?: BlockSpec[];
  /** Every role's defaults/main.yml, merged in play order: below the inventory, for every task. */
  roleDefaults?: Vars;
  /** Every role's vars/main.yml, merged in play order: above play vars, for every task. */
  roleVars?: Vars;
  /** `serial:` batch sizes (numbers or "30%"), the last repeated until every host had its batch. */
  serial?: (number | string)[];
  /** `strategy:` free (playgraph's default: hosts never wait) or linear (all hosts finish a task first). */
  strategy?: 'free' | 'linear';
  /** `max_fail_percentage:`: more failed hosts than this share of a batch ends the play for all. */
  maxFailPercentage?: number;
  /** `any_errors_fatal:`: one host's failure ends the play for every host. */
  anyErrorsFatal?: boolean;
  /**
   * `undo_on_failure:` when the play fails, core modules' changes are undone (a replaced file gets
   * its old content back, a created one is removed). Off by default: Ansible undoes nothing.
   */
  undoOnFailure?: boolean;
  /** Extra directories to find task modules in, resolved against the playbook's directory. */
  modules: string[];
  become?: boolean;
  /** `become_user:` and `become_method:` for every task of the play, under each task's own. */
  becomeUser?: string;
  becomeMethod?: string;
  /** `remote_user:`, `connection:`, `port:`: how hosts are reached, under their ansible_* variables. */
  remoteUser?: string;
  connection?: string;
  port?: number;
  /** The play's `tags:`, which every task of it carries too. */
  tags?: string[];
  /** `gather_facts:` as written (absent: true, as in Ansible); playgraph gathers only when something reads a fact. */
  gatherFacts?: boolean;
  /** `gather_subset:` for the play's fact gathering (absent: all). */
  gatherSubset?: string[];
  /** Where the play starts, for errors about the play itself (its hosts, its keys). */
  position: SourcePosition;
  /** Directory of the file the play came from, for relative paths (templates, copy src). */
  baseDir: string;
}

export type BlockPart = 'block' | 'rescue' | 'always';

export interface BlockMembership {
  block: string;
  part: BlockPart;
}

/** One item of a block's part: a task, or a block inside it. */
export type BlockItem = { kind: 'task'; task: TaskSpec } | { kind: 'block'; block: BlockSpec };

/**
 * `block` / `rescue` / `always`, as Ansible runs them on each host: rescue runs when a task of
 * the block failed (and then the host has not failed, if rescue passes), always runs either way.
 * Its tasks are also in Play.tasks, in this order, with the block's keywords applied.
 */
export interface BlockSpec {
  /** `block1`, `block2`, ... in the order the play lists them. */
  id: string;
  name?: string;
  position: SourcePosition;
  block: BlockItem[];
  rescue: BlockItem[];
  always: BlockItem[];
}

/**
 * A task's role and its variables at Ansible's precedence: defaults below the inventory, vars
 * above the play's, params (the role entry's own keys) above registered results.
 */
export interface RoleRef {
  name: string;
  /** The role's directory; `chain` adds the roles that depend on it, for file lookups. */
  path: string;
  chain: string[];
  defaults: Vars;
  vars: Vars;
  params: Vars;
}

export interface Playbook {
  file: string;
  plays: Play[];
}
