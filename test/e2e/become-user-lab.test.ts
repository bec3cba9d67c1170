import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { playgraph, statuses } from './helpers/playgraph.ts';

// become_user and become_method over SSH on the lab: logged in as root, su becomes the deploy
// user (as Ansible's su plugin: root needs no password); logged in as the deploy user, sudo
// becomes nobody. Commands, file writes and the task's environment all run as that user.

const lab = inject('lab');
const NOBODY_UID = 65534;
const DEPLOY_UID = 2000;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-become-user-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function inventoryAs(user: string): Promise<string> {
  const file = path.join(dir, `hosts-${user}.yaml`);
  await writeFile(file, (await readFile(lab.inventoryFile, 'utf8')).replace(/ansible_user: root/g, `ansible_user: ${user}`));
  return file;
}

function playbook(tag: string, as: { user: string; method: string }): string {
  const become = ['      become: true', `      become_user: ${as.user}`, `      become_method: ${as.method}`];
  return [
    '- hosts: all',
    '  tasks:',
    '    - id: who',
    '      command: id -un',
    ...become,
    '      register: who',
    '      changed_when: false',
    '    - id: env',
    `      shell: echo "$WHO $(id -un)" > /tmp/${tag}-env`,
    ...become,
    '      environment: { WHO: "{{ who.stdout }}" }',
    '    - id: file',
    `      copy: dest=/tmp/${tag}-copy content="{{ inventory_hostname }}"`,
    ...become,
    '',
  ].join('\n');
}

async function run(tag: string, login: string, as: { user: string; method: string }) {
  const file = path.join(dir, `${tag}.yaml`);
  await writeFile(file, playbook(tag, as));
  return playgraph(['run', file, '-i', await inventoryAs(login), '--known-hosts', lab.knownHostsFile, '--output', 'json']);
}

describe('become_user and become_method over SSH', () => {
  it('logged in as root, su becomes the deploy user for commands, files and the environment', async () => {
    const tag = `su${process.pid}`;
    const result = await run(tag, 'root', { user: lab.deployUser, method: 'su' });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const host of lab.hosts) {
      expect(statuses(result)[`file@${host.name}`]).toBe('changed');
      expect(await readFile(path.join(host.root, 'tmp', `${tag}-env`), 'utf8')).toBe(`${lab.deployUser} ${lab.deployUser}\n`);
      const copied = path.join(host.root, 'tmp', `${tag}-copy`);
      expect(await readFile(copied, 'utf8')).toBe(host.name);
      expect((await stat(copied)).uid).toBe(DEPLOY_UID);
      await rm(path.join(host.root, 'tmp', `${tag}-env`), { force: true });
      await rm(copied, { force: true });
    }
  });

  it('logged in as the deploy user, sudo becomes nobody', async () => {
    const tag = `sudo${process.pid}`;
    const result = await run(tag, lab.deployUser, { user: 'nobody', method: 'sudo' });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const host of lab.hosts) {
      expect(await readFile(path.join(host.root, 'tmp', `${tag}-env`), 'utf8')).toBe('nobody nobody\n');
      const copied = path.join(host.root, 'tmp', `${tag}-copy`);
      expect((await stat(copied)).uid).toBe(NOBODY_UID);
      await rm(path.join(host.root, 'tmp', `${tag}-env`), { force: true });
      await rm(copied, { force: true });
    }
  });
});
