import { z } from 'zod';
import { defineModule } from '../../src/modules/module.ts';
import { abortableSleep } from '../../src/modules/wait.ts';

// Ansible's pause (ansible/plugins/action/pause.py) for a given time. Waiting for a key press
// (no seconds/minutes) is refused: a playgraph run reads no terminal. The wait ends early, with
// the task failed, when the run is aborted. It pauses in --check too, as Ansible does.

/** Ansible types these with Python's int(): 1.5 -> 1 (a string "2" is converted before, as for every module). */
const wholeNumber = z.number().transform(Math.trunc);

export const pauseParams = z
  .strictObject({
    seconds: wholeNumber.optional().describe('Seconds to pause (at least 1, as Ansible)'),
    minutes: wholeNumber.optional().describe('Minutes to pause'),
    prompt: z.string().optional().describe('Text shown while pausing (no input is read)'),
    echo: z.boolean().default(true).describe('Accepted for Ansible compatibility; registered as echo'),
  })
  .refine((params) => !(params.seconds !== undefined && params.minutes !== undefined), {
    message: 'parameters are mutually exclusive: minutes|seconds',
  })
  .refine((params) => params.seconds !== undefined || params.minutes !== undefined, {
    message: 'give seconds or minutes: a pause that waits for a key press needs a terminal, which a playgraph run does not read',
  });

export type PauseParams = z.infer<typeof pauseParams>;

export interface PausePlan {
  seconds: number;
  unit: 'seconds' | 'minutes';
}

/** Pure: how long, and in which unit the result speaks (Ansible raises anything under 1 s to 1 s). */
export function planPause(params: Pick<PauseParams, 'seconds' | 'minutes'>): PausePlan {
  if (params.minutes !== undefined) return { seconds: Math.max(1, params.minutes * 60), unit: 'minutes' };
  return { seconds: Math.max(1, params.seconds ?? 1), unit: 'seconds' };
}

/** Python's str(datetime.now()): `2026-12-02 18:12:01.123456`, local time. */
export function pythonNow(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds() * 1000, 6)}`;
}

/** The registered result, as Ansible's pause returns it. */
export function pauseResult(plan: PausePlan, echo: boolean, start: Date, stop: Date): Record<string, unknown> {
  const elapsed = (stop.getTime() - start.getTime()) / 1000;
  const shown = plan.unit === 'minutes' ? Math.round((elapsed / 60) * 100) / 100 : Math.round(elapsed * 100) / 100;
  return {
    changed: false,
    rc: 0,
    // Python's str() of a float: 1.0, not 1.
    stdout: `Paused for ${Number.isInteger(shown) ? `${shown}.0` : shown} ${plan.unit}`,
    stderr: '',
    start: pythonNow(start),
    stop: pythonNow(stop),
    delta: Math.trunc(elapsed),
    echo,
    user_input: '',
  };
}

export const taskModule = defineModule<PauseParams, never>({
  name: 'core.pause',
  summary: 'Pause for seconds or minutes (never waits for input); ends early when the run is aborted',
  params: pauseParams,

  async check(ctx, params) {
    const plan = planPause(params);
    ctx.log.info(`Pausing for ${plan.seconds} seconds${params.prompt ? `: ${params.prompt}` : ''}`);
    const start = new Date();
    await abortableSleep(plan.seconds * 1000, ctx.signal);
    const result = pauseResult(plan, params.echo, start, new Date());
    // No reason: Ansible's pause result has no msg (the log line above says what it did).
    return { status: 'ok', result };
  },

  async apply() {
    return { changed: false };
  },
});
