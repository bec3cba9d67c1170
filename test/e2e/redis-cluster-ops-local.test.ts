// The cluster tasks against six real redis-server processes on 127.0.0.1 (the guide's single-server
// layout), through a real LocalConnection: form, rerun, complete a half-formed cluster, reset and
// rollback that never flush data older than the run, and a password that never shows.
import { readFileSync, rmSync, utimesSync } from 'node:fs';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import type { TaskContext } from '../../src/modules/module.ts';
import { taskModule as addslots } from '../../tasks/redis/addslots.ts';
import { taskModule as config } from '../../tasks/redis/config.ts';
import { nodeLayout } from '../../tasks/redis/config-layout.ts';
import { taskModule as meet } from '../../tasks/redis/meet.ts';
import { taskModule as replicate } from '../../tasks/redis/replicate.ts';
import { taskModule as reset } from '../../tasks/redis/reset.ts';
import { taskModule as start } from '../../tasks/redis/start.ts';
import { taskModule as wait } from '../../tasks/redis/wait.ts';
import { ensureRedisBinaries } from '../helpers/redis-binaries.ts';
import { runModule } from '../helpers/run-module.ts';
import { createTestTaskContext, type TestTaskContext } from '../helpers/task-context.ts';

const BASE = '/tmp/playgraph-redis-ops-e2e';
const MASTERS = [7300, 7301, 7302];
const PORTS = [...MASTERS, 7400, 7401, 7402];
const PASSWORD = 'e2e-Secret-pw-9f3k';
const vars = {
  ansible_host: '127.0.0.1',
  redis_masters: MASTERS,
  redis_replicas: [7400, 7401, 7402].map((port, i) => ({ port, replica_of: `local:${MASTERS[(i + 1) % 3]}` })),
};
let prefix = '';

function context(): TestTaskContext {
  return createTestTaskContext(new LocalConnection('local'), { vars });
}

const run = runModule;

const common = { allow_same_host: true, timeout: 30 };
const startParams = () => ({ ...common, base_dir: BASE, prefix });

async function form(ctx: TaskContext, extra: Record<string, unknown> = {}): Promise<string[]> {
  const statuses: string[] = [];
  for (const module of [meet, addslots, replicate, wait]) statuses.push((await run(module, ctx, { ...common, ...extra })).status);
  return statuses;
}

async function client(port: number, password?: string): Promise<Redis> {
  const redis = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, retryStrategy: () => null });
  await redis.connect();
  return redis;
}

/** Redis log lines: `pid:role DD Mon YYYY HH:MM:SS.mmm <level> message` (local time). */
const LOG_LINE = /^\d+:[A-Z] (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}) . (.*)$/;

/** When a node's server began shutting down after `since`, and when the next one was ready. */
function downtime(logfile: string, since: number): { down: number; up: number } {
  const events = readFileSync(logfile, 'utf8').split('\n').flatMap((line) => {
    const m = LOG_LINE.exec(line);
    return m ? [{ at: new Date(m[1]!).getTime(), message: m[2]! }] : [];
  });
  // Log times have milliseconds, Date.now() too; allow the second the utimes moved configs by.
  const down = events.find((e) => e.at >= since - 1000 && /shutdown/i.test(e.message));
  const up = down && events.find((e) => e.at >= down.at && /Ready to accept connections/.test(e.message));
  if (!down || !up) throw new Error(`${logfile}: no shutdown then ready after the restart began`);
  return { down: down.at, up: up.at };
}

/** Kills whatever a pidfile under BASE names: servers of this run, or of an interrupted earlier one. */
function killServers(): void {
  for (const port of PORTS) {
    try {
      const pid = Number(readFileSync(nodeLayout('local', BASE, port).pidfile, 'utf8').trim());
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // No pidfile or no such process: nothing runs for this port.
    }
  }
}

