import { describe, expect, it } from 'vitest';
import { PlainReporter } from '../../../src/report/plain.ts';
import { TtyReporter } from '../../../src/report/tty.ts';
import type { RunEvent } from '../../../src/run/events.ts';
import { StringStream, fakeTerminal, stripAnsi } from './collect.ts';
import { applyRun, checkRun } from './fixtures.ts';

async function feed(reporter: TtyReporter | PlainReporter, events: RunEvent[]): Promise<void> {
  for (const event of events) reporter.emit(event);
  await reporter.done();
}

describe('TtyReporter', () => {
  it('writes exactly the plain output when the stream is not a terminal', async () => {
    const ttyOut = new StringStream();
    const plainOut = new StringStream();
    await feed(new TtyReporter({ stream: ttyOut, diff: true, color: false }), applyRun);
    await feed(new PlainReporter({ stream: plainOut, diff: true, color: false }), applyRun);
    expect(ttyOut.text).toBe(plainOut.text);
    expect(ttyOut.text).toContain('PLAY RECAP');
  });

  it('runs a live view per host on a terminal and ends with changes, failures and the recap', async () => {
    const terminal = fakeTerminal();
    const reporter = new TtyReporter({ stream: terminal.stream, diff: true, color: false });
    // Events arrive over time, as from the scheduler, so the live view renders in between.
    for (const event of applyRun) {
      reporter.emit(event);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await reporter.done();
    await new Promise((resolve) => setImmediate(resolve));
    const text = stripAnsi(terminal.text());
    // The live view: a line per host with its counts.
    expect(text).toContain('server1 : ok=1 changed=2 failed=0 blocked=0 skipped=1 rescued=0 unreachable=0 undone=0');
    // After it, in the plain wording: what changed (with its diff), what failed, the rollback.
    expect(text).toContain('[server1] changed: config (Write node configs) — write /etc/redis/7300.conf\n--- before: /etc/redis/7300.conf');
    expect(text).toContain('[server2] failed: config (Write node configs)');
    expect(text).toContain('[server2] blocked: start (Start nodes) — blocked by Redis cluster/config@server2');
    expect(text).toContain('[server2] [WARNING]: config (Write node configs)');
    expect(text).toContain('[server1] rollback refused: start (Start nodes)');
    expect(text).not.toContain('skipped: tune');
    expect(text.trimEnd().split('\n').slice(-5)).toEqual([
      'PLAY RECAP',
      'server1 : ok=1 changed=2 failed=0 blocked=0 skipped=1 rescued=0 unreachable=0 undone=0',
      'server2 : ok=1 changed=0 failed=1 blocked=1 skipped=0 rescued=0 unreachable=1 undone=0',
      '',
      'finished in 99.0s, exit code 3',
    ]);
  });

  it('names a play that --limit skipped in the summary', async () => {
    const terminal = fakeTerminal();
    const reporter = new TtyReporter({ stream: terminal.stream, diff: false, color: false });
    const skipped: RunEvent = { type: 'play-start', playIndex: 1, name: 'monitoring', hosts: [], skipped: 'no hosts matched' };
    await feed(reporter, [applyRun[0]!, skipped, ...applyRun.slice(1)]);
    await new Promise((resolve) => setImmediate(resolve));
    const text = stripAnsi(terminal.text());
    expect(text).toContain('PLAY [monitoring] \nskipping: no hosts matched');
  });

  it('shows the --check plan after the live view', async () => {
    const terminal = fakeTerminal();
    const reporter = new TtyReporter({ stream: terminal.stream, diff: false, color: true });
    await feed(reporter, checkRun);
    await new Promise((resolve) => setImmediate(resolve));
    const text = stripAnsi(terminal.text());
    expect(text).toContain('[server1] would change: config (Write node configs) — create /etc/redis/7300.conf');
    expect(text).toContain('[server1] would run (after: build, config): start (Start nodes)');
    expect(text.trimEnd().endsWith('finished in 1.2s, exit code 0')).toBe(true);
  });

  it('releases the terminal when done() comes without a run-end', async () => {
    const terminal = fakeTerminal();
    const reporter = new TtyReporter({ stream: terminal.stream, diff: false });
    await feed(reporter, applyRun.slice(0, 5));
    expect(stripAnsi(terminal.text())).toContain('server2 : ok=1');
  });
});
