import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ansiblePlaybook } from './helpers/ansible.ts';
import { playgraph, recapTotals, type PlaygraphRun } from './helpers/playgraph.ts';
import { snapshotTree } from './helpers/snapshot.ts';

// An Ansible project run unchanged by ansible-playbook and by playgraph on the lab's hosts over
// SSH, the hosts' work directory wiped in between (issue 8's parity test): every file's path,
// type, mode, owner and content, and each host's recap, must agree; playgraph's rerun changes
// nothing and its --check touches nothing; the no_log secret shows nowhere in its output.

const lab = inject('lab');
const playbook = 'test/fixtures/e2e/parity-project/site.yml';
const work = `/tmp/pg-parity-${process.pid}`;
const onHost = (root: string) => path.join(root, work.replace(/^\/tmp\//, 'tmp/'));
const SECRET = 's3cr3t-parity-token';

async function wipe(): Promise<void> {
  await Promise.all(lab.hosts.map((host) => rm(onHost(host.root), { recursive: true, force: true })));
}

/** Each host's work directory: path, type, mode, owner and content of everything in it. */
async function snapshot(): Promise<Record<string, string[]>> {
  const hosts: Record<string, string[]> = {};
  for (const host of lab.hosts) hosts[host.name] = await snapshotTree(onHost(host.root));
  return hosts;
}

function recapOf(run: PlaygraphRun) {
  const end = run.events.find((event) => event.type === 'run-end');
  if (end?.type !== 'run-end') throw new Error(run.stdout + run.stderr);
  return end.recap;
}

describe('an Ansible project on the lab: ansible-playbook and playgraph agree', () => {
  it('writes the same files with the same modes, owners and contents, with the same recap; reruns clean', async () => {
    const args = ['-i', lab.inventoryFile, playbook, '-e', `work=${work}`];
    await wipe();
    const ansible = await ansiblePlaybook(args);
    expect(ansible.code, ansible.stdout).toBe(0);
    const theirs = await snapshot();
    expect(ansible.stdout).not.toContain(SECRET);

    await wipe();
    const ours = await playgraph(['run', ...args, '--known-hosts', lab.knownHostsFile, '--output', 'json']);
    expect(ours.code, ours.stdout + ours.stderr).toBe(0);
    expect(await snapshot()).toEqual(theirs);
    expect(ours.stdout + ours.stderr).not.toContain(SECRET);
    const recap = recapOf(ours);
    for (const host of lab.hosts) {
      const mine = recap[host.name]!;
      const reference = ansible.recap[host.name]!;
      const shown = `${host.name}: ${JSON.stringify(mine)} vs Ansible ${JSON.stringify(reference)}`;
      // Ansible's ok counts changed tasks too, and one per file include_tasks included for the
      // host ("included: ... for server1, server2"); playgraph's ok is the unchanged tasks, and it
      // reads include_tasks as the tasks it brings in.
      const included = ansible.stdout.split('\n').filter((line) => /^included: .* for /.test(line) && line.split(' for ')[1]!.split(/[\s,]+/).includes(host.name)).length;
      expect(mine.ok + mine.changed + included, shown).toBe(reference.ok);
      for (const column of ['changed', 'failed', 'skipped', 'rescued'] as const) expect(mine[column], shown).toBe(reference[column]);
    }

    const rerun = await playgraph(['run', ...args, '--known-hosts', lab.knownHostsFile, '--output', 'json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(recapTotals(rerun).changed).toBe(0);
    const check = await playgraph(['run', ...args, '--known-hosts', lab.knownHostsFile, '--output', 'json', '--check', '--diff']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout + check.stderr).not.toContain(SECRET);
    expect(await snapshot()).toEqual(theirs);
    await wipe();
  });
});
