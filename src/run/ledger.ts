import type { ExecScope } from './task-connection.ts';
import type { Vars } from '../inventory/types.ts';

/** A module change this run applied, with the invocation it was applied with, so a failed play can undo it. */
export interface AppliedChange {
  nodeId: string;
  /** The host the change was made on (the delegated host, if any). */
  host: string;
  module: string;
  params: unknown;
  /** The vars, become, environment and become user of the invocation that applied it: an undo runs as the apply ran. */
  vars: Vars;
  become: boolean;
  scope: ExecScope;
  rollbackState: unknown;
}

/**
 * The run's mutable state, in one place and behind methods: per host the results registered and
 * set_fact variables, the facts and the include_vars variables; the
 * nodes that changed (handlers and --check's "after" read them), the planned changes each node's
 * input waits on in --check, the changes applied (for a play's undo), the hosts found
 * unreachable and the plays meta: end_host / end_play ended. Nodes write it only through these methods, so each rule lives here once.
 */
export class RunLedger {
  private readonly registered = new Map<string, Vars>();
  private readonly facts = new Map<string, Vars>();
  private readonly included = new Map<string, Vars>();
  private readonly changed = new Set<string>();
  private readonly pending = new Map<string, string[]>();
  private readonly applied: AppliedChange[] = [];
  private readonly unreachable = new Map<string, string>();
  private readonly endedHosts = new Set<string>();
  private readonly endedPlays = new Set<number>();

  /** `register: name` on `host`: later tasks of that host see `name`. */
  register(host: string, name: string, result: Vars): void {
    this.setFacts(host, { [name]: result });
  }

  /**
   * set_fact on `host`: the same level as `register:` (Ansible's nonpersistent fact cache holds
   * both), so the later of the two wins; shallow, a dict replaces the old value whole.
   */
  setFacts(host: string, vars: Vars): void {
    this.registered.set(host, { ...this.registered.get(host), ...vars });
  }

  /** The results registered and the set_fact variables of `host` so far, by name (a copy: callers cannot write through it). */
  registeredFor(host: string): Vars {
    return { ...(this.registered.get(host) ?? {}) };
  }

  /**
   * Facts of `host` (setup, gather_facts, a module's `ansible_facts`), keyed as the module
   * returned them (`ansible_distribution`); merged shallowly into those known, as Ansible's
   * set_host_facts. Variables show them as `ansible_facts.<name>` and `ansible_<name>`.
   */
  setHostFacts(host: string, facts: Vars): void {
    this.facts.set(host, { ...this.facts.get(host), ...facts });
  }

  /** The facts of `host` so far (a copy). */
  hostFactsFor(host: string): Vars {
    return { ...(this.facts.get(host) ?? {}) };
  }

  /** include_vars on `host`: above task vars, below set_fact and registered results. */
  setIncludedVars(host: string, vars: Vars): void {
    this.included.set(host, { ...this.included.get(host), ...vars });
  }

  /** What include_vars loaded for `host` so far (a copy). */
  includedVarsFor(host: string): Vars {
    return { ...(this.included.get(host) ?? {}) };
  }

  /** A node changed something (or, in --check, would). */
  markChanged(nodeId: string): void {
    this.changed.add(nodeId);
  }

  hasChanged(nodeId: string): boolean {
    return this.changed.has(nodeId);
  }

  /** A handler is pending when any node that notifies it changed. */
  handlerNotified(notifiedBy: readonly string[]): boolean {
    return notifiedBy.some((nodeId) => this.changed.has(nodeId));
  }

  /**
   * In --check: the nearest planned changes upstream of a node, from its dependencies (a planned
   * dependency itself, or what an unchanged dependency was itself waiting on), remembered for the
   * node's own dependents.
   */
  plannedUpstream(nodeId: string, dependencyIds: readonly string[]): string[] {
    const after = [...new Set(dependencyIds.flatMap((dep) => (this.changed.has(dep) ? [dep] : (this.pending.get(dep) ?? []))))];
    this.pending.set(nodeId, after);
    return after;
  }

  recordApplied(change: AppliedChange): void {
    this.applied.push(change);
  }

  /** A mark to give appliedSince later: how many changes were applied until now. */
  appliedMark(): number {
    return this.applied.length;
  }

  /** The changes applied since `mark`, newest first (the order to undo them in). */
  appliedSince(mark: number): AppliedChange[] {
    return this.applied.slice(mark).reverse();
  }

  /** meta: end_host: the play `playIndex` is over for `host` (not failed). */
  endHost(playIndex: number, host: string): void {
    this.endedHosts.add(`${playIndex}\0${host}`);
  }

  /** meta: end_play: the play `playIndex` is over for every host, later batches included. */
  endPlay(playIndex: number): void {
    this.endedPlays.add(playIndex);
  }

  /** Why no further node of play `playIndex` runs on `host`, or undefined while they do. */
  endedReason(playIndex: number, host: string): string | undefined {
    if (this.endedPlays.has(playIndex)) return 'play ended by meta: end_play';
    if (this.endedHosts.has(`${playIndex}\0${host}`)) return `play ended for ${host} by meta: end_host`;
    return undefined;
  }

  playEnded(playIndex: number): boolean {
    return this.endedPlays.has(playIndex);
  }

  markUnreachable(host: string, reason: string): void {
    this.unreachable.set(host, reason);
  }

  /** Why `host` was found unreachable, or undefined while it is not. */
  unreachableReason(host: string): string | undefined {
    return this.unreachable.get(host);
  }
}
