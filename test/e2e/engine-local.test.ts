import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgraph, recapTotals, statuses } from './helpers/playgraph.ts';

let dir: string;
let inventory: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-local-'));
  inventory = path.join(dir, 'hosts.ini');
  // An INI inventory as Ansible users write it for the control machine itself.
  await writeFile(inventory, '[local]\nlocalhost ansible_connection=local\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('playbooks over the local connection', () => {
  it('converges, a second run reports 0 changed, --check changes nothing', async () => {
    const work = path.join(dir, 'work');
    const args = ['run', 'test/fixtures/e2e/basic.yaml', '-i', inventory, '--output', 'json', '-e', `work_dir=${work}`];
    const check = await playgraph([...args, '--check']);
    expect(check.code, check.stderr).toBe(0);
    expect(existsSync(work)).toBe(false);
    expect(statuses(check)['motd@localhost']).toBe('changed');

    const first = await playgraph(args);
    expect(first.code, first.stderr).toBe(0);
    expect(recapTotals(first).changed).toBe(4);
    expect(await readFile(path.join(work, 'motd'), 'utf8')).toBe('hello from localhost\n');

    const second = await playgraph(args);
    expect(second.code, second.stderr).toBe(0);
    expect(recapTotals(second).changed).toBe(0);
  });

  it('prints plain lines and the recap when stdout is not a terminal', async () => {
    const work = path.join(dir, 'plain');
    const run = await playgraph(['run', 'test/fixtures/e2e/basic.yaml', '-i', inventory, '-e', `work_dir=${work}`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/localhost\s*:\s*ok=\d+\s+changed=4/);
  });
});

describe('--limit over several plays', () => {
  it('skips a play it leaves without hosts and runs the others; a limit that runs no play is bad input', async () => {
    const hosts = path.join(dir, 'groups.ini');
    await writeFile(hosts, '[first]\na ansible_connection=local\n[second]\nb ansible_connection=local\n[other]\nc ansible_connection=local\n');
    const work = path.join(dir, 'limited');
    const playbook = path.join(dir, 'two-plays.yaml');
    const play = (name: string, group: string) =>
      [`- name: ${name}`, `  hosts: ${group}`, '  tasks:', `    - id: mark-${group}`, `      copy: { dest: "${work}/{{ inventory_hostname }}-${group}", content: "x" }`];
    await writeFile(playbook, [...play('on first', 'first'), ...play('on second', 'second'), ''].join('\n'));
    await mkdir(work, { recursive: true });

    const run = await playgraph(['run', playbook, '-i', hosts, '--limit', 'b', '--output', 'json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const plays = run.events.flatMap((event) => (event.type === 'play-start' ? [[event.name, event.hosts, event.skipped]] : []));
    expect(plays).toEqual([['on first', [], 'no hosts matched'], ['on second', ['b'], undefined]]);
    expect(existsSync(path.join(work, 'b-second'))).toBe(true);
    expect(existsSync(path.join(work, 'a-first'))).toBe(false);

    const plain = await playgraph(['run', playbook, '-i', hosts, '--limit', 'b', '--check']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/PLAY \[on first\]\s*\n\s*skipping: no hosts matched/);

    for (const [limit, message] of [['c', /--limit 'c' matches no host of any play/], ['nohost', /--limit 'nohost' matches no host in inventory/]] as const) {
      const bad = await playgraph(['run', playbook, '-i', hosts, '--limit', limit]);
      expect(bad.code, bad.stdout + bad.stderr).toBe(4);
      expect(bad.stderr).toMatch(message);
    }
  });
});

describe('connection variables from play vars and -e', () => {
  it('reach the connection, per play, with extra vars winning and ansible_become read as a boolean', async () => {
    const work = path.join(dir, 'become');
    await mkdir(work, { recursive: true });
    const playbook = path.join(dir, 'become.yaml');
    // whoami through sudo as the become user; the copy that saves it runs without become (task vars).
    const whoami = (play: string) => [
      '    - id: who',
      '      command: whoami',
      '      register: who',
      '    - id: save',
      `      copy: { dest: "${work}/${play}", content: "{{ who.stdout }}" }`,
      '      vars: { ansible_become: false }',
      '      needs: [who]',
    ];
    await writeFile(playbook, [
      '- name: become user from a templated play var',
      '  hosts: all',
      '  vars: { ansible_become: "yes", ansible_become_user: "{{ service_user }}" }',
      '  tasks:',
      ...whoami('first'),
      '- name: become keyword, default become user',
      '  hosts: all',
      '  become: true',
      '  tasks:',
      ...whoami('second'),
      '',
    ].join('\n'));
    const saved = async () => [await readFile(path.join(work, 'first'), 'utf8'), await readFile(path.join(work, 'second'), 'utf8')];

    const run = await playgraph(['run', playbook, '-i', inventory, '--output', 'json', '-e', 'service_user=nobody']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // The second play's connection is not the first one's: its become user is root again.
    expect(await saved()).toEqual(['nobody', 'root']);

    const off = await playgraph(['run', playbook, '-i', inventory, '--output', 'json', '-e', 'service_user=nobody', '-e', 'ansible_become=false']);
    expect(off.code, off.stdout + off.stderr).toBe(0);
    expect(await saved()).toEqual(['root', 'root']);
  });
});

