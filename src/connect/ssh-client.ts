// Opens one authenticated ssh2 Client to a host: known_hosts verification, credentials, keepalive
// and a hard connect deadline, with every failure turned into a ConnectError/HostKeyError that
// names the host and says why, fast.
import { Client, type ServerHostKeyAlgorithm } from 'ssh2';
import { ConnectError, HostKeyError } from '../errors.ts';
import type { ConnectionSpec } from '../inventory/types.ts';
import { loadKnownHosts, verifyHostKey, type HostKeyChecking, type KnownHostsSource } from './host-key-policy.ts';
import { knownKeyTypes } from './known-hosts.ts';
import { planAuth } from './ssh-auth.ts';

export interface SshClientOptions {
  knownHosts: KnownHostsSource;
  hostKeyChecking: HostKeyChecking;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
}

/** ssh2's default order; the types known_hosts holds for the host are moved to the front. */
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export function preferredHostKeyAlgorithms(knownTypes: readonly string[]): ServerHostKeyAlgorithm[] {
  const preferred = knownTypes.flatMap((type) =>
    type === 'ssh-rsa' ? (['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] as const) : HOST_KEY_ALGORITHMS.filter((a) => a === type),
  );
  return [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])];
}

export async function openSshClient(hostName: string, spec: ConnectionSpec, options: SshClientOptions): Promise<Client> {
  const username = spec.user ?? process.env.USER ?? 'root';
  const auth = await planAuth(hostName, username, spec.privateKeyFile);
  const knownHosts = await loadKnownHosts(options.knownHosts);
  const knownTypes = knownHosts.flatMap(({ entries }) => knownKeyTypes(entries, spec.address, spec.port));
  const target = `${username}@${spec.address}:${spec.port}`;

  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    let hostKeyError: HostKeyError | null = null;
    let settled = false;
    const fail = (error: ConnectError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      client.removeAllListeners('ready');
      client.on('error', () => undefined); // late socket errors after we gave up are expected
      client.end();
      client.destroy();
      reject(error);
    };
    // ssh2's readyTimeout covers the handshake; this also covers a TCP connect that never answers.
    const deadline = setTimeout(
      () => fail(new ConnectError(hostName, `timed out after ${options.connectTimeoutMs} ms connecting to ${target}`)),
      options.connectTimeoutMs,
    );

    client.once('ready', () => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(client);
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      fail(hostKeyError ?? describeConnectError(hostName, target, error, auth.offered));
    });
    client.once('close', () => fail(new ConnectError(hostName, `connection to ${target} closed during setup`)));

    try {
      client.connect({
        host: spec.address,
        port: spec.port,
        username,
        authHandler: auth.methods,
        readyTimeout: options.connectTimeoutMs,
        keepaliveInterval: options.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        algorithms: { serverHostKey: preferredHostKeyAlgorithms(knownTypes) },
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          verifyHostKey({ hostName, address: spec.address, port: spec.port, key, mode: options.hostKeyChecking, knownHosts, source: options.knownHosts })
            .then((error) => {
              hostKeyError = error;
              verify(error === null);
            })
            .catch((error: unknown) => {
              hostKeyError = new HostKeyError(hostName, `cannot verify host key: ${(error as Error).message}`);
              verify(false);
            });
        },
      });
    } catch (error) {
      fail(new ConnectError(hostName, `cannot connect to ${target}: ${(error as Error).message}`, { cause: error }));
    }
  });
}

function describeConnectError(hostName: string, target: string, error: Error & { level?: string; code?: string }, offered: string[]): ConnectError {
  const reason = (() => {
    switch (error.code) {
      case 'ECONNREFUSED':
        return `connection refused by ${target} (is sshd running on that port?)`;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `no route to ${target}`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `cannot resolve address of ${target}`;
      case 'ETIMEDOUT':
        return `timed out connecting to ${target}`;
    }
    if (error.level === 'client-authentication') return `authentication failed for ${target} (offered: ${offered.join(', ')})`;
    if (error.level === 'client-timeout') return `timed out during the SSH handshake with ${target}`;
    return `cannot connect to ${target}: ${error.message}`;
  })();
  return new ConnectError(hostName, reason, { cause: error });
}
