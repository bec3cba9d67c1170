import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../../src/errors.ts';
import { abortable, abortableSleep, pollUntil } from '../../../src/modules/wait.ts';

describe('waiting with the abort signal', () => {
  it('abortableSleep rejects with AbortedError when the run is aborted, and at once if it already was', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(AbortedError);
    await expect(abortableSleep(1, controller.signal)).rejects.toBeInstanceOf(AbortedError);
  });

  it('abortable settles as its promise does, or rejects with the reason on abort', async () => {
    await expect(abortable(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    const controller = new AbortController();
    const waiting = abortable(new Promise(() => {}), controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });

  it('pollUntil returns no problems once the probe is satisfied, else the last problems at the deadline', async () => {
    let calls = 0;
    expect(await pollUntil(async () => (++calls < 3 ? [`try ${calls}`] : []), 5_000, undefined, 1)).toEqual([]);
    expect(calls).toBe(3);
    expect(await pollUntil(async () => ['never'], 20, undefined, 5)).toEqual(['never']);
  });

  it('pollUntil stops waiting when the run is aborted and says what was still wrong', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    expect(await pollUntil(async () => ['still down'], 60_000, controller.signal, 10_000)).toEqual(['still down']);
  });
});
