import type { z } from 'zod';
import type { Connection } from '../connect/connection.ts';
import type { Vars } from '../inventory/types.ts';

/** A file a task would write, for `--diff`. `before` is null when the file does not exist yet. */
export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
  /** Contents too large or binary to show; the diff says so instead. */
  binary?: boolean;
}

/** What `check` found: nothing to do, or a change it would make. */
export type CheckResult<S = unknown> =
  | { status: 'ok'; reason?: string; result?: Record<string, unknown> }
  | {
      status: 'change';
      /** One line for humans: "create /etc/redis/7300.conf", "set vm.overcommit_memory 0 -> 1". */
      description: string;
      files?: FileChange[];
      /** Whatever `apply` needs from the check (facts read, commands planned). */
      state: S;
    };

export interface ApplyResult {
  /** False when apply found nothing to do after all (it re-checked). */
  changed: boolean;
  /** Registered as `register:` result fields (rc, stdout, ...), merged with `changed`. */
  result?: Record<string, unknown>;
  /** Kept by the engine and handed to `rollback` if the play fails later. */
  rollbackState?: unknown;
}

export interface TaskLogger {
  /** Progress lines, shown by reporters; must not contain secrets (the engine masks known ones). */
  info(message: string): void;
  warn(message: string): void;
}

/** Everything a module sees while it runs on one host. */
export interface TaskContext {
  host: { name: string; vars: Vars };
  conn: Connection;
  /** Whether the task asked to run as root. Pass to exec/writeFile where root is required. */
  become: boolean;
  /** True in --check: `apply` is never called then; `check` must not change anything. */
  checkMode: boolean;
  signal: AbortSignal;
  log: TaskLogger;
  /** Directory of the playbook (the play's file), for controller paths of the module's own. */
  baseDir: string;
  /**
   * Where relative controller files are looked up, in order (Ansible's ansible_search_path): a
   * role's directories, the task file's directory, the playbook's directory. copy and template
   * find their `src` in it with findControllerFile (controller-files.ts).
   */
  searchPath: string[];
  /** Renders a nunjucks template string with this host's variables (for template-like modules). */
  render(template: string, extraVars?: Vars): string;
  /** Registers a secret value so every output masks it. */
  addSecret(value: string): void;
  /**
   * Registers as secrets what rendering `template` with `vars` derives from secrets (a template
   * file's `{{ db_pwd | b64encode }}`), so a --diff of the rendered text cannot show them.
   */
  addTemplatedSecrets?(template: string, vars: Vars): void;
  /** Shared across every node of the run, keyed by the module's own names (e.g. redis node ids). */
  runState: Map<string, unknown>;
  /**
   * The play's hosts with their variables (templated), in inventory order: every host its pattern
   * matches, also those --limit leaves out (a rerun limited to one server still has the whole
   * cluster's layout). run_once modules (redis.meet, ...) act on them from the one node they run on.
   */
  play: { hosts: PlayHost[] };
  /** The run's shared connection to another host of the inventory (connected on first use). */
  connectionFor(hostName: string): Promise<Connection>;
  /** How verbose the run's output is (Ansible's -v count: 0 without -v); debug's `verbosity` compares with it. */
  verbosity: number;
  /**
   * Reads a YAML/JSON vars file on the controller (an absolute path) with the loader group_vars
   * and vars_files use: a mapping of variables (empty for an empty file), Vault-encrypted files
   * and `!vault` values decrypted. Bad content is an InputError naming the file.
   */
  loadVarsFile(path: string): Promise<Vars>;
  /** Ends the play for this host once this task is done (meta: end_host): its later tasks and handlers do not run, and it does not fail. */
  endHost(): void;
  /** Ends the play for every host once this task is done (meta: end_play); later plays still run. */
  endPlay(): void;
}

/**
 * What a module can see before any host is contacted: the host's variables as known then
 * (no `register:` results yet) and the playbook's directory on the controller.
 */
export interface PreflightContext {
  host: { name: string; vars: Vars };
  baseDir: string;
  /** As TaskContext.searchPath. */
  searchPath: string[];
  /**
   * The play's hosts as TaskContext.play has them (every host the pattern matches, also under
   * --limit), with the variables known before the run: one whose template needs a `register:`
   * result is absent.
   */
  play: { hosts: PlayHost[] };
}

/**
 * One host of the play as modules see it: its name, its variables, and how it is reached, as
 * the run resolved its connection (ansible_host or ansible_ssh_host, ansible_port, local), so a
 * module never reads connection variables itself.
 */
export interface PlayHost {
  name: string;
  vars: Vars;
  connection: { kind: 'ssh' | 'local'; address: string; port: number };
}

/**
 * A typed task module. `check` reads state and plans; `apply` makes the planned change.
 * Modules keep the decision logic in pure functions (facts in, plan out) so it is unit-tested
 * from data with no host at all, as pyinfra does with its operations.
 */
export interface TaskModule<P = any, S = any> {
  /** Fully qualified name: `core.file`, `redis.build`. */
  name: string;
  summary: string;
  params: z.ZodType<P>;
  /**
   * Optional: checks of the params that need only the controller (a template file exists and
   * renders), run for every host while the run is prepared. Throw an InputError with a position:
   * bad input is refused before anything on any host has changed.
   */
  preflight?(ctx: PreflightContext, params: P): Promise<void>;
  check(ctx: TaskContext, params: P): Promise<CheckResult<S>>;
  apply(ctx: TaskContext, params: P, state: S): Promise<ApplyResult>;
  /** Undoes what `apply` did, given its rollbackState; runs in reverse graph order on failure. */
  rollback?(ctx: TaskContext, params: P, rollbackState: unknown): Promise<void>;
  /** Its results (ok, or skipped by `when`) are neither shown nor counted in the recap, as Ansible treats meta tasks. */
  uncounted?: boolean;
}

export function defineModule<P, S>(module: TaskModule<P, S>): TaskModule<P, S> {
  return module;
}
