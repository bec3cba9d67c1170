import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ansiblePlaybook } from './helpers/ansible.ts';
import { playgraph, recapTotals } from './helpers/playgraph.ts';
import { snapshotTree } from './helpers/snapshot.ts';

// stat, lineinfile, blockinfile and replace on the lab's hosts over SSH: ansible-playbook runs
// the playbook on seeded files first (the reference), then, on the same seed, playgraph's
// --check changes nothing, its run leaves every file as Ansible left it (content, mode, owner,
// and what stat registered), and its rerun changes nothing. stat's whole result is compared too.

const lab = inject('lab');
const playbook = 'test/fixtures/e2e/file-modules/site.yml';
const statPlaybook = 'test/fixtures/e2e/file-modules/stat-dump.yml';
const work = `/tmp/pg-file-modules-${process.pid}`;
const onHost = (root: string) => path.join(root, work.replace(/^\/tmp\//, 'tmp/'));
// One host is enough for the modules; the whole playbook still goes over SSH through the inventory.
const host = lab.hosts[0]!;

const SEED: Record<string, string> = {
  'app.conf': '# comment one\nport 6379\nname cache\nbind 127.0.0.1\n# comment two\n;; BEGIN old\nstale\n;; END old\n',
  'sections.ini': '[client]\ntimeout=5\n[server]\ntimeout=10\nretries=1\n[client]\ntimeout=5\n',
};

async function seed(): Promise<void> {
  const dir = onHost(host.root);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(SEED)) await writeFile(path.join(dir, name), content);
  await symlink('app.conf', path.join(dir, 'link.conf'));
}

const snapshot = () => snapshotTree(onHost(host.root));

describe('file modules on the lab: playgraph edits files as ansible-playbook does', () => {
  it('--check changes nothing, the run matches Ansible file for file, the rerun changes nothing', async () => {
    const args = ['-i', lab.inventoryFile, playbook, '-e', `work=${work}`, '--limit', host.name];
    const ours = ['run', ...args, '--known-hosts', lab.knownHostsFile, '--output', 'json'];
    await seed();
    const ansible = await ansiblePlaybook(args);
    expect(ansible.code, ansible.stdout).toBe(0);
    const theirs = await snapshot();
    // What stat registered, written by the playbook: the same file from both tools below.
    const registered = JSON.parse(await readFile(path.join(onHost(host.root), 'stat.json'), 'utf8'));
    expect(registered).toMatchObject({ exists: true, isreg: true, islnk: false, mode: '0644', pw_name: 'root', missing: { exists: false } });
    expect(registered.checksum).toMatch(/^[0-9a-f]{40}$/);
    expect(registered.link).toEqual({ islnk: true, lnk_target: 'app.conf', lnk_source: `${work}/app.conf`, mode: '0777' });

    await seed();
    const seeded = await snapshot();
    const check = await playgraph([...ours, '--check', '--diff']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(await snapshot()).toEqual(seeded);
    // On the host: 5 lineinfile, 3 blockinfile, 2 replace and the stat.json copy planned.
    expect(recapTotals(check).changed).toBe(11);

    const run = await playgraph(ours);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await snapshot()).toEqual(theirs);
    expect(recapTotals(run).changed).toBe(ansible.recap[host.name]!['changed']);

    const rerun = await playgraph(ours);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(recapTotals(rerun).changed).toBe(0);
    expect(await snapshot()).toEqual(theirs);
    await rm(onHost(host.root), { recursive: true, force: true });
  });

  it("registers what Ansible's stat registers, field for field", async () => {
    await seed();
    const dump = async (run: (args: string[]) => Promise<{ code: number }>, name: string) => {
      const out = `/tmp/pg-stat-${process.pid}-${name}.json`;
      const result = await run(['-i', lab.inventoryFile, statPlaybook, '-e', `work=${work}`, '-e', `out=${out}`, '--limit', host.name]);
      expect(result.code).toBe(0);
      const file = path.join(host.root, out.slice(1));
      const text = await readFile(file, 'utf8');
      await rm(file);
      return JSON.parse(text) as Record<string, Record<string, unknown>>;
    };
    const theirs = await dump(ansiblePlaybook, 'ansible');
    const ours = await dump((args) => playgraph(['run', ...args, '--known-hosts', lab.knownHostsFile]), 'playgraph');
    expect(theirs['missing']).toEqual({ exists: false });
    expect(theirs['link']!['islnk']).toBe(true);
    for (const [name, reference] of Object.entries(theirs)) {
      const mine = ours[name]!;
      // atime moves when Ansible's stat reads the file first.
      const skipped = new Set(['atime']);
      for (const key of Object.keys(reference).filter((key) => !skipped.has(key))) {
        const [a, b] = [mine[key], reference[key]];
        if (typeof b === 'number' && !Number.isInteger(b)) expect(Math.abs(Number(a) - b), `${name}.${key}`).toBeLessThan(1e-5);
        else expect(a, `${name}.${key}`).toEqual(b);
      }
      expect(Object.keys(mine).filter((key) => !(key in reference)), name).toEqual([]);
    }
    await rm(onHost(host.root), { recursive: true, force: true });
  });
});