describe('redis cluster tasks on six local nodes', () => {
  beforeAll(async () => {
    prefix = ensureRedisBinaries().prefix;
    killServers();
    rmSync(BASE, { recursive: true, force: true });
    const ctx = context();
    await run(config, ctx, { base_dir: BASE, bind: '127.0.0.1', allow_same_host: true });
  });

  afterAll(() => {
    killServers();
  });

  it('starts every node, and a rerun finds them running', async () => {
    expect((await run(start, context(), startParams())).status).toBe('changed');
    expect((await run(start, context(), startParams())).status).toBe('ok');
  });

  it('forms the cluster, and a rerun changes nothing', async () => {
    expect(await form(context())).toEqual(['changed', 'changed', 'changed', 'ok']);
    expect(await form(context())).toEqual(['ok', 'ok', 'ok', 'ok']);
    const redis = await client(7401);
    try {
      const info = String(await redis.call('CLUSTER', 'INFO'));
      expect(info).toContain('cluster_state:ok');
      expect(info).toContain('cluster_slots_assigned:16384');
      // The guide's pairing: 7400 follows 7301, 7401 follows 7302, 7402 follows 7300.
      const nodes = String(await redis.call('CLUSTER', 'NODES'));
      const myself = nodes.split('\n').find((l) => l.includes('myself'))!;
      const master = nodes.split('\n').find((l) => l.includes(':7302@'))!;
      expect(myself.split(' ')[3]).toBe(master.split(' ')[0]);
    } finally {
      redis.disconnect();
    }
  });

  it('reset refuses nodes holding keys, names them, and flushes with force', async () => {
    const writer = new Redis.Cluster([{ host: '127.0.0.1', port: 7300 }], { lazyConnect: true });
    await writer.connect();
    await writer.set('kept', 'value');
    const slot = Number(await writer.call('CLUSTER', 'KEYSLOT', 'kept'));
    writer.disconnect();
    const owner = slot <= 5460 ? 7300 : slot <= 10922 ? 7301 : 7302;
    const replica = 7400 + ((MASTERS.indexOf(owner) + 2) % 3); // 7400 -> 7301, 7401 -> 7302, 7402 -> 7300
    const replicated = await client(replica);
    await expect.poll(() => replicated.dbsize(), { timeout: 10_000 }).toBe(1);
    replicated.disconnect();
    await expect(run(reset, context(), { ...common, scope: 'all' })).rejects.toThrow(
      new RegExp(`refusing to reset any node: local:${owner} \\(1 keys\\), local:${replica} \\(1 keys\\) hold keys; nothing was changed`),
    );
    // Refused before touching any node: the four without keys were not reset or forgotten either.
    for (const port of PORTS) {
      const r = await client(port);
      expect(String(await r.call('CLUSTER', 'INFO')), `node ${port}`).toContain('cluster_known_nodes:6');
      expect(await r.dbsize(), `node ${port}`).toBe(port === owner || port === replica ? 1 : 0);
      r.disconnect();
    }
    expect((await run(reset, context(), { ...common, scope: 'all', force: true })).status).toBe('changed');
    for (const port of PORTS) {
      const r = await client(port);
      expect(await r.dbsize()).toBe(0);
      expect(String(await r.call('CLUSTER', 'INFO'))).toContain('cluster_known_nodes:1');
      r.disconnect();
    }
  });

  it('completes a cluster broken halfway (meet done, slots not)', async () => {
    expect((await run(meet, context(), common)).status).toBe('changed');
    expect(await form(context())).toEqual(['ok', 'changed', 'changed', 'ok']);
  });

  it('rollback resets the nodes the run brought in, never one that held keys before', async () => {
    await run(reset, context(), { ...common, scope: 'all', force: true });
    // A lone cluster node serves keys only once it owns every slot (full coverage).
    const seeded = await client(7301);
    await seeded.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await expect.poll(() => seeded.set('before-the-run', '1').catch((e: Error) => e.message), { timeout: 10_000 }).toBe('OK');
    seeded.disconnect();
    // A node holding keys is refused by meet, by name.
    await expect(run(meet, context(), common)).rejects.toThrow(/local:7301 holds 1 keys/);
    const cleaner = await client(7301);
    await cleaner.flushall();
    await cleaner.call('CLUSTER', 'RESET');
    cleaner.disconnect();
    const firstSeen = context();
    const outcome = await run(meet, firstSeen, common);
    expect(outcome.status).toBe('changed');
    const state = outcome.apply!.rollbackState as { nodes: string[]; keysBefore: Record<string, number> };
    expect(state.nodes).toHaveLength(6);
    // Pretend 7302 held keys before the run: rollback must leave it alone and say so.
    state.keysBefore['local:7302'] = 5;
    const kept = await client(7302);
    const keptId = String(await kept.call('CLUSTER', 'MYID'));
    await meet.rollback!(firstSeen, meet.params.parse(common), state);
    expect(firstSeen.logged.some((l) => l.startsWith('warn: ') && l.includes('local:7302 (5 keys)'))).toBe(true);
    // 7302 was not reset (same id; the others' HARD reset gave them new ones), only told to forget them.
    expect(String(await kept.call('CLUSTER', 'MYID'))).toBe(keptId);
    expect(firstSeen.logged).toContain('info: local:7302: forgot local:7300, local:7301, local:7400, local:7401, local:7402');
    expect(String(await kept.call('CLUSTER', 'INFO'))).toContain('cluster_known_nodes:1');
    kept.disconnect();
    const resetOne = await client(7300);
    expect(String(await resetOne.call('CLUSTER', 'INFO'))).toContain('cluster_known_nodes:1');
    resetOne.disconnect();
  });

  it('with requirepass: restarts one at a time, forms the cluster, and the password shows nowhere', async () => {
    await run(reset, context(), { ...common, scope: 'all', force: true });
    await run(config, context(), { base_dir: BASE, bind: '127.0.0.1', allow_same_host: true, password: PASSWORD });
    const ctx = createTestTaskContext(new LocalConnection('local'), { vars: { ...vars, redis_password: PASSWORD } });
    expect((await run(start, ctx, { ...startParams(), restart: true })).status).toBe('changed');
    expect(await form(ctx)).toEqual(['changed', 'changed', 'changed', 'ok']);
    expect(await form(ctx)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(ctx.secrets).toContain(PASSWORD);
    expect(ctx.logged.join('\n')).not.toContain(PASSWORD);
    // A wrong password fails with a message that does not echo it.
    const wrong = createTestTaskContext(new LocalConnection('local'), { vars: { ...vars, redis_password: 'not-it-xyz' } });
    const error = await run(wait, wrong, common).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/authentication failed: WRONGPASS/);
    // Not in the message, nor anywhere in the error chain a reporter might print.
    expect(inspect(error, { depth: 10 })).not.toContain('not-it-xyz');
    // Restarting a formed cluster keeps it healthy: each node rejoins before the next goes down.
    // The handler restarts only nodes older than their config, so the configs change first.
    const later = new Date(Date.now() + 1000);
    for (const port of PORTS) utimesSync(nodeLayout('local', BASE, port).configFile, later, later);
    const restartFrom = Date.now();
    expect((await run(start, ctx, { ...startParams(), restart: true })).status).toBe('changed');
    expect((await run(wait, ctx, common)).status).toBe('ok');
    // The servers' own logs: each node went down and came back before the next went down.
    const downtimes = PORTS.map((port) => ({ port, ...downtime(nodeLayout('local', BASE, port).logfile, restartFrom) }));
    downtimes.sort((a, b) => a.down - b.down);
    for (const [i, d] of downtimes.entries()) {
      expect(d.up, `${d.port} back up`).toBeGreaterThanOrEqual(d.down);
      if (i > 0) expect(d.down, `${d.port} went down before ${downtimes[i - 1]!.port} was back`).toBeGreaterThanOrEqual(downtimes[i - 1]!.up);
    }
  });
});
