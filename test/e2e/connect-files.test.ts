// readFile / writeFile / stat / putFile over SFTP (root), over sudo commands (non-root + become)
// and locally; and the lab's promise that one host's files are invisible to the others.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connect/connection.ts';
import { LocalConnection } from '../../src/connect/local.ts';
import { closeAfterAll, lab, labHost, sshTo } from './connect-fixtures.ts';

const track = closeAfterAll();

interface Kind {
  name: string;
  make: () => Connection;
  /** A directory only root can write, to prove become works. */
  dir: string;
  become: boolean;
}

const kinds: Kind[] = [
  { name: 'sftp as root', make: () => track(sshTo(labHost(0))), dir: '/root', become: false },
  { name: 'sudo commands as a non-root user', make: () => track(sshTo(labHost(0), { user: lab().deployUser })), dir: '/root', become: true },
  { name: 'local', make: () => track(new LocalConnection('localhost')), dir: os.tmpdir(), become: false },
];

describe.each(kinds)('files ($name)', ({ make, dir, become }) => {
  const connection = make();
  const base = path.posix.join(dir, `pg-files-${randomBytes(4).toString('hex')}`);

  it('writes with a mode, reads back, and stats', async () => {
    await connection.exec(['mkdir', '-p', base], { become });
    const file = `${base}/conf`;
    await connection.writeFile(file, 'port 7300\n', { mode: 0o640, become });
    expect((await connection.readFile(file, { become }))?.toString()).toBe('port 7300\n');
    expect(await connection.stat(file, { become })).toEqual({ type: 'file', mode: 0o640, uid: 0, gid: 0, size: 10 });
    expect(await connection.stat(base, { become })).toMatchObject({ type: 'directory' });
  });

  it('keeps the mode on a rewrite without one, and leaves no temp files', async () => {
    const file = `${base}/conf`;
    await connection.writeFile(file, 'port 7301\n', { become });
    expect(await connection.stat(file, { become })).toMatchObject({ mode: 0o640, size: 10 });
    const listing = await connection.exec(['ls', '-A', base], { become });
    expect(listing.stdout).toBe('conf\n');
  });

  it('round-trips binary content', async () => {
    const bytes = randomBytes(70_000);
    await connection.writeFile(`${base}/blob`, bytes, { become });
    expect((await connection.readFile(`${base}/blob`, { become }))?.equals(bytes)).toBe(true);
  });

  it('returns null for missing paths', async () => {
    expect(await connection.readFile(`${base}/missing`, { become })).toBeNull();
    expect(await connection.stat(`${base}/missing`, { become })).toBeNull();
  });

  it('reports symlinks as symlinks (lstat)', async () => {
    await connection.exec(['ln', '-sf', `${base}/conf`, `${base}/link`], { become });
    expect(await connection.stat(`${base}/link`, { become })).toMatchObject({ type: 'symlink' });
  });

  it('copies a controller file with putFile, with its mode', async () => {
    const local = path.join(await mkdtemp(path.join(os.tmpdir(), 'pg-put-')), 'src.sh');
    await writeFile(local, '#!/bin/sh\necho put\n');
    await connection.putFile(local, `${base}/run.sh`, { mode: 0o755, become });
    expect(await connection.stat(`${base}/run.sh`, { become })).toMatchObject({ type: 'file', mode: 0o755 });
    expect((await connection.exec([`${base}/run.sh`], { become })).stdout).toBe('put\n');
  });

  it('cleans up', async () => {
    await connection.exec(['rm', '-rf', base], { become });
    expect(await connection.stat(base, { become })).toBeNull();
  });
});

describe('non-root without become', () => {
  it('cannot write where only root can', async () => {
    const connection = track(sshTo(labHost(1), { user: lab().deployUser }));
    await expect(connection.writeFile('/root/pg-denied', 'x')).rejects.toThrow();
    expect(await track(sshTo(labHost(1))).stat('/root/pg-denied')).toBeNull();
  });
});

describe('lab isolation', () => {
  it('a file written in one host\'s /tmp, /etc, /root, /opt is invisible to the other hosts and to the controller', async () => {
    const [one, two] = [track(sshTo(labHost(0))), track(sshTo(labHost(1)))];
    const name = `pg-iso-${randomBytes(4).toString('hex')}`;
    for (const dir of ['/tmp', '/etc', '/root', '/opt', '/usr/local', '/home']) {
      const file = `${dir}/${name}`;
      await one.writeFile(file, 'only on server1');
      expect((await one.readFile(file))?.toString()).toBe('only on server1');
      expect(await two.stat(file)).toBeNull();
      expect(existsSync(file)).toBe(false);
      await one.exec(['rm', '-f', file]);
    }
  });
});
