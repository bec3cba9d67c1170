// Connection failures must be fast, typed and name the host: changed or unknown host keys,
// wrong credentials, nothing listening, nothing answering.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connect/connection.ts';
import { hashHostName } from '../../src/connect/known-hosts.ts';
import { ConnectionPool, openConnection } from '../../src/connect/open.ts';
import { ConnectError, HostKeyError } from '../../src/errors.ts';
import { closeAfterAll, lab, labHost, labSpec, sshTo } from './connect-fixtures.ts';

const track = closeAfterAll();

async function scratch(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'pg-connect-'));
}

/** server N's host key line as the lab recorded it: "address,name type base64". */
async function recordedKey(index: number): Promise<{ type: string; key: string }> {
  const lines = (await readFile(lab().knownHostsFile, 'utf8')).trim().split('\n');
  const [, type, key] = lines.find((l) => l.startsWith(`${labHost(index).address},`))!.split(' ');
  return { type, key };
}

async function connectError(connection: Connection): Promise<{ error: unknown }> {
  const error = await connection.connect().then(() => null, (e: unknown) => e);
  return { error };
}

/** The ssh2 or socket error a ConnectError was made from. */
function causeOf(error: unknown): { level?: string; code?: string } {
  return ((error as Error).cause ?? {}) as { level?: string; code?: string };
}

/**
 * Long enough that a connect that waited for its timer instead of the server's answer would run
 * into the test's own timeout: the error below must come from what the server said.
 */
const PATIENT = { connectTimeoutMs: 600_000 };

describe('host keys', () => {
  it('refuses a CHANGED host key with HostKeyError naming host, port and the known_hosts line', async () => {
    const file = path.join(await scratch(), 'known_hosts');
    const other = await recordedKey(1); // server2's key recorded for server1's address
    await writeFile(file, `# lab\n${labHost(0).address} ${other.type} ${other.key}\n`);
    for (const hostKeyChecking of ['strict', 'accept-new', 'off'] as const) {
      const { error } = await connectError(track(sshTo(labHost(0), {}, { knownHostsFile: file, hostKeyChecking })));
      expect(error).toBeInstanceOf(HostKeyError);
      const message = (error as Error).message;
      expect(message).toContain(labHost(0).name);
      expect(message).toContain(`${labHost(0).address} port 22`);
      expect(message).toContain(`${file}:2`);
    }
  });

  it('strict: refuses an unknown host and says which ssh-keyscan line to run', async () => {
    const file = path.join(await scratch(), 'known_hosts');
    await writeFile(file, '');
    const { error } = await connectError(track(sshTo(labHost(0), {}, { knownHostsFile: file, hostKeyChecking: 'strict' })));
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as Error).message).toContain(`ssh-keyscan -p 22 -t ssh-ed25519 ${labHost(0).address} >> ${file}`);
  });

  it('accept-new: records an unknown host, then trusts exactly that key', async () => {
    const file = path.join(await scratch(), 'known_hosts');
    const connection = track(sshTo(labHost(0), {}, { knownHostsFile: file, hostKeyChecking: 'accept-new' }));
    await connection.connect();
    const { type, key } = await recordedKey(0);
    expect(await readFile(file, 'utf8')).toBe(`${labHost(0).address} ${type} ${key}\n`);
    expect((await connection.exec(['true'])).code).toBe(0);
  });

  it('accepts a hashed known_hosts entry (ssh-keygen -H)', async () => {
    const file = path.join(await scratch(), 'known_hosts');
    const { type, key } = await recordedKey(2);
    await writeFile(file, `${hashHostName(labHost(2).address, randomBytes(20))} ${type} ${key}\n`);
    const connection = track(sshTo(labHost(2), {}, { knownHostsFile: file, hostKeyChecking: 'strict' }));
    await connection.connect();
    expect((await connection.exec(['hostname'])).stdout).toBe(`${labHost(2).name}\n`);
  });
});

describe('connect failures', () => {
  it('a wrong private key fails on sshd\'s refusal (not a timer) with ConnectError naming the host', async () => {
    const keyFile = path.join(await scratch(), 'wrong_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const { error } = await connectError(track(sshTo(labHost(0), { privateKeyFile: keyFile }, PATIENT)));
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).not.toBeInstanceOf(HostKeyError);
    expect((error as Error).message).toMatch(new RegExp(`^${labHost(0).name}: authentication failed for root@${labHost(0).address}:22 \\(offered: `));
    expect(causeOf(error).level).toBe('client-authentication');
  });

  it('a missing private key file fails with ConnectError naming the file', async () => {
    const { error } = await connectError(track(sshTo(labHost(0), { privateKeyFile: '/nonexistent/pg_key' })));
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toContain('/nonexistent/pg_key');
  });

  it('a port nothing listens on fails on the refusal (not a timer) with ConnectError naming the host', async () => {
    const { error } = await connectError(track(sshTo(labHost(0), { port: 2222 }, PATIENT)));
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toBe(`${labHost(0).name}: connection refused by root@${labHost(0).address}:2222 (is sshd running on that port?)`);
    expect(causeOf(error).code).toBe('ECONNREFUSED');
  });

  it('an address nobody answers on times out at the connect timeout, which the message names', async () => {
    const address = lab().network.unusedAddress;
    const connection = track(openConnection('ghost', { ...labSpec(labHost(0)), address }, { knownHostsFile: lab().knownHostsFile, connectTimeoutMs: 1000 }));
    const { error } = await connectError(connection);
    expect(error).toBeInstanceOf(ConnectError);
    // Either timer may fire first: ours (TCP connect never answered) or ssh2's readyTimeout, both set from connectTimeoutMs.
    expect((error as Error).message).toMatch(new RegExp(`^ghost: timed out (after 1000 ms connecting to|during the SSH handshake with) root@${address.replace(/\./g, '\\.')}:22$`));
  });
});

describe('a dropped connection', () => {
  /** Kills the per-connection sshd processes on a host (not its listener): the link drops. */
  function dropSshSessions(index: number): void {
    const pids = execFileSync('ip', ['netns', 'pids', labHost(index).netns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
    for (const pid of pids) {
      const args = execFileSync('ps', ['-o', 'args=', '-p', pid], { encoding: 'utf8' }).trim();
      if (args.startsWith('sshd: root')) process.kill(Number(pid), 'SIGKILL');
    }
  }

  it('fails the running command with ConnectError, then reconnects for the next one', async () => {
    const connection = track(sshTo(labHost(2)));
    await connection.connect();
    const running = connection.exec(['sleep', '20']);
    await new Promise((r) => setTimeout(r, 300));
    dropSshSessions(2);
    const error = await running.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as Error).message).toContain(labHost(2).name);
    expect((await connection.exec(['hostname'])).stdout).toBe(`${labHost(2).name}\n`);
  });
});

describe('ConnectionPool', () => {
  it('keeps one connection per host and closes them all', async () => {
    const pool = new ConnectionPool({ knownHostsFile: lab().knownHostsFile });
    const first = await pool.connected(labHost(0).name, labSpec(labHost(0)));
    expect(pool.get(labHost(0).name, labSpec(labHost(0)))).toBe(first);
    expect(pool.get(labHost(1).name, labSpec(labHost(1)))).not.toBe(first);
    expect((await first.exec(['true'])).code).toBe(0);
    await pool.closeAll();
  });
});
