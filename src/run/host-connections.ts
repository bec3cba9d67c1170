import type { Connection } from '../connect/connection.ts';
import { ConnectionPool, type OpenOptions } from '../connect/open.ts';
import { InputError } from '../errors.ts';
import { CONNECTION_VARIABLES, connectionSpecFor } from '../inventory/connection-spec.ts';
import type { ConnectionSpec } from '../inventory/types.ts';
import type { Play } from '../playbook/types.ts';
import { hostVarsFor, withPlayConnection, type VarSources } from './host-vars.ts';

/** What connection specs are resolved from: the inventory and the extra vars. */
export type ConnectionVarSources = Pick<VarSources, 'inventory' | 'extraVars'>;

/** The play a connection is for: its vars, and its hosts (for the magic variables). */
export interface PlayScope {
  playIndex: number;
  play: Play;
  hosts: string[];
}

/**
 * How to reach `host` in a play, from its variables as Ansible sees them: inventory, play vars
 * and extra vars merged with Ansible's precedence (extra vars win) and templated, so
 * `-e ansible_user=ops`, a play's `ansible_port` and `ansible_host: "{{ lookup('env', 'X') }}"`
 * all reach the connection. Results registered by tasks are left out: the connection of a host
 * is the same for the whole play. A host the inventory does not list has the vars Ansible gives
 * it (unlisted-hosts.ts): the implicit localhost is local, any other name (a delegate_to) is
 * reached over SSH by its name. A connection variable whose template fails is bad input naming
 * the host.
 */
export function resolveConnectionSpec(sources: ConnectionVarSources, scope: PlayScope, host: string): ConnectionSpec {
  const fail = (detail: string, cause: unknown) => new InputError(`host ${host}: ${detail}`, undefined, { cause });
  let resolved: ReturnType<typeof hostVarsFor>;
  try {
    resolved = hostVarsFor({ inventory: sources.inventory, extraVars: sources.extraVars }, scope.play, scope.hosts, host);
  } catch (error) {
    throw fail(`cannot resolve its variables: ${(error as Error).message}`, error);
  }
  for (const name of CONNECTION_VARIABLES) {
    const error = resolved.unresolved.get(name);
    if (error) throw fail(`${name}: ${error.message}`, error);
  }
  return connectionSpecFor({ name: host, vars: withPlayConnection(scope.play, resolved.vars) });
}

/**
 * The run's connections: one per host and connection spec, so every task of a play on a host
 * shares one SSH client, and a later play whose vars give the host another user, port or become
 * user gets a connection of its own. Plays run one after another; `enterPlay` says which one
 * the next connections are for.
 */
export class RunConnections {
  /** Pools by connection spec (each keyed by host inside). */
  private readonly pools = new Map<string, ConnectionPool>();
  private readonly specs = new Map<string, ConnectionSpec>();
  private scope: PlayScope | undefined;

  constructor(
    private readonly sources: ConnectionVarSources,
    private readonly options: OpenOptions,
  ) {}

  enterPlay(scope: PlayScope): void {
    this.scope = scope;
  }

  /** The host's connection for the current play, connected (rejects with ConnectError or InputError). */
  async connected(hostName: string): Promise<Connection> {
    if (!this.scope) throw new Error('RunConnections: no play entered');
    const specKey = `${this.scope.playIndex}\0${hostName}`;
    let spec = this.specs.get(specKey);
    if (!spec) {
      spec = resolveConnectionSpec(this.sources, this.scope, hostName);
      this.specs.set(specKey, spec);
    }
    const poolKey = JSON.stringify(spec);
    let pool = this.pools.get(poolKey);
    if (!pool) {
      pool = new ConnectionPool(this.options);
      this.pools.set(poolKey, pool);
    }
    return pool.connected(hostName, spec);
  }

  async closeAll(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.closeAll()));
  }
}
