import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_LOG_MESSAGE } from '../../src/run/no-log.ts';
import { LOCAL_INVENTORY, ansiblePlaybook, type AnsibleRun } from './helpers/ansible.ts';
import { nodeEnds, playgraph, type PlaygraphRun } from './helpers/playgraph.ts';
import { snapshotPaths } from './helpers/snapshot.ts';

// Task keywords with ansible-playbook as the oracle: playbooks written for Ansible (key=value
// arguments, args:, with_<lookup> loops, loop_control, when per item, environment, no_log,
// check_mode, diff, become_user) run by both tools on the local connection, into directories of
// their own; what each left on disk and its recap must agree, and no_log's value must appear in
// no output of either.

const FIXTURES = 'test/fixtures/e2e/keywords-ansible';
const HUSH = 'zebra-42-quiet';
let dir: string;
let inventory: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-keywords-parity-'));
  inventory = path.join(dir, 'hosts.yaml');
  await writeFile(inventory, LOCAL_INVENTORY);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let outs = 0;
async function freshOut(name: string): Promise<string> {
  const out = path.join(dir, `${name}-${outs++}`);
  await mkdir(out);
  return out;
}

/** What a run left under `out`: each path (relative) with its type, mode, owner and content hash. */
async function tree(out: string): Promise<string[]> {
  return [...(await snapshotPaths([out])).entries()].map(([file, state]) => `${path.relative(out, file)} ${state}`).sort();
}

function recapRow(run: PlaygraphRun) {
  const end = run.events.find((event) => event.type === 'run-end');
  if (end?.type !== 'run-end') throw new Error(run.stdout + run.stderr);
  return end.recap.localhost!;
}

/** playgraph's recap against Ansible's: Ansible's ok counts changed tasks too. */
function expectSameRecap(ours: PlaygraphRun, theirs: AnsibleRun): void {
  const row = recapRow(ours);
  const ansible = theirs.recap.localhost!;
  const shown = `${JSON.stringify(row)} vs Ansible ${JSON.stringify(ansible)}`;
  expect(row.ok + row.changed, `ok: ${shown}`).toBe(ansible.ok);
  for (const column of ['changed', 'failed', 'skipped'] as const) expect(row[column], `${column}: ${shown}`).toBe(ansible[column]);
}

