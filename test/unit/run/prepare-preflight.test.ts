import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { prepareRun } from '../../../src/run/prepare.ts';

const dir = 'test/fixtures/playbooks/good/preflight';
const prepare = (file: string, extraVarArgs: string[] = []) =>
  prepareRun({
    playbookFile: path.join(dir, file),
    inventorySources: ['test/fixtures/inventory/yaml-cluster'],
    extraVarArgs,
    cwd: process.cwd(),
  });

describe('template files are checked while the run is prepared', () => {
  it('accepts templates whose variables are known, or need a register: result, or sit behind a false when', async () => {
    const prepared = await prepare('site.yaml');
    expect(prepared.graphs).toHaveLength(1);
  });

  it('refuses an undefined variable at the template line that uses it', async () => {
    const failure = prepare('broken.yaml');
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(/preflight\/templates\/node\.conf\.j2:2:9: 'port' is undefined \(in "port \{\{ port \}\}"\)/);
  });

  it('refuses a template that is not there, at the task that names it', async () => {
    const failure = prepare('broken.yaml', ['port=6379']);
    await expect(failure).rejects.toThrow(/broken\.yaml:10:\d+: template 'no-such\.j2' not found on the controller; looked in: .*templates\/no-such\.j2/);
  });

  it('checks a guarded template once its condition holds', async () => {
    await expect(prepare('site.yaml', ['optional_template=absent.j2'])).rejects.toThrow(/site\.yaml:\d+:\d+: template 'absent\.j2' not found/);
  });
});

describe('copy and template src are found where Ansible looks, while the run is prepared', () => {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const filesDir = path.resolve('test/fixtures/playbooks/good/controller-files');
  const prepareFiles = (file: string, extraVarArgs: string[] = []) =>
    prepareRun({ playbookFile: path.join(filesDir, file), inventorySources: ['test/fixtures/inventory/yaml-cluster'], extraVarArgs, cwd: process.cwd() });

  it('finds copy src in files/, template src in templates/, an imported task\'s src beside its file, a per-host src per host', async () => {
    expect((await prepareFiles('site.yaml')).graphs).toHaveLength(1);
  });

  it('refuses a missing copy src at the task, listing every place it looked', async () => {
    const failure = prepareFiles('missing.yaml');
    await expect(failure).rejects.toThrow(InputError);
    const places = [`${filesDir}/files/no-such.txt`, `${filesDir}/no-such.txt`].join(', ');
    await expect(failure).rejects.toThrow(new RegExp(`missing\\.yaml:7:\\d+: copy src 'no-such\\.txt' not found on the controller; looked in: ${escape(places)}$`));
  });

  it('looks in an imported tasks file\'s directory before the playbook\'s', async () => {
    const tasks = path.join(filesDir, 'tasks');
    const places = [`${tasks}/files/nowhere.txt`, `${tasks}/nowhere.txt`, `${filesDir}/files/nowhere.txt`, `${filesDir}/nowhere.txt`].join(', ');
    await expect(prepareFiles('site.yaml', ['missing_src=nowhere.txt'])).rejects.toThrow(
      new RegExp(`tasks/more\\.yaml:6:\\d+: copy src 'nowhere\\.txt' not found on the controller; looked in: ${escape(places)}$`),
    );
  });

  it('looks a per-host src up for each host: the one host without its file is named', async () => {
    await expect(prepareFiles('per-host.yaml')).rejects.toThrow(/per-host\.yaml:5:\d+: copy src 'bastion\.txt' not found/);
  });

  it('refuses a copy src that is a directory', async () => {
    await expect(prepareFiles('directory.yaml')).rejects.toThrow(/copy src 'tasks' is .*controller-files\/tasks, a directory/);
  });
});
