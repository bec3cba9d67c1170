// Each core module against the real machine through LocalConnection: check, apply, then a
// second check that must be `ok` (idempotency), and --check (checkMode) changing nothing.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import { AbortedError, CommandError, TaskError } from '../../src/errors.ts';
import { validateParams } from '../../src/modules/describe.ts';
import type { CheckResult, TaskModule } from '../../src/modules/module.ts';
import { createModuleRegistry } from '../../src/modules/registry.ts';
import { createTestTaskContext } from '../helpers/task-context.ts';

const conn = new LocalConnection('localhost');
const registry = createModuleRegistry([]);
let dir: string;
const isRoot = process.getuid?.() === 0;
const throwawayUser = `pgtest_${process.pid}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-core-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  if (isRoot) await conn.exec(['userdel', '-r', '--', throwawayUser]); // left behind only if a test failed
});

interface Converged {
  planned: Extract<CheckResult, { status: 'change' }>;
  result: Record<string, unknown> | undefined;
}

type ContextOptions = Parameters<typeof createTestTaskContext>[1];

async function moduleAndParams(name: string, rawParams: unknown) {
  const taskModule: TaskModule = await registry.get(name);
  return { taskModule, params: validateParams(taskModule, rawParams, { file: 'test' }) };
}

/** --check first (must plan a change), then check -> apply -> check, the last one `ok`. */
async function converge(name: string, rawParams: unknown, options: ContextOptions = {}): Promise<Converged> {
  const { taskModule, params } = await moduleAndParams(name, rawParams);
  const dryRun = await taskModule.check(createTestTaskContext(conn, { ...options, checkMode: true }), params);
  expect(dryRun.status, JSON.stringify(dryRun)).toBe('change');
  const ctx = createTestTaskContext(conn, options);
  const planned = await taskModule.check(ctx, params);
  if (planned.status !== 'change') throw new Error(`expected a planned change, got ${JSON.stringify(planned)}`);
  const applied = await taskModule.apply(ctx, params, planned.state);
  const again = await taskModule.check(ctx, params);
  expect(again, 'second check').toMatchObject({ status: 'ok' });
  return { planned, result: applied.result };
}

async function checkOnce(name: string, rawParams: unknown, options: ContextOptions = {}): Promise<CheckResult> {
  const { taskModule, params } = await moduleAndParams(name, rawParams);
  return taskModule.check(createTestTaskContext(conn, options), params);
}

async function runOnce(name: string, rawParams: unknown, options: ContextOptions = {}) {
  const { taskModule, params } = await moduleAndParams(name, rawParams);
  const ctx = createTestTaskContext(conn, options);
  const planned = await taskModule.check(ctx, params);
  if (planned.status !== 'change') throw new Error(`expected a planned change, got ${JSON.stringify(planned)}`);
  return taskModule.apply(ctx, params, planned.state);
}

describe('core.command and core.shell', () => {
  it('run once thanks to creates, and register output', async () => {
    const marker = path.join(dir, 'made-by-command');
    const { result } = await converge('command', { cmd: `touch ${marker}`, creates: marker });
    expect(existsSync(marker)).toBe(true);
    expect(result).toMatchObject({ rc: 0, stdout: '' });

    const shellMarker = path.join(dir, 'sum');
    await converge('shell', { cmd: 'echo $((1 + 2)) > sum', chdir: dir, creates: 'sum' });
    expect(await readFile(shellMarker, 'utf8')).toBe('3\n');
  });

  it('passes arguments literally and registers stdout lines', async () => {
    const applied = await runOnce('command', { argv: ['printf', '%s\n', 'a b', '$HOME'] });
    expect(applied.result).toMatchObject({ rc: 0, stdout: 'a b\n$HOME', stdout_lines: ['a b', '$HOME'] });
    const fromStdin = await runOnce('shell', { cmd: 'tr a-z A-Z', stdin: 'quiet' });
    expect(fromStdin.result).toMatchObject({ stdout: 'QUIET' });
  });

  it('fails the task on a non-zero exit with the code and stderr', async () => {
    const error = await runOnce('shell', { cmd: 'echo broken >&2; exit 3' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ exitCode: 3, stderr: 'broken\n' });
  });

  it('skips on removes when the path is missing', async () => {
    expect(await checkOnce('command', { cmd: 'rm missing', removes: path.join(dir, 'missing') })).toMatchObject({ status: 'ok' });
  });
});

describe('core.file', () => {
  it('creates a directory with a mode, a file, a link, and removes them', async () => {
    const target = path.join(dir, 'tree');
    await converge('file', { path: target, state: 'directory', mode: '0750' });
    expect((await stat(target)).mode & 0o7777).toBe(0o750);

    const file = path.join(target, 'touched');
    await converge('file', { path: file, state: 'touch', mode: '0600' });
    expect((await stat(file)).mode & 0o7777).toBe(0o600);
    await converge('file', { path: file, mode: 0o640 });
    expect((await stat(file)).mode & 0o7777).toBe(0o640);

    const link = path.join(dir, 'tree-link');
    await converge('file', { path: link, src: target, state: 'link' });
    await converge('file', { path: link, src: file, state: 'link' });

    await converge('file', { path: target, mode: '0700', recurse: true });
    expect((await stat(file)).mode & 0o7777).toBe(0o700);

    await converge('file', { path: target, state: 'absent' });
    expect(existsSync(target)).toBe(false);
  });

  it('manages what a symlink points to, and sets owner/group by name', async () => {
    const real = path.join(dir, 'real');
    await writeFile(real, 'x');
    await symlink(real, path.join(dir, 'alias'));
    const owner = (await conn.exec(['id', '-un'])).stdout.trim();
    const group = (await conn.exec(['id', '-gn'])).stdout.trim();
    await converge('file', { path: path.join(dir, 'alias'), mode: '0604' });
    expect((await stat(real)).mode & 0o7777).toBe(0o604);
    expect(await checkOnce('file', { path: real, owner, group })).toMatchObject({ status: 'ok' });
  });

  it('fails for a file that does not exist', async () => {
    await expect(checkOnce('file', { path: path.join(dir, 'nope') })).rejects.toThrow(TaskError);
  });
});

describe('core.copy and core.template', () => {
  it('writes content, shows the diff, then updates only on change', async () => {
    const dest = path.join(dir, 'copy', 'redis.conf');
    await mkdir(path.dirname(dest));
    const first = await converge('copy', { dest, content: 'port 7300\n', mode: '0640' });
    expect(first.planned.files).toEqual([{ path: dest, before: null, after: 'port 7300\n' }]);
    expect((await stat(dest)).mode & 0o7777).toBe(0o640);

    const second = await converge('copy', { dest, content: 'port 7301\n' });
    expect(second.planned.files).toEqual([{ path: dest, before: 'port 7300\n', after: 'port 7301\n' }]);
    expect((await stat(dest)).mode & 0o7777).toBe(0o640); // a rewrite keeps the mode
  });

  it('copies a controller file relative to the playbook into a directory, binary-safe', async () => {
    const baseDir = path.join(dir, 'play');
    await mkdir(path.join(baseDir, 'files'), { recursive: true });
    await writeFile(path.join(baseDir, 'files', 'blob.bin'), Buffer.from([0, 1, 2, 255]));
    const destDir = path.join(dir, 'dest-dir');
    await mkdir(destDir);
    const { planned } = await converge('copy', { src: 'files/blob.bin', dest: destDir }, { baseDir });
    expect(planned.files?.[0]).toMatchObject({ path: path.join(destDir, 'blob.bin'), binary: true });
    expect(await readFile(path.join(destDir, 'blob.bin'))).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('renders a template from templates/ with host variables', async () => {
    const baseDir = path.join(dir, 'tpl');
    await mkdir(path.join(baseDir, 'templates'), { recursive: true });
    await writeFile(path.join(baseDir, 'templates', 'node.conf.j2'), 'port {{ port }}\ncluster-config-file nodes-{{ port }}.conf\n');
    const dest = path.join(dir, 'node.conf');
    await converge('template', { src: 'node.conf.j2', dest }, { baseDir, vars: { port: 7402 } });
    expect(await readFile(dest, 'utf8')).toBe('port 7402\ncluster-config-file nodes-7402.conf\n');
    // Without the variable, rendering fails naming the template (undefined is an error).
    await expect(checkOnce('template', { src: 'node.conf.j2', dest }, { baseDir })).rejects.toThrow(/node\.conf\.j2:1:9: 'port' is undefined/);
  });
});

describe('core.sysctl', () => {
  it('persists a setting whose running value is already right', async () => {
    const sysctlFile = path.join(dir, 'sysctl.conf');
    await writeFile(sysctlFile, '# tuning\nnet.core.somaxconn = 1\n');
    const current = (await readFile('/proc/sys/net/core/somaxconn', 'utf8')).trim();
    const { planned } = await converge('sysctl', { name: 'net.core.somaxconn', value: current, sysctl_file: sysctlFile });
    expect(planned.description).toBe(`persist net.core.somaxconn in ${sysctlFile}`);
    expect(await readFile(sysctlFile, 'utf8')).toBe(`# tuning\nnet.core.somaxconn = ${current}\n`);
    await converge('sysctl', { name: 'net.core.somaxconn', state: 'absent', sysctl_file: sysctlFile });
    expect(await readFile(sysctlFile, 'utf8')).toBe('# tuning\n');
  });

  it('fails for an unknown kernel parameter', async () => {
    await expect(checkOnce('sysctl', { name: 'no.such.key', value: 1, sysctl_file: path.join(dir, 'x.conf') })).rejects.toThrow(/unknown kernel parameter/);
  });
});

