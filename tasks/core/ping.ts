import { z } from 'zod';
import { TaskError } from '../../src/errors.ts';
import { defineModule } from '../../src/modules/module.ts';

// Ansible's ping (ansible/modules/ping.py): proves the host is reached and answers, changes
// nothing, returns `ping: <data>`. `data: crash` makes it fail, as Ansible's raises an exception.

export const pingParams = z.strictObject({
  data: z.string().default('pong').describe('Data to return for the ping return value; "crash" makes the module fail'),
});

export type PingParams = z.infer<typeof pingParams>;

/** Pure: the registered result for `data`, or the failure Ansible raises for `crash`. */
export function pingResult(data: string): { ping: string } {
  if (data === 'crash') throw new TaskError('boom');
  return { ping: data };
}

export const taskModule = defineModule<PingParams, never>({
  name: 'core.ping',
  summary: 'Check the host answers (a command round trip); returns ping: pong, changes nothing',
  params: pingParams,

  async check(ctx, params) {
    const result = pingResult(params.data);
    // A real round trip: an unreachable or broken login fails here, as Ansible's ping does.
    const probe = await ctx.conn.exec(['true'], { become: ctx.become, signal: ctx.signal });
    if (probe.code !== 0) throw new TaskError(`${ctx.conn.hostName}: the host did not answer a command (exit ${probe.code}): ${probe.stderr.trim()}`);
    return { status: 'ok', reason: result.ping, result };
  },

  async apply() {
    return { changed: false };
  },
});
