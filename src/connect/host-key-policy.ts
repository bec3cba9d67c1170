// What to do with the key a server presents, given known_hosts and the checking mode. The modes
// follow OpenSSH's StrictHostKeyChecking: 'strict' (yes), 'accept-new', 'off' (no). Whatever the
// mode, a key that differs from the recorded one, or a revoked key, is refused: that is the
// man-in-the-middle case and silently accepting it is never what a user wants.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HostKeyError } from '../errors.ts';
import { checkHostKey, fingerprint, keyTypeOf, knownHostsLine, lookupName, parseKnownHosts, type KnownHostEntry } from './known-hosts.ts';

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

export interface KnownHostsSource {
  /** Files to read, in order; missing files are fine. */
  readFiles: string[];
  /** Where accept-new records new keys. */
  writeFile: string;
}

export function defaultKnownHosts(): KnownHostsSource {
  const user = path.join(os.homedir(), '.ssh', 'known_hosts');
  return { readFiles: [user, '/etc/ssh/ssh_known_hosts'], writeFile: user };
}

export function knownHostsFrom(file: string | undefined): KnownHostsSource {
  return file ? { readFiles: [file], writeFile: file } : defaultKnownHosts();
}

/** Ansible's ANSIBLE_HOST_KEY_CHECKING=False (any of its false spellings) turns checking off. */
export function hostKeyCheckingFromEnv(env: NodeJS.ProcessEnv = process.env): HostKeyChecking | undefined {
  const value = env.ANSIBLE_HOST_KEY_CHECKING?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  return ['false', 'no', 'n', '0', 'off', 'f'].includes(value) ? 'off' : 'strict';
}

export interface LoadedKnownHosts {
  file: string;
  entries: KnownHostEntry[];
}

export async function loadKnownHosts(source: KnownHostsSource): Promise<LoadedKnownHosts[]> {
  const loaded: LoadedKnownHosts[] = [];
  for (const file of source.readFiles) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) loaded.push({ file, entries: parseKnownHosts(text) });
  }
  return loaded;
}

/**
 * Returns null when the key is acceptable (recording it first under accept-new), or the
 * HostKeyError to fail the connection with.
 */
export async function verifyHostKey(args: {
  hostName: string;
  address: string;
  port: number;
  key: Buffer;
  mode: HostKeyChecking;
  knownHosts: LoadedKnownHosts[];
  source: KnownHostsSource;
}): Promise<HostKeyError | null> {
  const { hostName, address, port, key, mode } = args;
  const where = `${address} port ${port}`;
  let otherTypes: string[] = [];
  for (const { file, entries } of args.knownHosts) {
    const verdict = checkHostKey(entries, address, port, key);
    if (verdict.kind === 'known') return null;
    if (verdict.kind === 'revoked') {
      return new HostKeyError(hostName, `host key for ${where} is REVOKED (${file}:${verdict.entry.line}); refusing to connect`);
    }
    if (verdict.kind === 'changed') {
      return new HostKeyError(
        hostName,
        `HOST KEY CHANGED for ${where}: the server presented ${keyTypeOf(key)} ${fingerprint(key)}, ` +
          `which differs from ${file}:${verdict.entry.line}. Someone could be intercepting the connection, or the host ` +
          `was reinstalled; if you trust the new key, remove the old one with: ssh-keygen -R ${quoteIfNeeded(lookupName(address, port))} -f ${file}`,
      );
    }
    otherTypes = [...otherTypes, ...verdict.otherTypes];
  }
  if (mode === 'off') return null;
  if (mode === 'accept-new') {
    await mkdir(path.dirname(args.source.writeFile), { recursive: true, mode: 0o700 });
    await appendFile(args.source.writeFile, knownHostsLine(address, port, key) + '\n', { mode: 0o600 });
    return null;
  }
  const files = args.source.readFiles.join(', ');
  const also = otherTypes.length > 0 ? ` (keys of other types are recorded: ${otherTypes.join(', ')})` : '';
  return new HostKeyError(
    hostName,
    `host key for ${where} is not known${also}: ${keyTypeOf(key)} ${fingerprint(key)} is not in ${files}. ` +
      `After checking the fingerprint, record it with: ssh-keyscan -p ${port} -t ${keyTypeOf(key)} ${address} >> ${args.source.writeFile}`,
  );
}

function quoteIfNeeded(name: string): string {
  return name.startsWith('[') ? `'${name}'` : name;
}
