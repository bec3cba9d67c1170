import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import { validateParams } from '../../src/modules/describe.ts';
import { createTestTaskContext } from '../../test/helpers/task-context.ts';
import { dirFiles, includeVarsResult, resolveDir, taskModule } from './include_vars.ts';

const params = (raw: unknown) => validateParams(taskModule, raw);

describe('include_vars planners', () => {
  const walk = [
    { root: '/p/vars/b', files: ['z.yml', 'a.yaml'] },
    { root: '/p/vars', files: ['main.yml', 'common.json', 'notes.txt'] },
    { root: '/p/vars/a', files: ['x.yml'] },
  ];

  it('reads a directory in sorted order of directories, then of file names', () => {
    expect(dirFiles(params({ dir: 'vars', ignore_unknown_extensions: true }), walk).files).toEqual([
      '/p/vars/common.json', '/p/vars/main.yml', '/p/vars/a/x.yml', '/p/vars/b/a.yaml', '/p/vars/b/z.yml',
    ]);
  });

  it('fails on a file of another extension unless told to skip it', () => {
    expect(dirFiles(params({ dir: 'vars' }), walk)).toEqual({ files: ['/p/vars/common.json', '/p/vars/main.yml'], error: '/p/vars/notes.txt does not have a valid extension: yaml, yml, json' });
    expect(dirFiles(params({ dir: 'vars', extensions: ['txt'] }), walk).error).toMatch(/common.json does not have a valid extension: txt/);
  });

  it('counts depth in directories of the walk, filters with files_matching and ignore_files (matched at the end)', () => {
    expect(dirFiles(params({ dir: 'vars', depth: 1, ignore_files: ['\\.txt'] }), walk).files).toEqual(['/p/vars/common.json', '/p/vars/main.yml']);
    expect(dirFiles(params({ dir: 'vars', files_matching: '^[az]' }), walk).files).toEqual(['/p/vars/b/a.yaml', '/p/vars/b/z.yml']);
    expect(dirFiles(params({ dir: 'vars', ignore_files: 'main.yml notes.txt' }), walk).files).toEqual(['/p/vars/common.json', '/p/vars/a/x.yml', '/p/vars/b/a.yaml', '/p/vars/b/z.yml']);
  });

  it('finds dir under a role\'s vars/, else beside the task file', () => {
    expect(resolveDir('extra', { rolePath: '/r', taskDir: '/t' }, () => true)).toBe('/r/vars/extra');
    expect(resolveDir('vars/extra', { rolePath: '/r', taskDir: '/t' }, () => true)).toBe('/r/vars/extra');
    expect(resolveDir('extra', { taskDir: '/t' }, () => true)).toBe('/t/extra');
    expect(resolveDir('/abs', { taskDir: '/t' }, () => true)).toBe('/abs');
  });

  it('merges files in order, under name when given, and lists them in ansible_included_var_files', () => {
    const loaded = [{ file: '/a.yml', vars: { x: 1, y: 1 } }, { file: '/b.yml', vars: { y: 2 } }];
    expect(includeVarsResult(params({ file: 'a.yml' }), loaded)).toEqual({ changed: false, ansible_facts: { x: 1, y: 2 }, ansible_included_var_files: ['/a.yml', '/b.yml'] });
    expect(includeVarsResult(params({ file: 'a.yml', name: 'cfg' }), loaded).ansible_facts).toEqual({ cfg: { x: 1, y: 2 } });
    expect(includeVarsResult(params({ dir: 'd' }), [], 'bad')).toMatchObject({ failed: true, message: 'bad', ansible_facts: {} });
  });

  it('merges loaded dicts into the current ones with hash_behaviour: merge, lists replaced', () => {
    const loaded = [{ file: '/a.yml', vars: { cfg: { a: { x: 2 }, l: [2] }, other: 1 } }];
    const current = { cfg: { a: { x: 1, y: 1 }, b: 1, l: [1] }, other: { was: 'dict' } };
    expect(includeVarsResult(params({ file: 'a.yml', hash_behaviour: 'merge' }), loaded, undefined, current).ansible_facts).toEqual({ cfg: { a: { x: 2, y: 1 }, b: 1, l: [2] }, other: 1 });
    expect(includeVarsResult(params({ file: 'a.yml' }), loaded, undefined, current).ansible_facts).toEqual(loaded[0]!.vars);
  });

  it('refuses file arguments mixed with dir arguments, and nothing to read', () => {
    expect(() => params({ file: 'a.yml', dir: 'd' })).toThrow(/mixing file only and dir only/);
    expect(() => params({ file: 'a.yml', files_matching: 'x' })).toThrow(/mixing file only and dir only/);
    expect(() => params({ name: 'x' })).toThrow(/needs a file/);
  });
});

describe('include_vars on the controller', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pg-include-vars-'));
    await mkdir(path.join(dir, 'vars'));
    await writeFile(path.join(dir, 'vars', 'site.yml'), 'port: 8080\nname: site\n');
    await writeFile(path.join(dir, 'top.json'), '{"top": true}');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const run = async (raw: unknown) => {
    const ctx = createTestTaskContext(new LocalConnection('localhost'), { searchPath: [dir] });
    const checked = await taskModule.check(ctx, params(raw));
    return checked.status === 'ok' ? checked.result : undefined;
  };

  it('finds a relative file in <dir>/vars/ then <dir>/, as Ansible', async () => {
    expect(await run({ _raw_params: 'site.yml' })).toEqual({ changed: false, ansible_facts: { port: 8080, name: 'site' }, ansible_included_var_files: [path.join(dir, 'vars', 'site.yml')] });
    expect((await run({ file: 'top.json' }))?.ansible_facts).toEqual({ top: true });
  });

  it('reads a directory beside the task file', async () => {
    expect((await run({ dir: 'vars', name: 'all_of_it' }))?.ansible_facts).toEqual({ all_of_it: { port: 8080, name: 'site' } });
  });

  it('refuses a file that is not there before any host is touched, naming where it looked', async () => {
    const preflight = taskModule.preflight!({ host: { name: 'h', vars: {} }, baseDir: dir, searchPath: [dir], play: { hosts: [] } }, params({ file: 'nope.yml' }));
    await expect(preflight).rejects.toThrow(`include_vars file 'nope.yml' not found on the controller; looked in: ${path.join(dir, 'vars', 'nope.yml')}, ${path.join(dir, 'nope.yml')}`);
  });
});
