import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_INVENTORY, ansiblePlaybook } from './helpers/ansible.ts';
import { playgraph } from './helpers/playgraph.ts';
import { snapshotTree } from './helpers/snapshot.ts';

// Ansible's semantics with ansible-playbook itself as the oracle: playbooks written for Ansible
// (no ids, no needs), run by both on the local connection, each task appending its name to a log;
// the order things ran in, and the recap, must agree.

let dir: string;
let inventory: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-parity-'));
  inventory = path.join(dir, 'hosts.yaml');
  await writeFile(inventory, LOCAL_INVENTORY);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the playbook with both tools, each logging to its own file; returns both runs and logs. */
async function runBoth(playbook: string) {
  const ansibleLog = path.join(dir, `${path.basename(playbook)}.ansible.log`);
  const ansible = await ansiblePlaybook(['-i', inventory, playbook, '-e', `log=${ansibleLog}`]);
  const log = path.join(dir, `${path.basename(playbook)}.playgraph.log`);
  const ours = await playgraph(['run', playbook, '-i', inventory, '-e', `log=${log}`, '--output', 'json']);
  const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n');
  return { ansible, ours, expected: await lines(ansibleLog), actual: await lines(log) };
}

describe('handlers flush where ansible-playbook flushes them', () => {
  it('runs tasks and handlers in the order Ansible does, each handler once per flush', async () => {
    const { ansible, ours, expected, actual } = await runBoth('test/fixtures/e2e/handlers/handlers.yaml');
    expect(ansible.code, ansible.stdout).toBe(0);
    expect(ours.code, ours.stdout + ours.stderr).toBe(0);
    expect(actual).toEqual(expected);
    // What the oracle says, so a change in Ansible's behaviour is seen here rather than hidden:
    expect(expected.filter(Boolean)).toEqual([
      'pre', 'second', 'one', 'two', 'first', 'second', 'listener-a', 'listener-b', 'three', 'unchanged', 'first', 'post', 'second',
    ]);
  });
});

describe('include_tasks and import_tasks as ansible-playbook runs them', () => {
  it('includes per loop item with loop_var and index_var, applies when and apply, in order', async () => {
    for (const tags of [[], ['--tags', 'applied']]) {
      const playbook = 'test/fixtures/e2e/includes/includes.yaml';
      const ansibleLog = path.join(dir, `includes${tags.length}.ansible.log`);
      const ansible = await ansiblePlaybook(['-i', inventory, playbook, '-e', `log=${ansibleLog}`, ...tags]);
      expect(ansible.code, ansible.stdout).toBe(0);
      const log = path.join(dir, `includes${tags.length}.playgraph.log`);
      const ours = await playgraph(['run', playbook, '-i', inventory, '-e', `log=${log}`, ...tags]);
      expect(ours.code, ours.stdout + ours.stderr).toBe(0);
      expect((await readFile(log, 'utf8')).split('\n')).toEqual((await readFile(ansibleLog, 'utf8')).split('\n'));
    }
    expect((await readFile(path.join(dir, 'includes0.ansible.log'), 'utf8')).split('\n').filter(Boolean)).toEqual([
      'hello ann 0', 'bye ann', 'hello bob 1', 'bye bob', 'tagged', 'hello carol 9', 'bye carol', 'tagged',
    ]);
    expect((await readFile(path.join(dir, 'includes2.ansible.log'), 'utf8')).split('\n').filter(Boolean)).toEqual(['tagged']);
  });
});

describe('blocks run as ansible-playbook runs them', () => {
  it('rescues, runs always, skips and stops where Ansible does, with the same recap', async () => {
    const { ansible, ours, expected, actual } = await runBoth('test/fixtures/e2e/blocks/blocks.yaml');
    expect(actual).toEqual(expected);
    expect(expected.filter(Boolean)).toEqual([
      'b1', 'b2', 'r1', 'a1', 'ok inherited', 'inner', 'inner-rescue', 'always-2', 'after', 'last', 'cleanup',
    ]);
    expect(ansible.code).toBe(2);
    expect(ours.code, ours.stderr).toBe(2);
    const end = ours.events.find((event) => event.type === 'run-end');
    if (end?.type !== 'run-end') throw new Error(ours.stdout + ours.stderr);
    const row = end.recap.localhost;
    const theirs = ansible.recap.localhost;
    const shown = `${JSON.stringify(row)} vs Ansible ${JSON.stringify(theirs)}`;
    // Ansible's ok counts changed tasks too; playgraph's ok is the unchanged ones.
    expect(row.ok + row.changed, `ok: ${shown}`).toBe(theirs.ok);
    for (const column of ['changed', 'failed', 'skipped', 'rescued'] as const) expect(row[column], `${column}: ${shown}`).toBe(theirs[column]);
  });
});

