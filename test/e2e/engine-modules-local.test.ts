// debug, set_fact, assert, fail, meta and include_vars through the real CLI, with ansible-playbook
// as the oracle on the same playbooks (test/fixtures/e2e/engine-modules/): the values debug shows
// (in the plain, tty and json outputs), the registered results and variable precedence written
// to a file by both tools, run_once results, end_host / end_play in the recap, and fail's
// messages and exit code.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansiblePlaybook, LOCAL_INVENTORY, type AnsibleRun } from './helpers/ansible.ts';
import { nodeEnds, playgraph, REPO, type PlaygraphRun } from './helpers/playgraph.ts';

const FIXTURES = path.join(REPO, 'test/fixtures/e2e/engine-modules');
const TWO_LOCAL_HOSTS = 'all:\n  hosts:\n' + ['h1', 'h2'].map((host) => `    ${host}:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n`).join('');

let dir: string;
const inventories = { local: '', two: '' };
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-engine-modules-'));
  inventories.local = path.join(dir, 'local.yaml');
  inventories.two = path.join(dir, 'two.yaml');
  await writeFile(inventories.local, LOCAL_INVENTORY);
  await writeFile(inventories.two, TWO_LOCAL_HOSTS);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An empty output directory for one tool's run. */
async function outDir(name: string): Promise<string> {
  const out = path.join(dir, name);
  await mkdir(out, { recursive: true });
  return out;
}

/** The results shown after status lines (`ok: [h] => {...}` / `[h] ok: task => {...}`), in order, parsed. */
function shownResults(stdout: string): unknown[] {
  // eslint-disable-next-line no-control-regex
  const plain = stdout.replace(/\x1b\[[0-9;]*m/g, '');
  return [...plain.matchAll(/^(?:ok: \[[^\]]+\]|\[[^\]]+\] ok: .*?) => (\{\n[\s\S]*?\n\})$/gm)].map((match) => JSON.parse(match[1]!));
}

const playbook = (name: string) => path.join(FIXTURES, name);

/** Each file of a directory and its text. */
async function filesIn(directory: string): Promise<Record<string, string>> {
  const names = (await readdir(directory)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(path.join(directory, name), 'utf8')] as const)));
}

describe('engine modules, as ansible-playbook runs them', () => {
  let ansible: AnsibleRun;
  let ansibleOut: string;
  /** playgraph's run of the same playbook, per output kind, and where it wrote. */
  const runs = new Map<string, { run: PlaygraphRun; out: string }>();
  beforeAll(async () => {
    ansibleOut = await outDir('ansible-modules');
    ansible = await ansiblePlaybook(['-i', inventories.local, playbook('modules.yml'), '-e', `out=${ansibleOut}`, '-e', 'under_extra=extra']);
    expect(ansible.code, ansible.stdout).toBe(0);
    for (const output of ['plain', 'tty', 'json']) {
      const out = await outDir(`playgraph-${output}`);
      const run = await playgraph(['run', playbook('modules.yml'), '-i', inventories.local, '-e', `out=${out}`, '-e', 'under_extra=extra', '--output', output], { env: { NO_COLOR: '1' } });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      runs.set(output, { run, out });
    }
  });

  it('registers the same results and gives the variable levels the same precedence', async () => {
    const expected = JSON.parse(await readFile(path.join(ansibleOut, 'results.json'), 'utf8'));
    const actual = JSON.parse(await readFile(path.join(runs.get('plain')!.out, 'results.json'), 'utf8'));
    expect(actual).toEqual(expected);
    // What the comparison stands on, so that two equally wrong tools could not pass it.
    expect(expected).toMatchObject({ over_task: 'included', under_set_fact: 'set_fact', under_extra: 'extra', replaced: { msg: 'registered' } });
    expect(expected.assert_bad).toMatchObject({ failed: true, assertion: 'only_included | length == 3', evaluated_to: false, msg: 'expected three, got 2' });
  });

  it('shows what debug and assert show, in the plain, tty and json outputs', () => {
    const expected = shownResults(ansible.stdout);
    expect(expected).toContainEqual({ msg: 'hello 1,2,3' });
    expect(expected).toContainEqual({ not_a_variable: 'VARIABLE IS NOT DEFINED!' });
    for (const [output, { run }] of runs) {
      const shown = output === 'json' ? nodeEnds(run).flatMap((event) => (event.result ? [event.result] : [])) : shownResults(run.stdout);
      expect(shown, output).toEqual(expected);
    }
  });
});

describe('meta and fail, as ansible-playbook runs them', () => {
  it('ends the play for one host or for all without failing them, and fails with the messages and exit code Ansible gives', async () => {
    const ansibleOut = await outDir('ansible-meta');
    const out = await outDir('playgraph-meta');
    const ansible = await ansiblePlaybook(['-i', inventories.two, playbook('meta.yml'), '-e', `out=${ansibleOut}`]);
    const run = await playgraph(['run', playbook('meta.yml'), '-i', inventories.two, '-e', `out=${out}`, '--output', 'json']);
    expect(ansible.code).toBe(2);
    expect(run.code).toBe(ansible.code);
    // end_host: h1 ran neither the next task nor the handler; end_play: nobody ran the next task;
    // run_once: both hosts got the one result and fact.
    expect(await filesIn(out)).toEqual(await filesIn(ansibleOut));
    expect(await filesIn(ansibleOut)).toMatchObject({ 'handler-h2': 'ran\n', 'run-once-h1': 'h1 h1\n', 'run-once-h2': 'h1 h1\n' });
    const recap = (run.events.find((event) => event.type === 'run-end') as { recap: Record<string, Record<string, number>> }).recap;
    for (const host of ['h1', 'h2']) {
      // Ansible's ok also counts changed tasks; failed, changed and skipped mean the same in both.
      for (const column of ['failed', 'changed', 'skipped']) expect(recap[host]![column], `${host} ${column}`).toBe(ansible.recap[host]![column]);
    }
    const failures = nodeEnds(run).filter((event) => event.status === 'failed').map((event) => [event.node.host, event.message]);
    expect(failures.sort()).toEqual([['h1', 'h1 stops here'], ['h2', 'Failed as requested from task']]);
    for (const [host, message] of failures) expect(ansible.stdout).toContain(`fatal: [${host}]: FAILED! => {"changed": false, "msg": "${message}"}`);
  });
});
