import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEnds, playgraph, recapTotals, statuses } from './helpers/playgraph.ts';

let dir: string;
let inventory: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-keywords-'));
  inventory = path.join(dir, 'hosts.yaml');
  await writeFile(inventory, 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('task keywords over the local connection', () => {
  it('when, loop, register, until/retries, ignore_errors, failed_when, changed_when, notify, user modules', async () => {
    const work = path.join(dir, 'work');
    const args = ['run', 'test/fixtures/e2e/keywords.yaml', '-i', inventory, '--output', 'json', '-e', `work_dir=${work}`];
    const first = await playgraph(args);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const report = statuses(first);
    expect(report['skipped-by-when@localhost']).toBe('skipped');
    expect(existsSync(path.join(work, 'never'))).toBe(false);
    expect(await readFile(path.join(work, 'red'), 'utf8')).toBe('red\n');
    expect(await readFile(path.join(work, 'green'), 'utf8')).toBe('green\n');
    // count ran after both loop items had written their files
    expect(await readFile(path.join(work, 'count'), 'utf8')).toBe('2 files, 2 looped\n');
    expect(await readFile(path.join(work, 'tries'), 'utf8')).toBe('3\n');
    expect(report['tolerated@localhost']).toBe('failed');
    expect(await readFile(path.join(work, 'tolerated-rc'), 'utf8')).toBe('1\n');
    expect(report['grep-miss@localhost']).toBe('ok');
    expect(await readFile(path.join(work, 'stamp'), 'utf8')).toBe('from a user module');
    expect(report['announce@localhost']).toBe('changed');
    expect(recapTotals(first).failed).toBe(0);

    const second = await playgraph(args);
    expect(second.code, second.stderr).toBe(0);
    const again = statuses(second);
    expect(again['announce@localhost']).toBe('skipped'); // not notified: the stamp did not change
    expect(again['custom@localhost']).toBe('ok');
  });

  it('a failed until gives up after its retries; --check only plans it', async () => {
    const playbook = path.join(dir, 'until.yaml');
    await writeFile(playbook, [
      '- hosts: all',
      '  tasks:',
      '    - id: never-ready',
      '      command: "echo no"',
      '      register: r',
      '      until: r.stdout == "yes"',
      '      retries: 2',
      '      delay: 0',
      '',
    ].join('\n'));
    const run = await playgraph(['run', playbook, '-i', inventory, '--output', 'json']);
    expect(run.code).toBe(2);
    const end = run.events.find((event) => event.type === 'node-end');
    expect(end && end.type === 'node-end' && end.message).toMatch(/retries exhausted \(2\)/);

    // --check plans the command: there is no result for until to look at, so until is not evaluated.
    const check = await playgraph(['run', playbook, '-i', inventory, '--output', 'json', '--check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(nodeEnds(check).find((event) => event.node.taskId === 'never-ready')).toMatchObject({ status: 'changed', planned: true });
  });

  it('until retries a failing command: it registers each failed attempt and succeeds on the third', async () => {
    const work = path.join(dir, 'until-exit');
    const playbook = path.join(dir, 'until-exit.yaml');
    // Fails (exit 1) on its first two runs, succeeds on the third: each run counts itself in a file.
    await writeFile(playbook, [
      '- hosts: all',
      '  tasks:',
      '    - id: workdir',
      `      file: { path: "${work}", state: directory }`,
      '    - id: flaky-exit',
      `      shell: "n=$(cat ${work}/runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${work}/runs; [ $n -ge 3 ]"`,
      '      register: r',
      '      until: r.rc == 0',
      '      retries: 4',
      '      delay: 0',
      '      needs: [workdir]',
      '    - id: report',
      `      copy: { dest: "${work}/result", content: "{{ r.attempts }} {{ r.rc }} {{ r.failed }}" }`,
      '      needs: [flaky-exit]',
      '',
    ].join('\n'));
    const run = await playgraph(['run', playbook, '-i', inventory, '--output', 'json']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(statuses(run)['flaky-exit@localhost']).toBe('changed');
    expect(await readFile(path.join(work, 'runs'), 'utf8')).toBe('3\n');
    expect(await readFile(path.join(work, 'result'), 'utf8')).toBe('3 0 False');
  });

  it('until on a command that always fails: retries+1 attempts, then the task fails with the last attempt registered', async () => {
    const work = path.join(dir, 'until-never');
    const playbook = path.join(dir, 'until-never.yaml');
    await writeFile(playbook, [
      '- hosts: all',
      '  tasks:',
      '    - id: workdir',
      `      file: { path: "${work}", state: directory }`,
      '    - id: always-fails',
      `      shell: "n=$(cat ${work}/runs 2>/dev/null || echo 0); echo $((n+1)) > ${work}/runs; echo nope >&2; exit 7"`,
      '      register: r',
      '      until: r.rc == 0',
      '      retries: 2',
      '      delay: 0',
      '      ignore_errors: true',
      '      needs: [workdir]',
      '    - id: report',
      `      copy: { dest: "${work}/result", content: "{{ r.attempts }} {{ r.rc }} {{ r.failed }} {{ r.stderr | trim }}" }`,
      '      needs: [always-fails]',
      '',
    ].join('\n'));
    const run = await playgraph(['run', playbook, '-i', inventory, '--output', 'json']);
    const end = nodeEnds(run).find((event) => event.node.taskId === 'always-fails');
    expect(end?.status, run.stdout + run.stderr).toBe('failed');
    expect(end?.message).toMatch(/retries exhausted \(2\)/);
    expect(await readFile(path.join(work, 'runs'), 'utf8')).toBe('3\n');
    // As Ansible registers it: `attempts` is the retries count once they are exhausted.
    expect(await readFile(path.join(work, 'result'), 'utf8')).toBe('2 7 True nope');
  });

  it('Ctrl-C aborts in-flight work and still prints the recap', async () => {
    const playbook = path.join(dir, 'slow.yaml');
    // A sleep no other process has: other test files (run at the same time) start `sleep 30`
    // too, and interrupting before this run's own sleep starts would kill the CLI by the signal.
    const sleep = `sleep 29.${process.pid}`;
    await writeFile(playbook, `- hosts: all\n  tasks:\n    - id: slow\n      command: "${sleep}"\n    - id: later\n      command: "true"\n      needs: [slow]\n`);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['bin/playgraph.js', 'run', playbook, '-i', inventory, '--output', 'plain'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const started = Date.now();
    // Wait until the sleep is running, then interrupt as a terminal would.
    while (!(await psList()).includes(sleep)) {
      if (Date.now() - started > 20_000) throw new Error('sleep never started');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // Ansible's code for an interrupted run, not a task failure's 2.
    expect(code).toBe(99);
    expect(out).toMatch(/PLAY RECAP/);
    expect(out).toMatch(/localhost\s*:.*failed=1/);
    expect(await psList()).not.toContain(sleep);
  });
});

describe('several plays', () => {
  it('run in order, import_playbook splices plays in, a failed host sits out later plays', async () => {
    const hosts = path.join(dir, 'two.ini');
    await writeFile(hosts, 'a ansible_connection=local\nb ansible_connection=local\n');
    const work = path.join(dir, 'plays');
    const run = await playgraph(['run', 'test/fixtures/e2e/site.yaml', '-i', hosts, '--output', 'json', '-e', `work_dir=${work}`]);
    expect(run.code).toBe(2);
    const plays = run.events.flatMap((event) => (event.type === 'play-start' ? [event.name] : []));
    expect(plays).toEqual(['basics', 'second play', 'third play']);
    const report = statuses(run);
    expect(report['fails-on-a@a']).toBe('failed');
    expect(report['fails-on-a@b']).toBe('changed');
    expect(report['after-plays@a']).toBe('blocked');
    expect(report['after-plays@b']).toBe('changed');
    expect(existsSync(path.join(work, 'a-third'))).toBe(false);
  });
});

async function psList(): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => execFile('ps', ['-eo', 'args'], (_error, stdout) => resolve(stdout)));
}