describe('roles run as ansible-playbook runs them', () => {
  it('finds roles, their dependencies, defaults, vars, params, handlers, templates and files as Ansible does', async () => {
    const playbook = 'test/fixtures/e2e/roles/site.yml';
    const theirs = path.join(dir, 'roles-ansible');
    const ours = path.join(dir, 'roles-playgraph');
    await mkdir(theirs);
    await mkdir(ours);
    const ansible = await ansiblePlaybook(['-i', inventory, playbook, '-e', `out=${theirs}`]);
    expect(ansible.code, ansible.stdout).toBe(0);
    const run = await playgraph(['run', playbook, '-i', inventory, '-e', `out=${ours}`, '--output', 'json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await snapshotTree(ours)).toEqual(await snapshotTree(theirs));
    // The oracle's own answer for the order and the precedence, so a change in Ansible shows here.
    expect((await readFile(path.join(theirs, 'log'), 'utf8')).split('\n').filter(Boolean)).toEqual([
      'pre', 'common common-default', 'web web from-play', 'db 5433 common-default', 'db-extra imported 5432', 'restart-web', 'play-handler',
    ]);
    const end = run.events.find((event) => event.type === 'run-end');
    if (end?.type !== 'run-end') throw new Error(run.stdout + run.stderr);
    expect(end.recap.localhost.changed).toBe(ansible.recap.localhost.changed);
  });
});

describe('serial, linear and max_fail_percentage as ansible-playbook runs them', () => {
  it('runs each batch before the next, each linear task on every host first, and stops past the failure limit', async () => {
    const hosts = path.join(dir, 'four-hosts.yaml');
    const local = '      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n';
    await writeFile(hosts, `all:\n  hosts:\n${['h1', 'h2', 'h3', 'h4'].map((h) => `    ${h}:\n${local}`).join('')}`);
    const playbook = 'test/fixtures/e2e/strategy/strategy.yaml';
    const ansibleLog = path.join(dir, 'strategy.ansible.log');
    const ansible = await ansiblePlaybook(['-i', hosts, playbook, '-e', `log=${ansibleLog}`]);
    const log = path.join(dir, 'strategy.playgraph.log');
    const ours = await playgraph(['run', playbook, '-i', hosts, '-e', `log=${log}`, '--output', 'json']);
    expect(ours.code, ours.stderr).toBe(ansible.code);

    const batchOf: Record<string, number> = { h1: 0, h2: 1, h3: 1, h4: 2 };
    for (const file of [ansibleLog, log]) {
      const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
      const phase = (prefix: string) => lines.map((line, index) => ({ line, index })).filter(({ line }) => line.startsWith(prefix));
      // serial: the batches [h1], [h2, h3], [h4] one after another, each running both tasks.
      const serial = phase('serial-').map(({ line }) => batchOf[line.split(' ')[1]!]!);
      expect(serial, file).toEqual([...serial].sort());
      expect(serial, file).toHaveLength(8);
      // linear: every host's first task before any host's second.
      const linear = phase('linear-').map(({ line }) => line.split(' ')[0]);
      expect(linear, file).toEqual(['linear-a', 'linear-a', 'linear-a', 'linear-a', 'linear-b', 'linear-b', 'linear-b', 'linear-b']);
      // max_fail_percentage 20: h2's failure is 25% of the hosts, so no second task and no later play.
      expect(phase('maxfail-').map(({ line }) => line).sort(), file).toEqual(['maxfail-a h1', 'maxfail-a h2', 'maxfail-a h3', 'maxfail-a h4']);
      expect(phase('after'), file).toEqual([]);
    }
    expect((await readFile(log, 'utf8')).split('\n').sort()).toEqual((await readFile(ansibleLog, 'utf8')).split('\n').sort());
  });
});
