import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playgraph } from './helpers/playgraph.ts';

// Nothing is undone unless the play asks (issue 8, item 11): a failed play leaves core modules'
// changes in place, as Ansible does; with undo_on_failure: true a replaced file gets its old
// content back, a created one is removed, and the recap counts them as undone, not changed.

let dir: string;
let inventory: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-undo-'));
  inventory = path.join(dir, 'hosts.yaml');
  await writeFile(inventory, 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function failingPlay(work: string, undo: boolean) {
  const playbook = path.join(dir, `play-${undo}.yaml`);
  await writeFile(
    playbook,
    [
      '- hosts: all',
      ...(undo ? ['  undo_on_failure: true'] : []),
      '  tasks:',
      `    - copy: { dest: "${work}/replaced", content: "new\\n" }`,
      `    - copy: { dest: "${work}/created", content: "made\\n" }`,
      '    - command: "false"',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(work, 'replaced'), 'old\n');
  return playgraph(['run', playbook, '-i', inventory, '--output', 'json']);
}

function recapOf(run: Awaited<ReturnType<typeof playgraph>>) {
  const end = run.events.find((event) => event.type === 'run-end');
  if (end?.type !== 'run-end') throw new Error(run.stdout + run.stderr);
  return end.recap.localhost;
}

describe('undo on failure', () => {
  it('leaves what a failed play changed in place unless the play asks', async () => {
    const work = await mkdtemp(path.join(dir, 'keep-'));
    const run = await failingPlay(work, false);
    expect(run.code).toBe(2);
    expect(await readFile(path.join(work, 'replaced'), 'utf8')).toBe('new\n');
    expect(await readFile(path.join(work, 'created'), 'utf8')).toBe('made\n');
    expect(run.events.some((event) => event.type === 'rollback-node')).toBe(false);
    expect(recapOf(run)).toMatchObject({ changed: 2, failed: 1, undone: 0 });
  });

  it('with undo_on_failure: puts the old content back, removes what it created, and counts both undone', async () => {
    const work = await mkdtemp(path.join(dir, 'undo-'));
    const run = await failingPlay(work, true);
    expect(run.code).toBe(2);
    expect(await readFile(path.join(work, 'replaced'), 'utf8')).toBe('old\n');
    expect(existsSync(path.join(work, 'created'))).toBe(false);
    expect(recapOf(run)).toMatchObject({ changed: 0, failed: 1, undone: 2 });
  });
});
