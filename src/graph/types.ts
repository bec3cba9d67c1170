import type { FactsDecision } from '../facts/reads.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';

export type TaskSection = 'tasks' | 'handlers';

/** One node of the graph: a task on a host, or a run_once task once for the play. */
export interface GraphNode {
  /**
   * `<task id>@<host>`, or `<task id>` for run_once (play-local; plays run one after another). A
   * handler run at a second or later flush point is `<id>#<n>@<host>`.
   */
  id: string;
  task: TaskSpec;
  section: TaskSection;
  /** The host the node runs on. For run_once: the first host of the play, as Ansible picks. */
  host: string;
  runOnce: boolean;
  /** Needs of this task that --tags left out and that were taken as satisfied (task ids). */
  assumedNeeds: string[];
  /** For handlers: the nodes whose change notifies this one. */
  notifiedBy: string[];
  /** For handlers: the flush point this instance runs at (see TaskSpec.flushGroup). */
  flushGroup?: number;
}

/** The structure of one play: nodes and `[before, after]` edges as p-graph takes them. */
export interface PlayGraph {
  playIndex: number;
  play: Play;
  hosts: string[];
  /** Every host the play's pattern matched, before --limit (defaults to `hosts`). */
  patternHosts?: string[];
  nodes: Map<string, GraphNode>;
  edges: [string, string][];
  /**
   * Edges that only order, never block: `strategy: linear`'s "every host finishes a task before
   * any host starts the next" (a failure on one host does not stop the others).
   */
  orderEdges?: [string, string][];
  /** Whether the play gathers its hosts' facts, and why (the plan says it). */
  facts?: FactsDecision;
}
