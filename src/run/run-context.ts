import type { Connection } from '../connect/connection.ts';
import type { Inventory, Vars } from '../inventory/types.ts';
import type { ModuleRegistry } from '../modules/registry.ts';
import type { SecretMasker } from './secrets.ts';
import type { RunEventSink } from './events.ts';

/** A module change this run applied, kept so a failed play can roll it back in reverse order. */
export interface AppliedChange {
  nodeId: string;
  host: string;
  module: string;
  params: unknown;
  rollbackState: unknown;
}

/** Everything the nodes of one run share. Built once by runPlaybook; nodes only read the options. */
export interface RunContext {
  inventory: Inventory;
  extraVars: Vars;
  checkMode: boolean;
  diff: boolean;
  registry: ModuleRegistry;
  sink: RunEventSink;
  masker: SecretMasker;
  signal: AbortSignal;
  /** The run's one connection per host (connected on first use; a failure is a ConnectError). */
  connect(hostName: string): Promise<Connection>;
  /** `register:` results per host. */
  registered: Map<string, Vars>;
  /** Module-owned state shared by every node (TaskContext.runState). */
  runState: Map<string, unknown>;
  /** Nodes that changed (or in --check would change), by node id: handlers read this. */
  changedNodes: Set<string>;
  /** In --check: for each node, the earlier planned changes its input waits on. */
  pendingAfter: Map<string, string[]>;
  applied: AppliedChange[];
  /** Hosts found unreachable; their later nodes fail fast as unreachable. */
  unreachable: Map<string, string>;
}
