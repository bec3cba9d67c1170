// A task's view of the shared connection (scopedConnection) over a real local connection: its
// environment reaches every command under the module's own, and `become` becomes its user.
import { mkdtempSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../src/connect/local.ts';
import { scopedConnection } from '../../../src/run/task-connection.ts';

const root = process.getuid?.() === 0;
const dir = mkdtempSync(path.join(tmpdir(), 'pg-scoped-'));
chmodSync(dir, 0o777);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scopedConnection', () => {
  const local = new LocalConnection('localhost');

  it("gives every command the task's environment, the module's own variables winning", async () => {
    const conn = scopedConnection(local, { environment: { A: 'task a', B: 'task b' } });
    const result = await conn.exec(['sh', '-c', 'printf "%s|%s" "$A" "$B"'], { env: { B: 'module b' } });
    expect(result.stdout).toBe('task a|module b');
  });

  it('is the connection itself when the task adds nothing', () => {
    expect(scopedConnection(local, { environment: {} })).toBe(local);
  });

  it.runIf(root)("becomes the task's become_user (through sudo) for commands and files, only when asked to become", async () => {
    const conn = scopedConnection(local, { environment: { WHO: 'x' }, becomeUser: 'nobody' });
    expect((await conn.exec(['sh', '-c', 'id -un; echo "$WHO"'], { become: true })).stdout).toBe('nobody\nx\n');
    expect((await conn.exec(['id', '-un'])).stdout.trim()).toBe(userInfo().username);
    const file = path.join(dir, 'as-nobody');
    await conn.writeFile(file, 'hi', { become: true, mode: 0o600 });
    const nobody = Number((await conn.exec(['id', '-u'], { become: true })).stdout);
    expect(nobody).not.toBe(0);
    expect(statSync(file).uid).toBe(nobody);
    expect((await conn.readFile(file, { become: true }))?.toString()).toBe('hi');
  });
});
