import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