describe('core.package', () => {
  it('finds coreutils installed', async () => {
    expect(await checkOnce('package', { name: ['coreutils'] })).toMatchObject({ status: 'ok' });
  });

  it('plans to install a package that is missing without installing it', async () => {
    const result = await checkOnce('package', { name: 'playgraph-no-such-package' }, { checkMode: true });
    expect(result).toMatchObject({ status: 'change', description: 'install playgraph-no-such-package' });
  });
});

describe.skipIf(!isRoot)('core.user', () => {
  it('creates, modifies and deletes a throwaway user', async () => {
    await converge('user', { name: throwawayUser, shell: '/bin/sh', create_home: false, system: true });
    expect((await conn.exec(['getent', 'passwd', throwawayUser])).stdout).toContain(':/bin/sh');
    const { planned } = await converge('user', { name: throwawayUser, shell: '/bin/bash', groups: ['adm'] });
    expect(planned.description).toBe(`modify user ${throwawayUser}: groups - -> adm, shell /bin/sh -> /bin/bash`);
    await converge('user', { name: throwawayUser, state: 'absent' });
    expect((await conn.exec(['getent', 'passwd', throwawayUser])).code).toBe(2);
  });
});

describe('core.wait_for', () => {
  it('is ok at once for an open port, and waits for it to close', async () => {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    expect(await checkOnce('wait_for', { port })).toMatchObject({ status: 'ok', reason: `port 127.0.0.1:${port} is open` });
    expect(await checkOnce('wait_for', { port, state: 'stopped' }, { checkMode: true })).toMatchObject({ status: 'ok', reason: expect.stringMatching(/^would wait/) });

    setTimeout(() => server.close(), 300);
    const applied = await runOnce('wait_for', { port, state: 'stopped', timeout: 10, sleep: 0.1 });
    expect(applied.changed).toBe(false);
    expect(await checkOnce('wait_for', { port, state: 'stopped' })).toMatchObject({ status: 'ok' });
  });

  it('waits for a file to appear with matching content', async () => {
    const log = path.join(dir, 'server.log');
    setTimeout(() => void writeFile(log, 'starting\nReady to accept connections\n'), 300);
    await runOnce('wait_for', { path: log, search_regex: 'Ready to accept', timeout: 10, sleep: 0.1 });
    expect(await checkOnce('wait_for', { path: log, search_regex: 'Ready to accept' })).toMatchObject({ status: 'ok' });
  });

  it('times out with the last probe, and stops on abort', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(runOnce('wait_for', { port, timeout: 0.5, sleep: 0.1 })).rejects.toThrow(/timed out after 0.5s.*last probe: .*ECONNREFUSED/);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(runOnce('wait_for', { port, timeout: 60, sleep: 0.1 }, { signal: controller.signal })).rejects.toThrow(AbortedError);
  });
});
