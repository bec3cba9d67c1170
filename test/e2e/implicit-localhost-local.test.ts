// Ansible's implicit localhost through the real CLI: an inventory without localhost still runs
// a play on `localhost` locally (not as part of `all`), delegate_to localhost runs on the
// controller, and delegate_to a name the inventory does not list is tried over SSH, never here.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEnds, playgraph, statuses } from './helpers/playgraph.ts';

let dir: string;
let work: string;
let inventory: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-implicit-localhost-'));
  work = path.join(dir, 'work');
  inventory = path.join(dir, 'hosts.yaml');
  // No localhost here: web1 is this machine under another name.
  await writeFile(inventory, 'all:\n  vars:\n    marker: from-all\n  hosts:\n    web1:\n      ansible_connection: local\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the implicit localhost over the local connection', () => {
  it('runs a play on localhost locally with the `all` vars, leaves it out of `all`, and takes delegate_to localhost', async () => {
    const playbook = path.join(dir, 'site.yaml');
    await writeFile(playbook, [
      '- hosts: localhost',
      '  tasks:',
      '    - id: dir',
      '      file: { path: "{{ work }}", state: directory }',
      '    - id: implicit',
      '      copy: { content: "{{ inventory_hostname }} {{ marker }} {{ group_names }} {{ groups.all }}\\n", dest: "{{ work }}/implicit" }',
      '- hosts: all',
      '  tasks:',
      '    - id: each',
      '      copy: { content: "{{ inventory_hostname }}\\n", dest: "{{ work }}/all-{{ inventory_hostname }}" }',
      '    - id: to-localhost',
      '      copy: { content: "delegated by {{ inventory_hostname }}\\n", dest: "{{ work }}/delegated" }',
      '      delegate_to: 127.0.0.1',
      '',
    ].join('\n'));
    const run = await playgraph(['run', playbook, '-i', inventory, '--output', 'json', '-e', `work=${work}`]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(statuses(run)).toEqual({ 'dir@localhost': 'changed', 'implicit@localhost': 'changed', 'each@web1': 'changed', 'to-localhost@web1': 'changed' });
    expect(await readFile(path.join(work, 'implicit'), 'utf8')).toBe("localhost from-all [] ['web1']\n");
    expect(await readFile(path.join(work, 'all-web1'), 'utf8')).toBe('web1\n');
    expect(existsSync(path.join(work, 'all-localhost'))).toBe(false);
    expect(await readFile(path.join(work, 'delegated'), 'utf8')).toBe('delegated by web1\n');
  });

  it('tries delegate_to a name the inventory does not list over SSH, and fails that task naming it', async () => {
    const playbook = path.join(dir, 'typo.yaml');
    const name = 'web1-typo.invalid';
    await writeFile(playbook, [
      '- hosts: all',
      '  tasks:',
      '    - id: typo',
      '      copy: { content: "must not be written here\\n", dest: "{{ work }}/typo" }',
      `      delegate_to: ${name}`,
      '    - id: independent',
      '      command: "true"',
      '      needs: []',
      '',
    ].join('\n'));
    const run = await playgraph(['run', playbook, '-i', inventory, '--output', 'json', '-e', `work=${work}`]);
    // Ansible reports the task on web1 unreachable ("fatal: [web1 -> web1-typo.invalid]: UNREACHABLE!").
    expect(run.code, run.stdout + run.stderr).toBe(3);
    const typo = nodeEnds(run).find((event) => event.node.taskId === 'typo');
    expect(typo).toMatchObject({ status: 'unreachable', node: { host: 'web1' } });
    expect(typo!.message).toContain(`delegate_to '${name}' is not in inventory ${inventory}, so it was tried over SSH by that name: ${name}: `);
    expect(statuses(run)['independent@web1']).toBe('changed');
    expect(existsSync(path.join(work, 'typo'))).toBe(false);
  });
});
