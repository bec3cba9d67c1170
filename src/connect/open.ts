// Chooses and configures the Connection for a host from its ConnectionSpec, and keeps one per
// host for a run so every task on a host shares its SSH client.
import type { ConnectionSpec } from '../inventory/types.ts';
import type { Connection } from './connection.ts';
import { hostKeyCheckingFromEnv, knownHostsFrom, type HostKeyChecking } from './host-key-policy.ts';
import { LocalConnection } from './local.ts';
import { DEFAULT_MAX_CHANNELS, SshConnection } from './ssh.ts';

export interface OpenOptions {
  /** known_hosts to check against (and record into for accept-new); default ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** Default 'strict' (Ansible's host_key_checking=True); ANSIBLE_HOST_KEY_CHECKING=False gives 'off'. */
  hostKeyChecking?: HostKeyChecking;
  connectTimeoutMs?: number;
  /** Session channels per SSH connection (default 8, below OpenSSH's MaxSessions of 10). */
  maxChannels?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const KEEPALIVE_INTERVAL_MS = 15_000;

/** Creates the connection; it does not connect yet (the caller calls `connect()`). */
export function openConnection(hostName: string, spec: ConnectionSpec, options: OpenOptions = {}): Connection {
  if (spec.kind === 'local') return new LocalConnection(hostName, spec);
  return new SshConnection(hostName, spec, {
    knownHosts: knownHostsFrom(options.knownHostsFile),
    hostKeyChecking: options.hostKeyChecking ?? hostKeyCheckingFromEnv() ?? 'strict',
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepaliveIntervalMs: KEEPALIVE_INTERVAL_MS,
    maxChannels: options.maxChannels ?? DEFAULT_MAX_CHANNELS,
  });
}

/** One Connection per host for the length of a run; `closeAll` at the end. */
export class ConnectionPool {
  private readonly connections = new Map<string, Connection>();

  constructor(private readonly options: OpenOptions = {}) {}

  /** The host's connection, created on first request (not yet connected). */
  get(hostName: string, spec: ConnectionSpec): Connection {
    let connection = this.connections.get(hostName);
    if (!connection) {
      connection = openConnection(hostName, spec, this.options);
      this.connections.set(hostName, connection);
    }
    return connection;
  }

  /** Connected on first request: rejects with ConnectError/HostKeyError naming the host. */
  async connected(hostName: string, spec: ConnectionSpec): Promise<Connection> {
    const connection = this.get(hostName, spec);
    await connection.connect();
    return connection;
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.allSettled(all.map((connection) => connection.close()));
  }
}
