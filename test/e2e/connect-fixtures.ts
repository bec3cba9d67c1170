// Shared by the connect e2e tests: connections to the lab's hosts as root and as the sudo user.
import { afterAll, inject } from 'vitest';
import type { Connection } from '../../src/connect/connection.ts';
import { openConnection, type OpenOptions } from '../../src/connect/open.ts';
import type { ConnectionSpec } from '../../src/inventory/types.ts';
import type { LabDescription, LabHost } from '../lab/lab.ts';

export function lab(): LabDescription {
  return inject('lab');
}

export function labHost(index: number): LabHost {
  const host = lab().hosts[index];
  if (!host) throw new Error(`the lab has no host #${index + 1}; set PLAYGRAPH_LAB_HOSTS`);
  return host;
}

export function labSpec(host: LabHost, overrides: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return { kind: 'ssh', address: host.address, port: 22, user: 'root', privateKeyFile: lab().privateKeyFile, become: false, ...overrides };
}

export function sshTo(host: LabHost, spec: Partial<ConnectionSpec> = {}, options: OpenOptions = {}): Connection {
  return openConnection(host.name, labSpec(host, spec), { knownHostsFile: lab().knownHostsFile, ...options });
}

/** Every process's command line on the machine (lab hosts share the controller's pid namespace). */
export async function allCommandLines(): Promise<string> {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
}

/** Returns `track`, which remembers a connection so it is closed after the file's tests. */
export function closeAfterAll(): (connection: Connection) => Connection {
  const opened: Connection[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
  });
  return (connection) => {
    opened.push(connection);
    return connection;
  };
}
