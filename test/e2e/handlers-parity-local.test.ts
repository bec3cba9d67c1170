import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgraph } from './helpers/playgraph.ts';

// Handlers as Ansible runs them, with ansible-playbook itself as the oracle: one playbook written
// for Ansible (pre_tasks, tasks, post_tasks, meta: flush_handlers, listen), run by both on the
// local connection, and the order in which tasks and handlers ran compared line by line.

const playbook = 'test/fixtures/e2e/handlers/handlers.yaml';
let dir: string;
let inventory: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-handlers-'));
  inventory = path.join(dir, 'hosts.yaml');
  await writeFile(inventory, 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function ansibleLog(): Promise<string> {
  const log = path.join(dir, 'ansible.log');
  await promisify(execFile)('ansible-playbook', ['-i', inventory, playbook, '-e', `log=${log}`], {
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_RETRY_FILES_ENABLED: 'False' },
  });
  return readFile(log, 'utf8');
}

describe('handlers flush where ansible-playbook flushes them', () => {
  it('runs tasks and handlers in the order Ansible does, each handler once per flush', async () => {
    const expected = await ansibleLog();
    const log = path.join(dir, 'playgraph.log');
    const run = await playgraph(['run', playbook, '-i', inventory, '-e', `log=${log}`]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const actual = await readFile(log, 'utf8');
    expect(actual.split('\n')).toEqual(expected.split('\n'));
    // What the oracle says, so a change in Ansible's behaviour is seen here rather than hidden:
    expect(expected.split('\n').filter(Boolean)).toEqual([
      'pre', 'second', 'one', 'two', 'first', 'second', 'listener-a', 'listener-b', 'three', 'unchanged', 'first', 'post', 'second',
    ]);
  });
});
