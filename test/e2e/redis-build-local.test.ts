// redis.build for real over the local connection: the source falls through from a URL nothing
// answers (a loopback port that refuses at once: tests never leave the machine) to the cached
// upstream tarball, make compiles 7.0.15 into a temp prefix, and a second check is ok. With `build: once`, a second host of the same platform receives the
// binaries instead of compiling.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/connect/local.ts';
import { taskModule as build } from '../../tasks/redis/build.ts';
import { taskModule as config } from '../../tasks/redis/config.ts';
import { ensureRedisBinaries } from '../helpers/redis-binaries.ts';
import { createTestTaskContext } from '../helpers/task-context.ts';

const VERSION = '7.0.15';
const SHA256 = '4b1dc4ee6d622a09fff9c6777191209750fb5e5a725ef78ea012d6eef4c22982';
/** Put there by scripts/fetch-redis-source.sh, which `npm test` runs before vitest: no test downloads. */
const TARBALL = `/var/cache/playgraph/redis_${VERSION}.orig.tar.gz`;
/** The discard port on loopback: nothing listens, so the URL place fails at once, off no network. */
const UNREACHABLE_URL = `http://127.0.0.1:9/releases/redis-${VERSION}.tar.gz`;
let dir: string;
const tarball = TARBALL;

beforeAll(async () => {
  if (!existsSync(TARBALL)) throw new Error(`${TARBALL} is missing: run scripts/fetch-redis-source.sh first (npm test does)`);
  dir = await mkdtemp(path.join(tmpdir(), 'pg-redis-build-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('redis.build over a local connection', () => {
  it('builds once per platform: check -> apply -> check, the second host gets the binaries', async () => {
    const runState = new Map<string, unknown>();
    const hosts = ['builder', 'receiver'].map((name) => {
      const conn = new LocalConnection(name);
      return { name, conn, ctx: { ...createTestTaskContext(conn), runState }, prefix: path.join(dir, name) };
    });
    const paramsFor = (prefix: string) =>
      build.params.parse({
        version: VERSION,
        prefix,
        sha256: SHA256,
        make_jobs: availableParallelism(),
        build: 'once',
        sources: [{ url: UNREACHABLE_URL }, { tarball }],
      });

    for (const host of hosts) {
      const first = await build.check(host.ctx, paramsFor(host.prefix));
      expect(first.status).toBe('change');
    }
    const started = Date.now();
    const results = await Promise.all(
      hosts.map(async (host) => {
        const plan = await build.check(host.ctx, paramsFor(host.prefix));
        if (plan.status !== 'change') throw new Error(`expected a planned change on ${host.name}`);
        return build.apply(host.ctx, paramsFor(host.prefix), plan.state);
      }),
    );
    console.log(`redis.build ${VERSION}: compile + copy took ${Math.round((Date.now() - started) / 1000)} s`);

    // Both apply at once; whichever reaches the platform lock first compiles, the other copies.
    const builderIndex = results.findIndex((r) => r.result?.source === `controller:${tarball}`);
    expect(builderIndex).toBeGreaterThanOrEqual(0);
    const [builder, receiver] = [hosts[builderIndex], hosts[1 - builderIndex]];
    const built = results[builderIndex].result!;
    expect(built.built_on).toBe(builder.name);
    // The URL refused the connection: it was recorded as failed, with the reason, and the next place was used.
    const failures = built.source_failures as { place: string; reason: string }[];
    expect(failures.map((f) => f.place)).toEqual([UNREACHABLE_URL]);
    expect(failures[0]!.reason).toMatch(/^(curl|wget) exit [1-9]\d*: /);
    expect(builder.ctx.logged.some((l) => l.startsWith('info: source: controller:'))).toBe(true);
    expect(results[1 - builderIndex].result).toMatchObject({ source: `binaries from ${builder.name}`, built_on: builder.name });
    expect(receiver.ctx.logged.some((l) => l.includes('waiting for the'))).toBe(true);

    for (const host of hosts) {
      const version = execFileSync(path.join(host.prefix, 'bin/redis-server'), ['--version'], { encoding: 'utf8' });
      expect(version).toMatch(/^Redis server v=7\.0\.15 /);
      expect(execFileSync(path.join(host.prefix, 'bin/redis-cli'), ['--version'], { encoding: 'utf8' })).toMatch(/^redis-cli 7\.0\.15/);
      const again = await build.check(host.ctx, paramsFor(host.prefix));
      expect(again).toMatchObject({ status: 'ok' });
    }
  });
});

describe('redis.config output on a real redis-server', () => {
  it('is accepted by redis-server 7.0.15, password with quotes included', async () => {
    const { server, cli } = ensureRedisBinaries();
    const ctx = createTestTaskContext(new LocalConnection('local'));
    const password = 'pa ss"word';
    const baseDir = path.join(dir, 'config');
    // An unusual port, so nothing else of the test run listens there.
    const params = config.params.parse({ base_dir: baseDir, bind: '127.0.0.1 -::1', password, nodes: [{ port: 26379, address: '127.0.0.1' }] });
    const plan = await config.check(ctx, params);
    if (plan.status !== 'change') throw new Error('expected a planned change');
    await config.apply(ctx, params, plan.state);
    expect(await config.check(ctx, params)).toMatchObject({ status: 'ok' });

    execFileSync(server, [path.join(baseDir, '26379.conf')]); // daemonize yes: returns once forked
    const env = { ...process.env, REDISCLI_AUTH: password };
    try {
      let pong = '';
      for (let i = 0; i < 50 && pong !== 'PONG'; i++) {
        pong = spawnSync(cli, ['-p', '26379', 'ping'], { env, encoding: 'utf8' }).stdout.trim();
        if (pong !== 'PONG') await new Promise((r) => setTimeout(r, 100));
      }
      expect(pong).toBe('PONG');
      expect(execFileSync(cli, ['-p', '26379', 'config', 'get', 'cluster-announce-bus-port'], { env, encoding: 'utf8' })).toContain('36379');
      expect(execFileSync(cli, ['-p', '26379', 'info', 'cluster'], { env, encoding: 'utf8' })).toContain('cluster_enabled:1');
    } finally {
      // The process this test started stops here, by SHUTDOWN or else by the pid it wrote.
      const pidfile = path.join(baseDir, '26379', 'redis_26379.pid');
      const pid = Number(readFileSync(pidfile, 'utf8').trim());
      spawnSync(cli, ['-p', '26379', 'shutdown', 'nosave'], { env, stdio: 'ignore' });
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone: SHUTDOWN did it
      }
    }
  });
});
