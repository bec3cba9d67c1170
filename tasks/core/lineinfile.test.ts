import { lstat, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import { backupName } from '../../src/modules/file-edit.ts';
import { expandUserPath } from '../../src/modules/user-path.ts';
import { createTestTaskContext } from '../../test/helpers/task-context.ts';
import { lineinfileParams, planLineinfile, readLines, taskModule } from './lineinfile.ts';

// The planner's semantics are proven against Ansible in test/unit/modules/file-edit-oracle.test.ts;
// here: params as Ansible's argument spec takes them, and the module around the planner on a
// real local file (check mode, attributes message, backup, symlinks, Ansible's registered fields).

describe('lineinfile params', () => {
  it('folds aliases and applies defaults', () => {
    expect(lineinfileParams.parse({ dest: '/etc/x', regex: '^a', value: 'a=1' })).toEqual({
      path: '/etc/x',
      regexp: '^a',
      line: 'a=1',
      state: 'present',
      backrefs: false,
      create: false,
      backup: false,
      firstmatch: false,
    });
  });

  it.each([
    [{ path: '/x', dest: '/y', line: 'a' }, "give 'path' or its alias 'dest', not both"],
    [{ line: 'a' }, 'path is required'],
    [{ path: '/x' }, 'line is required with state=present'],
    [{ path: '/x', line: 'a', backrefs: true }, 'regexp is required with backrefs=true'],
    [{ path: '/x', line: 'a', regexp: 'a', search_string: 'a' }, 'mutually exclusive: regexp|search_string'],
    [{ path: '/x', line: 'a', insertafter: 'a', insertbefore: 'b' }, 'mutually exclusive: insertbefore|insertafter'],
    [{ path: '/x', state: 'absent' }, 'one of line, search_string, or regexp is required'],
    [{ path: '/x', line: 'a', regexp: '(unclosed' }, 'invalid regular expression'],
    [{ path: '/x', line: 'a', regexp: '(?x) a' }, 'verbose flag (?x) is not supported'],
    [{ path: '/x', line: '\\3', regexp: '(a)', backrefs: true }, 'invalid group reference 3'],
  ])('refuses %j', (params, message) => {
    const parsed = lineinfileParams.safeParse(params);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join('; ')).toContain(message);
  });
});

describe('planLineinfile from data', () => {
  const params = (extra: Record<string, unknown>) => lineinfileParams.parse({ path: '/etc/x', ...extra });
  it('splits lines as readlines does', () => {
    expect(readLines('a\nb')).toEqual(['a\n', 'b']);
    expect(readLines('a\r\n\n')).toEqual(['a\r\n', '\n']);
    expect(readLines('')).toEqual([]);
  });

  it('counts what state=absent found', () => {
    const plan = planLineinfile(Buffer.from('a\nb\na\n'), params({ line: 'a', state: 'absent' }));
    expect(plan).toMatchObject({ msg: '2 line(s) removed', result: { found: 2 } });
    expect(plan.content?.toString()).toBe('b\n');
  });

  it('keeps bytes that are not UTF-8 as they are', () => {
    const data = Buffer.from([0xff, 0x0a, 0x61, 0x0a]);
    const plan = planLineinfile(data, params({ regexp: '^a$', line: 'b' }));
    expect([...plan.content!]).toEqual([0xff, 0x0a, 0x62, 0x0a]);
  });
});

