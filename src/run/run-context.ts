import type { Connection } from '../connect/connection.ts';
import type { Inventory, Vars } from '../inventory/types.ts';
import type { ModuleRegistry } from '../modules/registry.ts';
import type { VarSources } from './host-vars.ts';
import type { RunLedger } from './ledger.ts';
import { trackDerivedSecrets } from './secret-derive.ts';
import type { SecretMasker } from './secrets.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import type { RunEventSink } from './events.ts';

/**
 * What the nodes of one run share: the options, read-only, made by executeRun for each run;
 * and the run's mutable state, which sits in `ledger` and is written only through its methods.
 */
export interface RunContext {
  readonly inventory: Inventory;
  readonly extraVars: Vars;
  readonly checkMode: boolean;
  readonly diff: boolean;
  /** Ansible's -v count (0 without -v): debug's `verbosity` threshold compares with it. */
  readonly verbosity: number;
  readonly registry: ModuleRegistry;
  readonly sink: RunEventSink;
  readonly masker: SecretMasker;
  /** The run's vault passwords: vars files read while it runs (include_vars) decrypt with them. */
  readonly vault?: VaultKeyring;
  readonly signal: AbortSignal;
  /** The run's one connection per host and connection spec (connected on first use; a failure is a ConnectError). */
  connect(hostName: string): Promise<Connection>;
  readonly ledger: RunLedger;
  /** Module-owned state shared by every node (TaskContext.runState): the modules' own, not the run's. */
  readonly runState: Map<string, unknown>;
}

/** The variable sources of a running play: the inventory, the extra vars and what the run learnt so far (facts, include_vars, set_fact, registered). */
export function runVarSources(run: RunContext): VarSources {
  const { ledger } = run;
  return {
    inventory: run.inventory,
    extraVars: run.extraVars,
    registeredFor: (host) => ledger.registeredFor(host),
    hostFactsFor: (host) => ledger.hostFactsFor(host),
    includedVarsFor: (host) => ledger.includedVarsFor(host),
    onRender: (source, vars) => trackDerivedSecrets(run.masker, source, vars),
  };
}
