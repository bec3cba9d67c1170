import type { FileChange } from '../modules/module.ts';

/** How one (task, host) node ended. */
export type NodeStatus = 'ok' | 'changed' | 'failed' | 'blocked' | 'skipped' | 'unreachable';

export interface NodeRef {
  /** Graph node id: `<task id>@<host>`, or `<task id>` for run_once; unique within its play (`playIndex`). */
  nodeId: string;
  playIndex: number;
  taskId: string;
  taskName: string;
  module: string;
  /** The host the node runs on (for run_once: the one chosen). */
  host: string;
}

/**
 * Everything execution says, as data. The scheduler emits; reporters listen (lage's split):
 * execution code never prints.
 */
export type RunEvent =
  | { type: 'run-start'; playbook: string; checkMode: boolean; hosts: string[]; nodes: number }
  /**
   * `skipped`: the play does not run, and why (Ansible's "skipping: no hosts matched"). `facts`:
   * whether the play gathers its hosts' facts, and why ("gathering facts: ... read by task X at f:3").
   */
  | { type: 'play-start'; playIndex: number; name: string; hosts: string[]; skipped?: string; facts?: string }
  | { type: 'node-start'; node: NodeRef }
  | { type: 'node-log'; node: NodeRef; level: 'info' | 'warn'; message: string }
  | {
      type: 'node-end';
      node: NodeRef;
      status: NodeStatus;
      /** Why: the plan's description, the skip reason, the error message, the blocking node. */
      message?: string;
      /** In --check: the change that would be made. */
      planned?: boolean;
      /** "would run (after: X)" in --check when the input depends on an earlier planned change. */
      after?: string[];
      files?: FileChange[];
      /** The result the task shows as it is (debug, assert unless quiet), as Ansible's `ok: [host] => {...}`. */
      result?: Record<string, unknown>;
      /** Needs that were not selected by --tags and were taken as satisfied. */
      assumedNeeds?: string[];
      ignoredError?: boolean;
      /** Not counted in the recap (Ansible neither shows nor counts it): a rescue not needed, a handler not notified. */
      uncounted?: boolean;
      /** The host's recap counts with this node counted, as the run tallies them (set by the run's recap collector). */
      hostRecap?: HostRecap;
      durationMs: number;
    }
  /** A block's rescue passed on a host: its failed tasks count as rescued, not failed (Ansible's recap). */
  | { type: 'block-rescued'; playIndex: number; host: string; block: string; failedNodes: string[]; blockedNodes?: string[] }
  | { type: 'rollback-start'; reason: string }
  | { type: 'rollback-node'; node: NodeRef; status: 'rolled-back' | 'failed' | 'refused'; message?: string }
  | { type: 'run-end'; recap: Recap; exitCode: number; aborted: boolean; durationMs: number };

/** Ansible's PLAY RECAP columns per host: one per node status, `rescued` blocks, and changes `undone` by rollback. */
export type HostRecap = Record<NodeStatus | 'rescued' | 'undone', number>;
export type Recap = Record<string, HostRecap>;

export interface RunEventSink {
  emit(event: RunEvent): void;
}
