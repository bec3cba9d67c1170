// copy and template find `src` where Ansible does (files/, templates/, then beside the playbook),
// through the real CLI over the local connection; a missing one is exit 4 before anything changes.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgraph, recapTotals, statuses } from './helpers/playgraph.ts';

let project: string;
let work: string;
let inventory: string;
beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'pg-controller-files-'));
  work = path.join(project, 'work');
  inventory = path.join(project, 'hosts.yaml');
  await writeFile(inventory, 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
  await mkdir(path.join(project, 'templates'));
  await mkdir(path.join(project, 'files'));
  await writeFile(path.join(project, 'templates', 'motd.j2'), 'Hello {{ who }} from {{ inventory_hostname }}\n');
  // Decoys where Ansible looks later: the file in files/ or templates/ must win over them.
  await writeFile(path.join(project, 'motd.j2'), 'the decoy beside the playbook\n');
  await writeFile(path.join(project, 'files', 'blob.txt'), 'copied from files/\n');
  await writeFile(path.join(project, 'blob.txt'), 'the decoy beside the playbook\n');
  await writeFile(path.join(project, 'only-beside.txt'), 'found beside the playbook\n');
  await writeFile(path.join(project, 'files', 'localhost.txt'), 'this host\'s own file\n');
  await writeFile(path.join(project, 'site.yaml'), [
    '- hosts: all',
    '  vars: { who: operators }',
    '  tasks:',
    '    - file: { path: "{{ work }}", state: directory }',
    '    - template: { src: motd.j2, dest: "{{ work }}/motd" }',
    '    - copy: { src: blob.txt, dest: "{{ work }}/blob" }',
    '    - copy: { src: only-beside.txt, dest: "{{ work }}/beside" }',
    '    - copy: { src: "{{ inventory_hostname }}.txt", dest: "{{ work }}/per-host" }',
    '',
  ].join('\n'));
  await writeFile(path.join(project, 'missing.yaml'), [
    '- hosts: all',
    '  tasks:',
    '    - file: { path: "{{ work }}", state: directory }',
    '    - copy: { content: "first\\n", dest: "{{ work }}/first" }',
    '    - name: the src nobody wrote',
    '      copy: { src: no-such.txt, dest: "{{ work }}/missing" }',
    '',
  ].join('\n'));
});
afterAll(() => rm(project, { recursive: true, force: true }));

describe('controller files over the local connection', () => {
  it('renders a template from templates/, copies from files/ (a per-host src too); a rerun changes nothing', async () => {
    const args = ['run', path.join(project, 'site.yaml'), '-i', inventory, '--output', 'json', '-e', `work=${work}`];
    const first = await playgraph(args);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(await readFile(path.join(work, 'motd'), 'utf8')).toBe('Hello operators from localhost\n');
    expect(await readFile(path.join(work, 'blob'), 'utf8')).toBe('copied from files/\n');
    expect(await readFile(path.join(work, 'beside'), 'utf8')).toBe('found beside the playbook\n');
    expect(await readFile(path.join(work, 'per-host'), 'utf8')).toBe('this host\'s own file\n');
    expect(recapTotals(first).changed).toBe(5);

    const second = await playgraph(args);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(recapTotals(second).changed).toBe(0);
    expect(Object.values(statuses(second))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('a missing src is exit 4 at the task, listing where it looked, with nothing changed', async () => {
    const missingWork = path.join(project, 'never');
    const run = await playgraph(['run', path.join(project, 'missing.yaml'), '-i', inventory, '-e', `work=${missingWork}`]);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    const playbook = path.join(project, 'missing.yaml');
    expect(run.stderr).toContain(`${playbook}:6:`);
    expect(run.stderr).toContain(
      `copy src 'no-such.txt' not found on the controller; looked in: ${path.join(project, 'files', 'no-such.txt')}, ${path.join(project, 'no-such.txt')}`,
    );
    // The tasks before it would have made the directory and a file: the run never started.
    expect(existsSync(missingWork)).toBe(false);
  });
});
