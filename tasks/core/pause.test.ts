import { describe, expect, it } from 'vitest';
import { pauseParams, pauseResult, planPause, pythonNow } from './pause.ts';

describe('pause', () => {
  it('takes seconds or minutes as Python int() does', () => {
    expect(planPause(pauseParams.parse({ seconds: 3 }))).toEqual({ seconds: 3, unit: 'seconds' });
        expect(planPause(pauseParams.parse({ seconds: 1.7 }))).toEqual({ seconds: 1, unit: 'seconds' });
    expect(planPause(pauseParams.parse({ seconds: 0 }))).toEqual({ seconds: 1, unit: 'seconds' });
    expect(planPause(pauseParams.parse({ minutes: 2 }))).toEqual({ seconds: 120, unit: 'minutes' });
  });

  it('refuses both, neither, and words', () => {
    expect(pauseParams.safeParse({ seconds: 1, minutes: 1 }).success).toBe(false);
    expect(pauseParams.safeParse({ prompt: 'press enter' }).success).toBe(false);
    expect(pauseParams.safeParse({ seconds: 'soon' }).success).toBe(false);
  });

  it('registers what Ansible registers', () => {
    const start = new Date(2026, 11, 2, 18, 0, 1, 250);
    const stop = new Date(2026, 11, 2, 18, 0, 3, 260);
    expect(pauseResult({ seconds: 2, unit: 'seconds' }, true, start, stop)).toEqual({
      changed: false,
      rc: 0,
      stdout: 'Paused for 2.01 seconds',
      stderr: '',
      start: '2026-12-02 18:00:01.250000',
      stop: '2026-12-02 18:00:03.260000',
      delta: 2,
      echo: true,
      user_input: '',
    });
    expect(pauseResult({ seconds: 60, unit: 'minutes' }, false, start, new Date(start.getTime() + 60_000)).stdout).toBe('Paused for 1.0 minutes');
    expect(pythonNow(new Date(2026, 0, 5, 3, 4, 5, 6))).toBe('2026-01-05 03:04:05.006000');
  });
});
