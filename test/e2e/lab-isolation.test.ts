// A lab host's /etc, /root, /home, /opt, /usr/local and /tmp are its own: what one host writes
// there over SSH, the other hosts and the controller do not see.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeAfterAll, labHost, sshTo } from './connect-fixtures.ts';

const PRIVATE_DIRS = ['/etc', '/root', '/home', '/opt', '/usr/local', '/tmp'];
const track = closeAfterAll();

describe('lab hosts', () => {
  it('keep what they write in their private directories to themselves', async () => {
    const [writer, ...others] = [0, 1, 2].map((i) => ({ host: labHost(i), conn: track(sshTo(labHost(i))) }));
    const files = PRIVATE_DIRS.map((dir) => path.join(dir, `pg-isolation-${randomBytes(6).toString('hex')}`));
    // Prints the files of `files` that exist where it runs.
    const present = ['sh', '-c', 'for f in "$@"; do [ -e "$f" ] && echo "$f"; done; true', 'sh', ...files];
    try {
      const wrote = await writer!.conn.exec(['sh', '-c', 'for f in "$@"; do echo "$0" > "$f" || exit 1; done', writer!.host.name, ...files]);
      expect(wrote.code, wrote.stderr).toBe(0);
      expect((await writer!.conn.exec(present)).stdout.split('\n').filter(Boolean), `${writer!.host.name} sees its own files`).toEqual(files);
      for (const other of others) {
        expect((await other.conn.exec(present)).stdout, `seen on ${other.host.name}`).toBe('');
      }
      expect(files.filter((f) => existsSync(f)), 'seen on the controller').toEqual([]);
      // And on the controller they sit in the writer's own tree (for /etc: its overlay's upper dir).
      const stored = PRIVATE_DIRS.map((dir) => path.join(writer!.host.root, dir === '/usr/local' ? 'usr-local' : dir.slice(1)));
      expect(files.map((f, i) => existsSync(path.join(stored[i]!, path.basename(f))))).toEqual(files.map(() => true));
    } finally {
      await writer!.conn.exec(['rm', '-f', ...files]);
    }
  });
});
