import { z } from 'zod';
import type { Connection } from '../../src/connect/connection.ts';
import { TaskError } from '../../src/errors.ts';
import { abortableSleep } from '../../src/modules/wait.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';

// Waits for a port to open or close, or a file to appear or go. Ports are probed from the
// host's side (through the connection), so 127.0.0.1 means the host's own loopback. Waiting
// changes nothing, so the task is never "changed", as in Ansible.

export const waitForParams = z
  .strictObject({
    host: z.string().default('127.0.0.1').describe('Address to probe, as seen from the host'),
    port: z.number().int().min(1).max(65535).optional().describe('TCP port to wait for'),
    path: z.string().optional().describe('File to wait for (instead of port)'),
    state: z
      .enum(['started', 'stopped', 'present', 'absent'])
      .default('started')
      .describe('started/present: wait until open or existing; stopped/absent: until closed or gone'),
    search_regex: z.string().optional().describe('With path: wait until the file\'s content matches this regex'),
    timeout: z.number().min(0).default(300).describe('Seconds to wait before failing'),
    delay: z.number().min(0).default(0).describe('Seconds to wait before the first probe'),
    sleep: z.number().min(0).default(1).describe('Seconds between probes'),
    connect_timeout: z.number().min(0).default(5).describe('Seconds a port probe may take'),
    msg: z.string().optional().describe('Message to fail with on timeout'),
  })
  .refine((params) => (params.port === undefined) !== (params.path === undefined), {
    message: 'give exactly one of port or path',
  })
  .refine((params) => params.search_regex === undefined || params.path !== undefined, {
    message: 'search_regex is only supported with path',
    path: ['search_regex'],
  });

export type WaitForParams = z.infer<typeof waitForParams>;

/** What one probe saw: the port accepted a connection / the file exists (and matched). */
export type Observation = { open: boolean; detail?: string } | { exists: boolean; matched: boolean };

export function wantsPresence(state: WaitForParams['state']): boolean {
  return state === 'started' || state === 'present';
}

/** Pure decision: is the awaited condition met by this observation? */
export function conditionMet(params: Pick<WaitForParams, 'state' | 'search_regex'>, observation: Observation): boolean {
  const present = 'open' in observation ? observation.open : observation.exists && (params.search_regex === undefined || observation.matched);
  return wantsPresence(params.state) === present;
}

/** "port 127.0.0.1:6379 to be open" for waiting; "port 127.0.0.1:6379 is open" once it is. */
export function describeWait(params: WaitForParams, met = false): string {
  const present = wantsPresence(params.state);
  if (params.port !== undefined) {
    return `port ${params.host}:${params.port} ${met ? 'is' : 'to be'} ${present ? 'open' : 'closed'}`;
  }
  const matching = params.search_regex !== undefined && present ? ` matching /${params.search_regex}/` : '';
  if (met) return `${params.path}${matching} ${present ? 'exists' : 'is absent'}`;
  return `${params.path}${matching} to ${present ? 'exist' : 'be absent'}`;
}

/**
 * Whether something accepts a TCP connection at host:port, as seen from the connection's host.
 * Every connection's forwardOut rejects (ConnectError) when the port refuses, so any failure
 * counts as "not open"; its message is kept for the timeout error, which is where a host that
 * cannot be reached at all shows up.
 */
export async function probePort(conn: Connection, host: string, port: number, timeoutSeconds: number): Promise<{ open: boolean; detail?: string }> {
  const opening = conn.forwardOut(host, port);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
  });
  try {
    const outcome = await Promise.race([opening, timedOut]);
    if (outcome === 'timeout') {
      opening.then((stream) => stream.destroy(), () => undefined); // a late success must not leak
      return { open: false, detail: `no answer within ${timeoutSeconds}s` };
    }
    outcome.destroy();
    return { open: true };
  } catch (error) {
    return { open: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

async function observe(ctx: TaskContext, params: WaitForParams): Promise<Observation> {
  if (params.port !== undefined) return probePort(ctx.conn, params.host, params.port, params.connect_timeout);
  const stat = await ctx.conn.stat(params.path!, { become: ctx.become });
  if (!stat || params.search_regex === undefined) return { exists: stat !== null, matched: false };
  const data = await ctx.conn.readFile(params.path!, { become: ctx.become });
  return { exists: data !== null, matched: data !== null && new RegExp(params.search_regex, 'm').test(data.toString('utf8')) };
}

export const taskModule = defineModule<WaitForParams, { description: string }>({
  name: 'core.wait_for',
  summary: 'Wait for a port to open/close or a file to appear/disappear, from the host\'s side',
  params: waitForParams,

  async check(ctx, params) {
    const description = describeWait(params);
    if (ctx.checkMode) return { status: 'ok', reason: `would wait up to ${params.timeout}s for ${description}` };
    if (params.delay === 0 && conditionMet(params, await observe(ctx, params))) {
      return { status: 'ok', reason: describeWait(params, true), result: { elapsed: 0 } };
    }
    return { status: 'change', description: `wait for ${description}`, state: { description } };
  },

  async apply(ctx, params, { description }) {
    const started = Date.now();
    await abortableSleep(params.delay * 1000, ctx.signal);
    const deadline = started + params.timeout * 1000;
    for (;;) {
      const observation = await observe(ctx, params);
      if (conditionMet(params, observation)) {
        return { changed: false, result: { elapsed: Math.round((Date.now() - started) / 1000) } };
      }
      if (Date.now() + params.sleep * 1000 > deadline) {
        const last = 'detail' in observation && observation.detail ? ` (last probe: ${observation.detail})` : '';
        throw new TaskError(params.msg ?? `${ctx.conn.hostName}: timed out after ${params.timeout}s waiting for ${description}${last}`);
      }
      await abortableSleep(params.sleep * 1000, ctx.signal);
    }
  },
});
