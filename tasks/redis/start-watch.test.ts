// The start wait's decisions from data: samples are what redis-server 7.0.15 wrote when its port
// was taken (logfile) and when it refused its config (stderr of `redis-server --daemonize yes`).
import { describe, expect, it } from 'vitest';
import { daemonizeFailure, exitReason, judgeStart, procState, startedPid } from './lib/start-watch.ts';

const bindFailure = [
  '24785:C 25 Nov 2026 06:05:41.336 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
  '24785:C 25 Nov 2026 06:05:41.336 # Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid=24785, just started',
  '24785:C 25 Nov 2026 06:05:41.336 # Configuration loaded',
  '24785:M 25 Nov 2026 06:05:41.337 * monotonic clock: POSIX clock_gettime',
  '24785:M 25 Nov 2026 06:05:41.337 # Warning: Could not create server TCP listening socket *:7391: bind: Address already in use',
  '24785:M 25 Nov 2026 06:05:41.337 # Failed listening on port 7391 (TCP), aborting.',
];
const starting = bindFailure.slice(0, 4);

describe('startedPid', () => {
  it('names the process from its "just started" line', () => {
    expect(startedPid(bindFailure)).toBe(24785);
  });
  it('takes the last start when the tail holds two', () => {
    const again = bindFailure.map((line) => line.replaceAll('24785', '30001'));
    expect(startedPid([...bindFailure, ...again])).toBe(30001);
  });
  it('is unknown before the server logged its start', () => {
    expect(startedPid([])).toBeUndefined();
    expect(startedPid(['not a redis line pid=12, just starting'])).toBeUndefined();
  });
});

describe('procState', () => {
  it('reads running, sleeping, zombie and missing processes', () => {
    expect(procState('24785 (redis-server) S 1 24785 24785 0 -1 4194624 157 0')).toBe('alive');
    expect(procState('24785 (redis-server) R 1 24785 24785 0 -1')).toBe('alive');
    expect(procState('24785 (redis-server) Z 1 24785 24785 0 -1')).toBe('gone');
    expect(procState('24785 (odd) name) X 1')).toBe('gone');
    expect(procState(null)).toBe('gone');
    expect(procState('')).toBe('gone');
  });
  it('finds the state after a command name holding ") "', () => {
    expect(procState('7 (a) Z b) S 1 7')).toBe('alive');
  });
});

describe('exitReason', () => {
  it('gives the last warnings without the start banner', () => {
    expect(exitReason(bindFailure)).toBe(
      '# Warning: Could not create server TCP listening socket *:7391: bind: Address already in use; # Failed listening on port 7391 (TCP), aborting.',
    );
  });
  it('falls back to the last lines of any level when there is no warning', () => {
    expect(exitReason([...starting.slice(0, 3), '1:M 25 Nov 2026 06:05:41.337 * Ready to accept connections'])).toBe('* Ready to accept connections');
  });
  it('says when the node logged nothing of its own', () => {
    expect(exitReason([])).toBe('it logged nothing');
    expect(exitReason(starting.slice(0, 3))).toBe('it logged nothing');
  });
  it('keeps at most the asked number of lines', () => {
    const many = Array.from({ length: 6 }, (_, i) => `9:M 25 Nov 2026 06:05:41.337 # problem ${i}`);
    expect(exitReason(many, 2)).toBe('# problem 4; # problem 5');
  });
});

describe('judgeStart', () => {
  it('is done once the node answers PING', () => {
    expect(judgeStart({ answersPing: true, process: 'alive', logTail: starting })).toEqual({ kind: 'ok' });
  });
  it('waits while the process runs or has not logged its pid yet', () => {
    expect(judgeStart({ answersPing: false, process: 'alive', logTail: starting })).toEqual({ kind: 'wait', problem: 'does not answer PING' });
    expect(judgeStart({ answersPing: false, process: 'unknown', logTail: [] })).toEqual({ kind: 'wait', problem: 'has not started yet' });
  });
  it('fails at once when the started process is gone, with its last warnings', () => {
    expect(judgeStart({ answersPing: false, process: 'gone', logTail: bindFailure })).toEqual({
      kind: 'fail',
      reason: expect.stringMatching(/^exited during start: # Warning: Could not create server TCP listening socket \*:7391: bind: Address already in use/),
    });
  });
});

describe('daemonizeFailure', () => {
  it('keeps the reason and the line number, never the echoed config line (it may hold a password)', () => {
    const stderr = [
      '',
      '*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***',
      'Reading the configuration file, at line 6',
      ">>> 'requirepass \"s3cr3t\" \"extra\"'",
      'wrong number of arguments',
      '',
    ].join('\n');
    const message = daemonizeFailure(1, stderr);
    expect(message).toBe('exited during start (exit 1): Reading the configuration file, at line 6; wrong number of arguments');
    expect(message).not.toContain('s3cr3t');
  });
  it('says how it ended when it printed nothing', () => {
    expect(daemonizeFailure(null, '')).toBe('exited during start (exit signal)');
  });
});
