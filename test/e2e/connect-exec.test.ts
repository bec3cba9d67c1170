// exec over real SSH to a lab host and over the local connection: same contract for both.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connect/connection.ts';
import { LocalConnection } from '../../src/connect/local.ts';
import { AbortedError } from '../../src/errors.ts';
import { allCommandLines, closeAfterAll, lab, labHost, sshTo } from './connect-fixtures.ts';

const AWKWARD = [`it's`, 'a b', '$HOME', '"q"', 'line1\nline2', '', '*', '\\', '$(id)', '`id`', ';|&', 'ünï ☃', ' lead', 'tab\there'];

const track = closeAfterAll();

const kinds: Array<[string, () => Connection]> = [
  ['ssh to server1', () => track(sshTo(labHost(0)))],
  ['local', () => track(new LocalConnection('localhost'))],
];

describe.each(kinds)('exec (%s)', (_, make) => {
  const connection = make();

  it('round-trips awkward arguments exactly', async () => {
    await connection.connect();
    const result = await connection.exec(['printf', '%s\\0', ...AWKWARD]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(AWKWARD);
  });

  it('runs shell commands through sh', async () => {
    const result = await connection.exec({ shell: 'a=$((6*7)); echo "$a" | tr 4 X' });
    expect(result).toMatchObject({ code: 0, stdout: 'X2\n' });
  });

  it('feeds stdin, binary-safe enough for text with every quote', async () => {
    const input = `hello\n'world' "$x" \\ ${AWKWARD.join('|')}`;
    expect((await connection.exec(['cat'], { stdin: input })).stdout).toBe(input);
  });

  it('streams output to onOutput as it arrives', async () => {
    const seen = { stdout: '', stderr: '' };
    const result = await connection.exec(['sh', '-c', 'echo één; echo twee >&2; sleep 0.1; echo drie'], {
      onOutput: (chunk, stream) => (seen[stream] += chunk),
    });
    expect(seen).toEqual({ stdout: result.stdout, stderr: result.stderr });
    expect(result.stdout).toBe('één\ndrie\n');
  });

  it('returns a non-zero exit with stderr instead of throwing', async () => {
    const result = await connection.exec(['sh', '-c', 'echo out; echo oops >&2; exit 3']);
    expect(result).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'oops\n' });
    expect((await connection.exec(['no-such-program-pg'])).code).toBe(127);
  });

  it('runs in cwd', async () => {
    expect((await connection.exec(['pwd'], { cwd: '/usr/share' })).stdout).toBe('/usr/share\n');
  });

  it('delivers env (and stdin after it) without the values appearing on any command line', async () => {
    const secret = `pg-secret-${randomBytes(8).toString('hex')}`;
    const env = { PG_SECRET: secret, PG_OTHER: `it's "quoted" $HOME` };
    const running = connection.exec(['sh', '-c', 'printf "%s|%s|" "$PG_SECRET" "$PG_OTHER"; cat; sleep 1.5'], { env, stdin: 'tail' });
    await new Promise((r) => setTimeout(r, 700));
    const lines = await allCommandLines();
    expect(lines).toContain('sleep 1.5'); // the command is running while we look
    expect(lines).not.toContain(secret);
    const result = await running;
    expect(result.stdout).toBe(`${secret}|it's "quoted" $HOME|tail`);
    expect(result.commandLine).not.toContain(secret);
  });

  it('runs 40 commands at once on one connection, all successfully', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => connection.exec(['sh', '-c', 'sleep 0.2; echo "$1"', 'sh', String(i)])),
    );
    expect(results.map((r) => [r.code, r.stdout])).toEqual(Array.from({ length: 40 }, (_, i) => [0, `${i}\n`]));
  });

  it('aborts a long command: the exec rejects with AbortedError and the process goes away', async () => {
    const marker = `${30 + Math.floor(Math.random() * 1000) / 1000}`;
    const controller = new AbortController();
    const outcome = connection.exec(['sleep', marker], { signal: controller.signal }).then(() => null, (e: unknown) => e);
    await expect.poll(async () => (await allCommandLines()).includes(`sleep ${marker}`), { timeout: 5000 }).toBe(true);
    controller.abort();
    // Rejected by the abort, not by the sleep ending: a sleep that ran out would resolve with code 0.
    const error = await outcome;
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as Error).message).toContain(`aborted: sleep ${marker}`);
    // The remote (or local) sleep was killed, long before its 30 s would have run out.
    await expect.poll(async () => (await allCommandLines()).includes(`sleep ${marker}`), { timeout: 5000 }).toBe(false);
  });

  it('refuses to start when already aborted', async () => {
    await expect(connection.exec(['true'], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('exec over ssh, beyond the basics', () => {
  it('treats refused channel opens as back-pressure when asking for more channels than sshd allows', async () => {
    // 16 channels against sshd's MaxSessions 10: sshd refuses some opens, which must be retried.
    const connection = track(sshTo(labHost(0), {}, { maxChannels: 16 }));
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => connection.exec(['sh', '-c', 'sleep 0.3; echo $1', 'sh', String(i)])));
    expect(results.every((r, i) => r.code === 0 && r.stdout === `${i}\n`)).toBe(true);
  });

  it('becomes root through sudo as a non-root user, env included', async () => {
    const connection = track(sshTo(labHost(1), { user: lab().deployUser }));
    expect((await connection.exec(['id', '-un'])).stdout).toBe(`${lab().deployUser}\n`);
    const result = await connection.exec(['sh', '-c', 'id -u; echo "$PG_X"; cat'], { become: true, env: { PG_X: 'x y' }, stdin: 'in' });
    expect(result).toMatchObject({ code: 0, stdout: '0\nx y\nin' });
  });

  it('runs as the login user even when asked to become root as root (no sudo involved)', async () => {
    const connection = track(sshTo(labHost(1)));
    expect((await connection.exec(['id', '-u'], { become: true })).stdout).toBe('0\n');
  });

  it('reaches the host it was opened for', async () => {
    const connection = track(sshTo(labHost(2)));
    expect((await connection.exec(['hostname'])).stdout).toBe(`${labHost(2).name}\n`);
    expect(execFileSync('hostname', { encoding: 'utf8' })).not.toBe(`${labHost(2).name}\n`);
  });
});