describe('task keywords as ansible-playbook runs them', () => {
  it('leaves the same files, modes, owners and contents, with the same recap, and a rerun changes what Ansible\'s does', async () => {
    const playbook = `${FIXTURES}/site.yaml`;
    const theirs = await freshOut('ansible');
    const ours = await freshOut('playgraph');
    const ansible = await ansiblePlaybook(['-i', inventory, playbook, '-e', `out=${theirs}`]);
    expect(ansible.code, ansible.stdout).toBe(0);
    const run = await playgraph(['run', playbook, '-i', inventory, '-e', `out=${ours}`, '--output', 'json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await tree(ours)).toEqual(await tree(theirs));
    expectSameRecap(run, ansible);
    // The oracle's own answers, so a change in Ansible shows here rather than hides.
    const read = (file: string) => readFile(path.join(theirs, file), 'utf8');
    expect(await read('index-2')).toBe('three 2 3 True name');
    expect(await read('whens.txt')).toBe('[1, 2, 3] [2]');
    expect(await read('whoami.txt')).toBe('nobody');
    expect(await read('after-secret.txt')).toBe('True secret.txt');
    expect(existsSync(path.join(theirs, 'checked.txt'))).toBe(false);

    const again = await playgraph(['run', playbook, '-i', inventory, '-e', `out=${ours}`, '--output', 'json']);
    const ansibleAgain = await ansiblePlaybook(['-i', inventory, playbook, '-e', `out=${theirs}`]);
    expectSameRecap(again, ansibleAgain);
    expect(await tree(ours)).toEqual(await tree(theirs));
  });
});

describe('no_log, diff and check_mode in what a run shows', () => {
  const playbook = `${FIXTURES}/outputs.yaml`;

  it('keep the no_log value out of every output, and show diffs where diff: says, as Ansible', async () => {
    const theirs = await freshOut('outputs-ansible');
    const ansible = await ansiblePlaybook(['-i', inventory, playbook, '-e', `out=${theirs}`, '--diff']);
    expect(ansible.code, ansible.stdout).toBe(0);
    expect(ansible.stdout).not.toContain(HUSH);
    expect(ansible.stdout).toContain('marker-shown');
    expect(ansible.stdout).not.toContain('marker-hidden');

    const ours = await freshOut('outputs-playgraph');
    const runs = [
      await playgraph(['run', playbook, '-i', inventory, '-e', `out=${ours}`, '--output', 'plain', '--diff']),
      await playgraph(['run', playbook, '-i', inventory, '-e', `out=${await freshOut('json')}`, '--output', 'json', '--diff']),
      await playgraph(['run', playbook, '-i', inventory, '-e', `out=${await freshOut('nodiff')}`, '--output', 'plain']),
      await playgraph(['run', playbook, '-i', inventory, '-e', `out=${await freshOut('check')}`, '--output', 'json', '--check', '--diff']),
    ];
    for (const run of runs) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(HUSH);
      // diff: true shows its change without --diff; diff: false hides it even with --diff.
      expect(run.stdout).toContain('marker-shown');
      expect(run.stdout).not.toContain('marker-hidden');
    }
    expect(runs[0]!.stdout).toContain(NO_LOG_MESSAGE);
    const hidden = nodeEnds(runs[1]!).filter((event) => event.message === NO_LOG_MESSAGE);
    expect(hidden.map((event) => [event.status, event.ignoredError ?? false, event.files])).toEqual([['changed', false, undefined], ['failed', true, undefined]]);
    // What a no_log task registered stays whole for later tasks: the same as Ansible's.
    expect(await tree(ours)).toEqual(await tree(theirs));
    expect(await readFile(path.join(theirs, 'stderr.txt'), 'utf8')).toBe(`3 ${`leak ${HUSH}`.length}`);
  });

  it('check_mode: true only plans in a normal run, false applies even under --check, as Ansible', async () => {
    const theirs = await freshOut('check-ansible');
    await ansiblePlaybook(['-i', inventory, playbook, '-e', `out=${theirs}`, '--check']);
    const ours = await freshOut('check-playgraph');
    const run = await playgraph(['run', playbook, '-i', inventory, '-e', `out=${ours}`, '--output', 'json', '--check']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const out of [theirs, ours]) {
      expect(existsSync(path.join(out, 'applied.txt')), out).toBe(true);
      expect(existsSync(path.join(out, 'planned.txt')), out).toBe(false);
      expect(existsSync(path.join(out, 'secret.txt')), out).toBe(false);
    }
    expect(nodeEnds(run).find((event) => event.node.taskId === 'task1')).toMatchObject({ status: 'changed', planned: true });
    expect(nodeEnds(run).find((event) => event.node.taskId === 'task2')).toMatchObject({ status: 'changed' });
    expect(nodeEnds(run).find((event) => event.node.taskId === 'task2')).not.toHaveProperty('planned');
  });

  it("a no_log task's bad input is exit 4 at its place, its value not shown", async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, ['- hosts: all', '  tasks:', '    - copy: dest=/tmp/x content="{{ hush }}" bogus=1', '      no_log: true', `  vars: { hush: ${HUSH} }`, ''].join('\n'));
    const run = await playgraph(['run', bad, '-i', inventory]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`bad.yaml:3:`);
    expect(run.stderr).toContain(NO_LOG_MESSAGE);
    expect(run.stdout + run.stderr).not.toContain(HUSH);
    expect(run.stdout + run.stderr).not.toContain('bogus');
  });
});
