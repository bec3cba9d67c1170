// redis.reset when one node of the cluster is gone: six real redis-server processes on 127.0.0.1
// through a real LocalConnection, one replica killed, and the reset (scope all, force) still empties
// and isolates the five it can reach, then fails naming the killed one.
import { readFileSync, rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import { taskModule as addslots } from '../../tasks/redis/addslots.ts';
import { taskModule as config } from '../../tasks/redis/config.ts';
import { nodeLayout } from '../../tasks/redis/config-layout.ts';
import { ResetIncompleteError } from '../../tasks/redis/lib/reset-nodes.ts';
import { taskModule as meet } from '../../tasks/redis/meet.ts';
import { taskModule as replicate } from '../../tasks/redis/replicate.ts';
import { taskModule as reset } from '../../tasks/redis/reset.ts';
import { taskModule as start } from '../../tasks/redis/start.ts';
import { taskModule as wait } from '../../tasks/redis/wait.ts';
import { ensureRedisBinaries } from '../helpers/redis-binaries.ts';
import { runModule } from '../helpers/run-module.ts';
import { createTestTaskContext, type TestTaskContext } from '../helpers/task-context.ts';

const BASE = '/tmp/playgraph-redis-reset-partial-e2e';
const MASTERS = [7500, 7501, 7502];
const REPLICAS = [7600, 7601, 7602];
const PORTS = [...MASTERS, ...REPLICAS];
const KILLED = 7601;
const vars = {
  ansible_host: '127.0.0.1',
  redis_masters: MASTERS,
  redis_replicas: REPLICAS.map((port, i) => ({ port, replica_of: `local:${MASTERS[(i + 1) % 3]}` })),
};
const common = { allow_same_host: true, timeout: 30 };

function context(): TestTaskContext {
  return createTestTaskContext(new LocalConnection('local'), { vars });
}

const run = runModule;

async function client(port: number): Promise<Redis> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
  // connect() rejects with the reason; without a listener ioredis also prints it as unhandled.
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

function pidOf(port: number): number | undefined {
  try {
    const pid = Number(readFileSync(nodeLayout('local', BASE, port).pidfile, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Kills whatever a pidfile under BASE names: servers of this run, or of an interrupted earlier one. */
function killServers(): void {
  for (const port of PORTS) {
    const pid = pidOf(port);
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // No such process: nothing runs for this port.
    }
  }
}

describe('redis.reset with one node down', () => {
  beforeAll(async () => {
    const { prefix } = ensureRedisBinaries();
    killServers();
    rmSync(BASE, { recursive: true, force: true });
    await run(config, context(), { base_dir: BASE, bind: '127.0.0.1', allow_same_host: true });
    expect((await run(start, context(), { ...common, base_dir: BASE, prefix })).status).toBe('changed');
    for (const module of [meet, addslots, replicate, wait]) await run(module, context(), common);
  });

  afterAll(() => {
    killServers();
    rmSync(BASE, { recursive: true, force: true });
  });

  it('resets the five reachable nodes and fails naming the killed replica', async () => {
    const writer = new Redis.Cluster([{ host: '127.0.0.1', port: MASTERS[0] }], { lazyConnect: true });
    await writer.connect();
    for (const key of ['a', 'b', 'c', 'd']) await writer.set(key, 'held before the run');
    writer.disconnect();
    process.kill(pidOf(KILLED)!, 'SIGKILL');
    await expect.poll(() => client(KILLED).then((r) => (r.disconnect(), 'up'), () => 'down')).toBe('down');

    const ctx = context();
    const error = await run(reset, ctx, { ...common, scope: 'all', force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResetIncompleteError);
    expect((error as Error).message).toMatch(/^not reset, unreachable: local:7601 \(/);
    const outcome = (error as ResetIncompleteError).outcome;
    expect(outcome.unreachable.map((u) => u.ref)).toEqual(['local:7601']);
    expect([...outcome.reset].sort()).toEqual(['local:7500', 'local:7501', 'local:7502', 'local:7600', 'local:7602']);
    expect(ctx.logged.some((l) => l.startsWith('warn: local:7601: not reset, unreachable'))).toBe(true);

    for (const port of PORTS.filter((p) => p !== KILLED)) {
      const redis = await client(port);
      try {
        expect(await redis.dbsize()).toBe(0);
        const lines = String(await redis.call('CLUSTER', 'NODES')).trim().split('\n');
        // Alone: only its own line, a master with no slots.
        expect(lines).toHaveLength(1);
        const fields = lines[0].split(' ');
        expect(fields[1]).toContain(`:${port}@`);
        expect(fields[2]).toBe('myself,master');
        expect(fields.slice(8)).toEqual([]);
      } finally {
        redis.disconnect();
      }
    }
  });
});
