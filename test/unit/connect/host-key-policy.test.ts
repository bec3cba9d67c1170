import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostKeyError } from '../../../src/errors.ts';
import { hostKeyCheckingFromEnv, loadKnownHosts, verifyHostKey, type HostKeyChecking } from '../../../src/connect/host-key-policy.ts';
import { preferredHostKeyAlgorithms } from '../../../src/connect/ssh-client.ts';

const KEY1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIO6pdNFKt5ttJdzDzLXwUX6zYpLLfdaFxX0tVE4vzl5M';
const KEY2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIBWkK/T40qTN1wvGpi1ehMpw8xFiZw1u4uLVbbSARG3N';

async function verify(knownHostsText: string, mode: HostKeyChecking, presented: string, port = 22) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pg-kh-'));
  const file = path.join(dir, 'known_hosts');
  await writeFile(file, knownHostsText);
  const source = { readFiles: [file], writeFile: file };
  const error = await verifyHostKey({
    hostName: 'server1',
    address: '10.0.0.5',
    port,
    key: Buffer.from(presented, 'base64'),
    mode,
    knownHosts: await loadKnownHosts(source),
    source,
  });
  return { error, file, after: await readFile(file, 'utf8') };
}

describe('verifyHostKey', () => {
  it('accepts a recorded key in every mode', async () => {
    for (const mode of ['strict', 'accept-new', 'off'] as const) {
      expect((await verify(`10.0.0.5 ssh-ed25519 ${KEY1}\n`, mode, KEY1)).error).toBeNull();
    }
  });

  it('refuses a changed key in every mode, naming host, port and the known_hosts line', async () => {
    for (const mode of ['strict', 'accept-new', 'off'] as const) {
      const { error, file } = await verify(`# first\n10.0.0.5 ssh-ed25519 ${KEY1}\n`, mode, KEY2);
      expect(error).toBeInstanceOf(HostKeyError);
      expect(error?.message).toContain('server1');
      expect(error?.message).toContain('10.0.0.5 port 22');
      expect(error?.message).toContain(`${file}:2`);
    }
  });

  it('strict: refuses an unknown host with the ssh-keyscan line to run', async () => {
    const { error, file } = await verify('', 'strict', KEY1, 2222);
    expect(error).toBeInstanceOf(HostKeyError);
    expect(error?.message).toContain(`ssh-keyscan -p 2222 -t ssh-ed25519 10.0.0.5 >> ${file}`);
  });

  it('accept-new: records an unknown host and accepts it', async () => {
    const { error, after } = await verify('', 'accept-new', KEY1, 2222);
    expect(error).toBeNull();
    expect(after).toBe(`[10.0.0.5]:2222 ssh-ed25519 ${KEY1}\n`);
  });

  it('off: accepts an unknown host without recording it', async () => {
    const { error, after } = await verify('', 'off', KEY1);
    expect(error).toBeNull();
    expect(after).toBe('');
  });
});

describe('hostKeyCheckingFromEnv', () => {
  it("follows Ansible's ANSIBLE_HOST_KEY_CHECKING", () => {
    expect(hostKeyCheckingFromEnv({})).toBeUndefined();
    expect(hostKeyCheckingFromEnv({ ANSIBLE_HOST_KEY_CHECKING: 'False' })).toBe('off');
    expect(hostKeyCheckingFromEnv({ ANSIBLE_HOST_KEY_CHECKING: '0' })).toBe('off');
    expect(hostKeyCheckingFromEnv({ ANSIBLE_HOST_KEY_CHECKING: 'True' })).toBe('strict');
  });
});

describe('preferredHostKeyAlgorithms', () => {
  it('asks first for the key types known_hosts holds, as ssh does', () => {
    expect(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 4)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    expect(preferredHostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
  });
});
