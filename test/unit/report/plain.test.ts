import { describe, expect, it } from 'vitest';
import { PlainReporter } from '../../../src/report/plain.ts';
import type { RunEvent } from '../../../src/run/events.ts';
import { StringStream, stripAnsi } from './collect.ts';
import { PASSWORD, applyRun, checkRun } from './fixtures.ts';

async function render(events: RunEvent[], options: { diff?: boolean; verbose?: boolean; color?: boolean } = {}): Promise<string> {
  const stream = new StringStream();
  const reporter = new PlainReporter({ stream, diff: options.diff ?? false, verbose: options.verbose, color: options.color });
  for (const event of events) reporter.emit(event);
  await reporter.done();
  return stream.text;
}

describe('PlainReporter', () => {
  it('prints one Ansible-like line per outcome and the recap at the end', async () => {
    expect((await render(applyRun)).split('\n')).toEqual([
      'PLAYBOOK [playbooks/cluster.yaml] 2 hosts, 8 tasks',
      '',
      'PLAY [Redis cluster] server1, server2',
      '[server2] ok: build (Build redis from source) — redis 7.0.15 already installed',
      '[server1] changed: build (Build redis from source) — built and installed redis 7.0.15',
      '[server1] skipped: tune (Tune the kernel) — when: tune_kernel was false',
      '[server1] changed: config (Write node configs) — write /etc/redis/7300.conf',
      `[server2] [WARNING]: config (Write node configs) — masterauth ${PASSWORD} differs from requirepass`,
      `[server2] failed: config (Write node configs) — server2: command failed (exit 1): redis-cli -a ${PASSWORD} ping`,
      '    NOAUTH Authentication required.',
      '[server2] blocked: start (Start nodes) — blocked by Redis cluster/config@server2',
      '[server1] ok: start (Start nodes) — 7300 already running',
      '[server2] unreachable: wait — server2: connect ECONNREFUSED 10.0.0.2:22',
      '',
      'ROLLBACK: config failed on server2',
      '[server1] rolled back: config (Write node configs)',
      '[server1] rollback refused: start (Start nodes) — node 7300 held keys before the run',
      '',
      'PLAY RECAP',
      'server1 : ok=1 changed=2 failed=0 blocked=0 skipped=1 rescued=0 unreachable=0 undone=0',
      'server2 : ok=1 changed=0 failed=1 blocked=1 skipped=0 rescued=0 unreachable=1 undone=0',
      '',
      'finished in 99.0s, exit code 3',
      '',
    ]);
  });

  it('words a --check run as a plan: would change, would run (after: ...), needs taken as done', async () => {
    const lines = (await render(checkRun)).split('\n');
    expect(lines).toContain('PLAYBOOK [playbooks/cluster.yaml] 1 host, 3 tasks (check mode: nothing will be changed)');
    expect(lines).toContain('[server1] ok: build (Build redis from source) (not selected, taken as done: fetch)');
    expect(lines).toContain('[server1] would change: config (Write node configs) — create /etc/redis/7300.conf');
    expect(lines).toContain('[server1] would run (after: build, config): start (Start nodes)');
    expect(lines.join('\n')).not.toContain('+++ after');
  });

  it('shows file changes as diffs under their line when diff is on', async () => {
    const text = await render(checkRun, { diff: true });
    expect(text).toContain(
      [
        '[server1] would change: config (Write node configs) — create /etc/redis/7300.conf',
        '--- before: /etc/redis/7300.conf',
        '+++ after: /etc/redis/7300.conf',
        '@@ -0,0 +1,2 @@',
        '+port 7300',
        `+requirepass ${PASSWORD}`,
        '[server1] would run (after: build, config): start (Start nodes)',
      ].join('\n'),
    );
  });

  it('adds node starts, info logs and durations when verbose', async () => {
    const lines = (await render(applyRun, { verbose: true })).split('\n');
    expect(lines).toContain('[server1] started: build (Build redis from source)');
    expect(lines).toContain('[server1] build (Build redis from source): make -j2 in /usr/local/src/redis-7.0.15');
    expect(lines).toContain('[server1] changed: build (Build redis from source) — built and installed redis 7.0.15 [95.4s]');
  });

  it('uses colors only when asked, with the same text underneath', async () => {
    const colored = await render(applyRun, { color: true });
    expect(colored).toContain('\u001b[');
    expect(stripAnsi(colored)).toBe(await render(applyRun));
    expect(await render(applyRun)).not.toContain('\u001b[');
  });

  it('prints the --check plan per host in graph order, not interleaved', async () => {
    const a = (task: string, host: string) => ({ nodeId: `${task}@${host}`, playIndex: 0, taskId: task, taskName: task, module: 'core.file', host });
    const events: RunEvent[] = [
      { type: 'run-start', playbook: 'p.yaml', checkMode: true, hosts: ['s1', 's2'], nodes: 4 },
      { type: 'play-start', playIndex: 0, name: 'p', hosts: ['s1', 's2'] },
      { type: 'node-end', node: a('one', 's2'), status: 'changed', planned: true, durationMs: 1 },
      { type: 'node-end', node: a('one', 's1'), status: 'ok', durationMs: 1 },
      { type: 'node-end', node: a('two', 's2'), status: 'changed', planned: true, after: ['one@s2'], durationMs: 1 },
      { type: 'node-end', node: a('two', 's1'), status: 'changed', planned: true, durationMs: 1 },
      { type: 'run-end', recap: {}, exitCode: 0, aborted: false, durationMs: 5 },
    ];
    const lines = (await render(events)).split('\n').filter((line) => line.startsWith('['));
    expect(lines).toEqual([
      '[s1] ok: one',
      '[s1] would change: two',
      '[s2] would change: one',
      '[s2] would run (after: one@s2): two',
    ]);
  });
});