describe('lineinfile on a local file', () => {
  let dir: string;
  const conn = new LocalConnection('localhost');
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pg-lineinfile-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = async (params: Record<string, unknown>, checkMode = false) => {
    const ctx = createTestTaskContext(conn, { checkMode });
    const parsed = lineinfileParams.parse(params);
    const check = await taskModule.check(ctx, parsed);
    if (check.status === 'ok' || checkMode) return { check, applied: undefined };
    return { check, applied: await taskModule.apply(ctx, parsed, check.state) };
  };

  it('in check mode changes nothing and says what it would do, without attributes on a missing file', async () => {
    const file = path.join(dir, 'sub', 'new.conf');
    const { check } = await run({ path: file, line: 'x', create: true, mode: '0600' }, true);
    expect(check).toMatchObject({ status: 'change', description: 'line added', files: [{ path: file, before: null, after: 'x\n' }] });
    await expect(lstat(path.dirname(file))).rejects.toThrow();
  });

  it('creates the file and its directory with the mode, and registers backup ""', async () => {
    const file = path.join(dir, 'sub', 'new.conf');
    const { applied } = await run({ path: file, line: 'x', create: true, mode: '0600' });
    expect(applied).toMatchObject({ changed: true, result: { msg: 'line added and ownership, perms or SE linux context changed', backup: '' } });
    expect(await readFile(file, 'utf8')).toBe('x\n');
    expect((await lstat(file)).mode & 0o777).toBe(0o600);
    expect((await run({ path: file, line: 'x', mode: '0600' })).check).toMatchObject({ status: 'ok', result: { backup: '' } });
  });

  it('reports a mode change alone as Ansible does', async () => {
    const file = path.join(dir, 'a.conf');
    await writeFile(file, 'x\n', { mode: 0o644 });
    const { check } = await run({ path: file, line: 'x', mode: '0640' });
    expect(check).toMatchObject({ status: 'change', description: 'ownership, perms or SE linux context changed' });
    expect(check.status === 'change' && check.files).toBeUndefined();
  });

  it('keeps a backup named as Ansible names it', async () => {
    const file = path.join(dir, 'a.conf');
    await writeFile(file, 'port 1\n');
    const { applied } = await run({ path: file, regexp: '^port', line: 'port 2', backup: true });
    const backup = String(applied?.result?.['backup']);
    expect(backup).toMatch(/\/a\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(await readFile(backup, 'utf8')).toBe('port 1\n');
    expect(await readFile(file, 'utf8')).toBe('port 2\n');
    expect((await readdir(dir)).length).toBe(2);
  });

  it('edits the target of a symlink and leaves the link', async () => {
    const file = path.join(dir, 'real.conf');
    await writeFile(file, 'a\n');
    await symlink('real.conf', path.join(dir, 'link.conf'));
    await run({ path: path.join(dir, 'link.conf'), line: 'b' });
    expect(await readlink(path.join(dir, 'link.conf'))).toBe('real.conf');
    expect(await readFile(file, 'utf8')).toBe('a\nb\n');
  });

  it('validates the new content before it replaces the file', async () => {
    const file = path.join(dir, 'sudoers');
    await writeFile(file, 'ok\n');
    await expect(run({ path: file, line: 'bad', validate: 'grep -qx ok %s' })).resolves.toMatchObject({ applied: { changed: true } });
    await expect(run({ path: file, line: 'worse', validate: 'grep -qx nothing %s' })).rejects.toThrow(/failed to validate: rc:1/);
    expect(await readFile(file, 'utf8')).toBe('ok\nbad\n');
    expect(await readdir(dir)).toEqual(['sudoers']);
    expect(lineinfileParams.safeParse({ path: file, line: 'x', validate: 'visudo -c' }).error?.issues[0]?.message).toBe('validate must contain %s');
  });

  it('is undone (undo_on_failure) by putting the old bytes back or removing the file it created', async () => {
    const edited = path.join(dir, 'a.conf');
    const created = path.join(dir, 'new.conf');
    await writeFile(edited, 'port 1\n');
    const first = await run({ path: edited, regexp: '^port', line: 'port 2' });
    const second = await run({ path: created, line: 'x', create: true });
    const ctx = createTestTaskContext(conn);
    await taskModule.rollback!(ctx, lineinfileParams.parse({ path: created, line: 'x' }), second.applied?.rollbackState);
    await taskModule.rollback!(ctx, lineinfileParams.parse({ path: edited, line: 'x' }), first.applied?.rollbackState);
    expect(await readFile(edited, 'utf8')).toBe('port 1\n');
    expect(await readdir(dir)).toEqual(['a.conf']);
  });

  it('expands ~ to the home directory, as Ansible does for path params', async () => {
    const ctx = createTestTaskContext(conn);
    const home = process.env['HOME']!;
    expect(await expandUserPath(ctx, '~/x.conf')).toBe(path.join(home, 'x.conf'));
    expect(await expandUserPath(ctx, '~')).toBe(home);
    expect(await expandUserPath(ctx, '/etc/~x')).toBe('/etc/~x');
  });

  it('fails on a missing file without create, and on a directory', async () => {
    await expect(run({ path: path.join(dir, 'missing'), line: 'x' })).rejects.toThrow(/Destination .*missing does not exist !/);
    await expect(run({ path: dir, line: 'x' })).rejects.toThrow(/is a directory !/);
  });
});

describe('backupName', () => {
  it('is path.pid.YYYY-MM-DD@HH:MM:SS~ in local time', () => {
    expect(backupName('/etc/x.conf', new Date(2026, 0, 2, 3, 4, 5), 4242)).toBe('/etc/x.conf.4242.2026-01-02@03:04:05~');
  });
});
