// redis.start against a real redis-server whose port is already taken, through a real
// LocalConnection: the wait fails as soon as the server has exited, with the bind error from its
// logfile (not "does not answer PING" after the timeout), and the password shows nowhere. Once the
// port is free, the same node starts: the earlier failure in its log does not count against it.
import { createServer, type Server } from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import type { TaskContext, TaskModule } from '../../src/modules/module.ts';
import { taskModule as config } from '../../tasks/redis/config.ts';
import { nodeLayout } from '../../tasks/redis/config-layout.ts';
import { taskModule as start } from '../../tasks/redis/start.ts';
import { ensureRedisBinaries } from '../helpers/redis-binaries.ts';
import { createTestTaskContext, type TestTaskContext } from '../helpers/task-context.ts';

const BASE = '/tmp/playgraph-redis-start-fails-e2e';
const PORT = 7390;
const PASSWORD = 'e2e-StartFail-pw-4q8z';
const vars = { ansible_host: '127.0.0.1', redis_masters: [PORT], redis_password: PASSWORD };
let prefix = '';
let blocker: Server | undefined;

function context(): TestTaskContext {
  return createTestTaskContext(new LocalConnection('local'), { vars });
}

async function run(module: TaskModule, ctx: TaskContext, raw: Record<string, unknown>): Promise<string> {
  const params = module.params.parse(raw);
  const checked = await module.check(ctx, params);
  if (checked.status === 'ok') return 'ok';
  return (await module.apply(ctx, params, checked.state)).changed ? 'changed' : 'ok';
}

/** Kills the server the node's pidfile names, if one started (this run's or an interrupted one's). */
function killServer(): void {
  try {
    const pid = Number(readFileSync(nodeLayout('local', BASE, PORT).pidfile, 'utf8').trim());
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // No pidfile or no such process: nothing runs for this port.
  }
}

function closeBlocker(): Promise<void> {
  const server = blocker;
  blocker = undefined;
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

describe('redis.start when the node dies at once', () => {
  beforeAll(async () => {
    prefix = ensureRedisBinaries().prefix;
    killServer();
    rmSync(BASE, { recursive: true, force: true });
    await run(config, context(), { base_dir: BASE, bind: '127.0.0.1', allow_same_host: true });
    // It holds the port and hangs up on whoever connects, as a dead port would: a silent peer would
    // leave the module's probes waiting on it instead of starting the node.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(PORT, '127.0.0.1', () => resolve());
    });
    blocker = server;
  });

  afterAll(async () => {
    await closeBlocker();
    killServer();
    rmSync(BASE, { recursive: true, force: true });
  });

  it('fails with the bind error from the logfile when the port is taken', async () => {
    const ctx = context();
    const failure = await run(start, ctx, { base_dir: BASE, prefix, allow_same_host: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toMatch(/^local:7390 exited during start: .*Could not create server TCP listening socket .*:7390: bind: Address already in use/);
    expect(message).not.toContain('does not answer PING');
    expect(message).not.toContain(PASSWORD);
    expect(ctx.logged.join('\n')).not.toContain(PASSWORD);
  });

  it('starts the node once the port is free, not misled by the failure already in its log', async () => {
    await closeBlocker();
    expect(await run(start, context(), { base_dir: BASE, prefix, allow_same_host: true })).toBe('changed');
    const redis = new Redis({ port: PORT, host: '127.0.0.1', password: PASSWORD, lazyConnect: true, retryStrategy: () => null });
    try {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });
});
