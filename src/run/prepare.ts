import { resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { playFactsDecision } from '../facts/play-reads.ts';
import { factReadIn } from '../facts/reads.ts';
import { buildPlayGraph } from '../graph/build.ts';
import type { PlayGraph } from '../graph/types.ts';
import { loadInventory } from '../inventory/load.ts';
import { limitHosts, selectHosts } from '../inventory/patterns.ts';
import type { Inventory, Vars } from '../inventory/types.ts';
import { createModuleRegistry, type ModuleRegistry } from '../modules/registry.ts';
import { loadPlaybook } from '../playbook/load.ts';
import { selectTasks } from '../playbook/tags.ts';
import { UndefinedVariableError, renderValue } from '../playbook/template.ts';
import { moduleKeyPosition } from '../playbook/module-position.ts';
import type { Play, Playbook } from '../playbook/types.ts';
import type { PlayHost } from '../modules/module.ts';
import { parseExtraVars } from '../playbook/vars.ts';
import { playHostsVars, type VarSources } from './host-vars.ts';
import { resolveInvocation, type Invocation } from './invocation.ts';
import { NO_LOG_MESSAGE } from './no-log.ts';
import { resolveConnectionSpec } from './host-connections.ts';
import { runtimeNames } from './runtime-names.ts';
import { taskSearchPath } from './search-path.ts';
import { trackDerivedSecrets } from './secret-derive.ts';
import { SecretMasker, maskError, secretsFromVars } from './secrets.ts';
import { VaultKeyring } from '../vault/keyring.ts';

export interface PrepareOptions {
  playbookFile: string;
  inventorySources: string[];
  extraVarArgs: string[];
  tags?: string[];
  skipTags?: string[];
  withNeeds?: boolean;
  limit?: string;
  modulesDirs?: string[];
  /** Where roles are found after the playbook's roles/; absent: ANSIBLE_ROLES_PATH or Ansible's default. */
  rolesPath?: string[];
  /** The vault passwords given (--vault-id & co); every file and value it decrypts is a secret. */
  vault?: VaultKeyring;
  cwd: string;
}

/** A play that will not run, and why, in Ansible's words. */
export interface SkippedPlay {
  playIndex: number;
  name: string;
  reason: string;
}

/** A run with every input read and checked, before any host is contacted. */
export interface PreparedRun {
  inventory: Inventory;
  playbook: Playbook;
  extraVars: Vars;
  registry: ModuleRegistry;
  /** The plays that run, in order. */
  graphs: PlayGraph[];
  /** Plays --limit left without hosts: Ansible skips them ("skipping: no hosts matched"). */
  skippedPlays: SkippedPlay[];
  masker: SecretMasker;
  /** The run's vault passwords, for what tasks read later (include_vars): its plaintexts reach the masker. */
  vault: VaultKeyring;
}

/**
 * Reads the inventory, the playbook and the extra vars, selects hosts and tasks, builds every
 * play's graph and checks each task's module and params for each host. Anything wrong is an
 * InputError with its position, raised here — before anything on any host has changed.
 */
export async function prepareRun(options: PrepareOptions): Promise<PreparedRun> {
  const vault = options.vault ?? new VaultKeyring();
  const [inventory, playbook, extraVars] = await Promise.all([
    loadInventory(options.inventorySources, { vault }),
    loadPlaybook(options.playbookFile, { rolesPath: options.rolesPath?.map((dir) => resolve(options.cwd, dir)), vault }),
    parseExtraVars(options.extraVarArgs, options.cwd, vault),
  ]);
  const masker = new SecretMasker();
  // A value from Vault is a secret: those read so far, and any a task decrypts later.
  vault.onPlaintext((plaintext) => masker.add(plaintext));
  // The passwords themselves too: a task could read a password file (lookup('file', ...)).
  for (const secret of vault.secrets) masker.add(secret.password.toString('utf8'));
  for (const secret of secretsFromVars(extraVars)) masker.add(secret);
  for (const host of inventory.hosts.values()) for (const secret of secretsFromVars(host.vars)) masker.add(secret);

  const modulesDirs = [...(options.modulesDirs ?? []), ...playbook.plays.flatMap((play) => play.modules)];
  const registry = createModuleRegistry(modulesDirs);
  const graphs: PlayGraph[] = [];
  const skippedPlays: SkippedPlay[] = [];
  const limited = options.limit === undefined ? undefined : new Set(limitHosts(inventory, options.limit));
  if (limited && limited.size === 0) {
    throw new InputError(`--limit '${options.limit}' matches no host in inventory ${inventory.source}`);
  }
  for (const [playIndex, play] of playbook.plays.entries()) {
    for (const secret of secretsFromVars(play.vars)) masker.add(secret);
    const patternHosts = selectHosts(inventory, playPattern(play, extraVars), play.position);
    const hosts = limited ? patternHosts.filter((host) => limited.has(host)) : patternHosts;
    if (hosts.length === 0) {
      // Its tasks are still checked for unknown modules: a limit does not hide a broken play.
      await resolveModules(registry, play);
      skippedPlays.push({ playIndex, name: play.name, reason: 'no hosts matched' });
      continue;
    }
    const selected = selectTasks(play.tasks, { tags: options.tags, skipTags: options.skipTags });
    // Facts are gathered only when something the play evaluates reads one (src/facts/reads.ts).
    const hostVars = new Map(hosts.map((host) => [host, inventory.hosts.get(host)?.vars]));
    const facts = playFactsDecision(play, { selected, hostVars, searchPath: (task) => taskSearchPath(play, task) });
    const graph = { ...buildPlayGraph(playIndex, play, hosts, { selected, withNeeds: options.withNeeds, facts }), patternHosts };
    await checkTasks(registry, inventory, extraVars, graph, masker);
    // A connection variable whose template fails is bad input now, not a failed task later.
    for (const host of graph.hosts) resolveConnectionSpec({ inventory, extraVars }, graph, host);
    graphs.push(graph);
  }
  // Ansible would run nothing and exit 0 here; a limit that runs no play at all is a mistake.
  if (limited && graphs.length === 0) {
    const shown = [...limited].slice(0, 10).join(', ') + (limited.size > 10 ? ` and ${limited.size - 10} more` : '');
    throw new InputError(`--limit '${options.limit}' matches no host of any play (it selects ${shown})`);
  }
  return { inventory, playbook, extraVars, registry, graphs, skippedPlays, masker, vault };
}

/**
 * The play's host pattern, templated as Ansible does before it selects hosts: with the play's
 * vars and the extra vars (`hosts: "{{ target | default('redis') }}"`, `-e target=web`); a list
 * joins into one pattern.
 */
function playPattern(play: Play, extraVars: Vars): string {
  const rendered = renderValue(play.hosts, { ...play.vars, ...extraVars }, play.position);
  return Array.isArray(rendered) ? rendered.join(':') : String(rendered);
}

/** Every task's module exists (an unknown one is an InputError at the module key). */
async function resolveModules(registry: ModuleRegistry, play: Play): Promise<void> {
  for (const task of [...play.rollback, ...play.handlers, ...play.tasks]) {
    await registry.get(task.module, moduleKeyPosition(task));
  }
}

/**
 * Resolves every task's module and validates its params for every host it runs on. A param
 * that depends on a `register:` result, a set_fact or include_vars variable (runtime-names.ts),
 * a fact (gathered when the play runs) or the loop variable cannot be known yet and is checked when the task runs; any other
 * undefined variable is an error now.
 */
async function checkTasks(registry: ModuleRegistry, inventory: Inventory, extraVars: Vars, graph: PlayGraph, masker: SecretMasker): Promise<void> {
  const play = graph.play;
  // register:, set_fact and include_vars names have values only once the run sets them.
  const runtime = runtimeNames(play);
  // Nothing is registered yet: a param that needs a result is deferred to the run. What vars and
  // params derive from secrets is learnt here too, and a refusal is masked with all the run knows.
  const sources: VarSources = { inventory, extraVars, onRender: (source, vars) => trackDerivedSecrets(masker, source, vars) };
  let playHosts: PlayHost[] | undefined;
  // As the run's TaskContext.play: only modules that plan across hosts (redis topology) read it.
  const playView = {
    get hosts() {
      return (playHosts ??= playHostsVars(sources, graph));
    },
  };
  await resolveModules(registry, play);
  for (const node of graph.nodes.values()) {
    const task = node.task;
    const module = await registry.get(task.module, moduleKeyPosition(task));
    // A no_log task's refusal keeps its place but not its text: its params may hold what it hides.
    const deferred = (cause: unknown, hidden = false) => {
      if (cause instanceof UndefinedVariableError && (runtime.any || runtime.names.has(cause.variable) || cause.variable === task.loopVar || factReadIn(cause.variable))) return;
      if (hidden) throw new InputError(NO_LOG_MESSAGE, (cause instanceof InputError ? cause.position : undefined) ?? moduleKeyPosition(task));
      throw maskError(cause, masker);
    };
    let invocation: Invocation;
    try {
      invocation = resolveInvocation(graph, node, sources, module, masker);
    } catch (error) {
      deferred(error);
      continue;
    }
    // Skipped as things stand (`when: x is defined`): its params may rely on the condition,
    // so they are checked if and when it runs.
    if (invocation.kind === 'skip') continue;
    const position = moduleKeyPosition(task);
    const searchPath = taskSearchPath(play, task);
    for (const item of invocation.items) {
      try {
        await module.preflight?.({ host: { name: node.host, vars: item.vars }, baseDir: play.baseDir, searchPath, play: playView }, item.params);
      } catch (error) {
        // A module's own refusal without a position points at its task.
        deferred(error instanceof InputError && !error.position ? new InputError(error.message, position, { cause: error }) : error, item.noLog);
      }
    }
  }
}

