// The README's main job for real: the CLI runs playbooks/cluster.yaml on inventory/local.yaml (six
// redis-server 7.0.15 nodes on 127.0.0.1), and the cluster is checked from outside the engine
// with ioredis. Redis comes from the test cache (redis.build reports ok: no compile here), the
// nodes live in a temp dir, and every redis-server started here is stopped here, also on failure.
// The tests run in order: some start from fresh nodes, some from the cluster the one before left.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeLayout } from '../../tasks/redis/config-layout.ts';
import { ensureRedisBinaries } from '../helpers/redis-binaries.ts';
import {
  busyPorts, CLEAN, clusterViews, HEALTHY, LOCAL_HOST, MASTERS, nodeView, PORTS, roundTrip, stopNodes, strayslotPlaybook, withNode,
} from './helpers/cluster.ts';
import { nodeEnds, playgraph, recapTotals, statuses, type PlaygraphRun } from './helpers/playgraph.ts';

const PASSWORD = 'pg-E2E-pw-7Qz4rK';
const NEW_PASSWORD = 'pg-E2E-next-pw-3Vd8';
const ENV_VAR = 'PG_E2E_REDIS_PASSWORD';
/** The guide's values overridden from variables: redis_settings merged over them. */
const TUNED = ['-e', JSON.stringify({ redis_settings: { maxmemory: '200mb', hz: 20 } })];

let root = '';
/** playbooks/cluster.yaml plus a stray slot before replicate (helpers/cluster.ts), written in beforeAll. */
let failing = '';
let prefix = '';
const bases: string[] = [];
let base = '';

function run(playbook: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<PlaygraphRun> {
  const vars = ['-e', `redis_prefix=${prefix}`, '-e', `redis_base_dir=${base}`];
  return playgraph(['run', playbook, '-i', 'inventory/local.yaml', ...vars, ...args], { env });
}
const cluster = (...args: string[]) => run('playbooks/cluster.yaml', args);

/** Stops the nodes and moves to a new base dir: the next run starts from nothing, as on a new machine. */
async function freshNodes(): Promise<void> {
  if (base) await stopNodes(base);
  base = mkdtempSync(join(root, 'nodes-'));
  bases.push(base);
}

/** Views without key counts, to compare with HEALTHY. */
async function topologyNow(password?: string) {
  const views = await clusterViews(password);
  return Object.fromEntries(Object.entries(views).map(([port, { keys: _keys, ...rest }]) => [port, rest]));
}

function pidOf(port: number): number {
  return Number(readFileSync(nodeLayout(LOCAL_HOST, base, port).pidfile, 'utf8').trim());
}

const ok = (r: PlaygraphRun) => [r.code, `exit ${r.code}\n${r.stderr}\n${r.stdout.slice(-4000)}`] as const;

describe('playbooks/cluster.yaml on inventory/local.yaml', () => {
  beforeAll(async () => {
    prefix = ensureRedisBinaries().prefix;
    // Not ours to stop: another engineer's or test file's nodes. Say so instead of fighting them.
    const busy = await busyPorts();
    if (busy.length > 0) throw new Error(`ports ${busy.join(', ')} are in use; this file needs 7300-7302 and 7400-7402 free`);
    root = mkdtempSync(join(tmpdir(), 'playgraph-cluster-e2e-'));
    failing = strayslotPlaybook(root);
  });

  afterAll(async () => {
    // With the password the last tests set, else without: whatever is left goes by SIGKILL anyway.
    for (const dir of bases) await stopNodes(dir, PASSWORD);
    if (root) rmSync(root, { recursive: true, force: true });
    expect(await busyPorts()).toEqual([]);
  });

  it('refuses two inventory names for this machine with the same ports before anything changes, naming both', async () => {
    const inventory = join(root, 'one-machine-twice.yaml');
    const node = (masters: number[]) => ({ ansible_connection: 'local', ansible_host: '127.0.0.1', redis_masters: masters });
    writeFileSync(inventory, JSON.stringify({ all: { children: { redis: {
      hosts: { 'redis-a': node([7300, 7301, 7302]), 'redis-b': node([7300]) },
      vars: { redis_allow_same_host: true, kernel_tuning: false },
    } } } }));
    const nowhere = join(root, 'one-machine-nodes');
    const refused = await playgraph(['run', 'playbooks/cluster.yaml', '-i', inventory, '-e', `redis_prefix=${prefix}`, '-e', `redis_base_dir=${nowhere}`, '--output', 'json']);
    // Bad input, refused while the run is prepared (redis.config's preflight): no task ran at all.
    expect(refused.code, refused.stdout.slice(-3000) + refused.stderr).toBe(4);
    expect(refused.stderr).toMatch(/cluster\.yaml:\d+:\d+: .*hosts redis-a and redis-b are one machine \(the controller\): port 7300 is used twice/);
    expect(nodeEnds(refused)).toEqual([]);
    expect(existsSync(nowhere)).toBe(false);
    expect(await busyPorts()).toEqual([]);
  });

  it('forms a healthy cluster, seen from an outside client, and a rerun reports 0 changed', async () => {
    await freshNodes();
    const first = await cluster('--output', 'json');
    expect(...ok(first)).toBe(0);
    expect(statuses(first)).toEqual({
      'build@localhost': 'ok', // the cached binaries already report 7.0.15: nothing compiled
      'tune@localhost': 'skipped',
      'config@localhost': 'changed',
      'start@localhost': 'changed',
      // config notified the handler, but start has just started every node from its new file.
      'restart-redis@localhost': 'ok',
      'meet@localhost': 'changed',
      'replicate@localhost': 'changed',
      'addslots@localhost': 'changed',
      'wait@localhost': 'ok',
      'failback@localhost': 'ok',
    });
    expect(await topologyNow()).toEqual(HEALTHY);
    const values = Array.from({ length: 200 }, (_, i) => `value-${i}`);
    expect(await roundTrip(200)).toEqual(values);
    // The keys spread over the three masters, and every replica holds its master's copy.
    for (const [i, master] of MASTERS.entries()) {
      const keys = (await nodeView(master)).keys;
      expect(keys).toBeGreaterThan(0);
      await expect.poll(async () => (await nodeView(PORTS[3 + i])).keys, { timeout: 10_000 }).toBe(keys);
    }

    const rerun = await cluster('--output', 'json');
    expect(...ok(rerun)).toBe(0);
    expect(recapTotals(rerun)).toMatchObject({ changed: 0, failed: 0, blocked: 0 });
  });

  it('a config file changed by hand is restored, and the handler restarts only that node', async () => {
    const pids = Object.fromEntries(PORTS.map((port) => [port, pidOf(port)]));
    appendFileSync(nodeLayout(LOCAL_HOST, base, 7401).configFile, 'maxmemory 100mb\n');
    const rerun = await cluster('--output', 'json');
    expect(...ok(rerun)).toBe(0);
    const ends = new Map(nodeEnds(rerun).map((e) => [e.node.taskId, e]));
    expect(ends.get('config')).toMatchObject({ status: 'changed', message: `update ${base}/7401.conf` });
    expect(ends.get('restart-redis')).toMatchObject({ status: 'changed', message: 'restart localhost:7401 one at a time' });
    for (const port of PORTS) {
      if (port === 7401) expect(pidOf(port)).not.toBe(pids[port]);
      else expect(pidOf(port)).toBe(pids[port]);
    }
    expect(ends.get('wait')?.status).toBe('ok');
    expect(await topologyNow()).toEqual(HEALTHY);
  });

  it('--tags cluster on the formed cluster changes nothing', async () => {
    const tagged = await cluster('--tags', 'cluster', '--output', 'json');
    expect(...ok(tagged)).toBe(0);
    expect(statuses(tagged)).toEqual({ 'meet@localhost': 'ok', 'replicate@localhost': 'ok', 'addslots@localhost': 'ok', 'wait@localhost': 'ok', 'failback@localhost': 'ok' });
    // start and the handler were not selected: taken as satisfied, and the plan says so.
    expect(nodeEnds(tagged).find((e) => e.node.taskId === 'meet')?.assumedNeeds).toEqual(expect.arrayContaining(['start']));
    expect(await topologyNow()).toEqual(HEALTHY);
  });

  it('completes a cluster left halfway (started and met, no replicas, no slots)', async () => {
    await freshNodes();
    const started = await cluster('--tags', 'build,config,start', '--output', 'json');
    expect(...ok(started)).toBe(0);
    expect(statuses(started)).toMatchObject({ 'start@localhost': 'changed' });
    expect(Object.keys(statuses(started))).not.toContain('meet@localhost');
    // Only meet, as a run stopped after it leaves the nodes.
    const met = await run(failing, ['--tags', 'meet', '--output', 'json']);
    expect(...ok(met)).toBe(0);
    expect(statuses(met)).toEqual({ 'meet@localhost': 'changed' });
    for (const view of Object.values(await clusterViews())) expect(view).toEqual({ state: 'fail', slots: [], knownNodes: 6, keys: 0 });

    const rerun = await cluster('--output', 'json');
    expect(...ok(rerun)).toBe(0);
    expect(statuses(rerun)).toMatchObject({
      'start@localhost': 'ok',
      'meet@localhost': 'ok',
      'replicate@localhost': 'changed',
      'addslots@localhost': 'changed',
      'wait@localhost': 'ok',
    });
    expect(await topologyNow()).toEqual(HEALTHY);
  });

  it('a failure in redis.replicate rolls back to clean, empty nodes, and the next run succeeds', async () => {
    await freshNodes();
    expect(...ok(await cluster('--tags', 'build,config,start'))).toBe(0);
    const failed = await run(failing, ['--output', 'json']);
    expect(failed.code).toBe(2);
    expect(statuses(failed)).toEqual({
      'build@localhost': 'ok',
      'tune@localhost': 'skipped',
      'config@localhost': 'ok',
      'start@localhost': 'ok',
      'restart-redis@localhost': 'skipped', // config changed nothing: not notified
      'meet@localhost': 'changed',
      'stray-slot@localhost': 'changed',
      'replicate@localhost': 'failed',
      'addslots@localhost': 'changed',
      'wait@localhost': 'blocked',
      'failback@localhost': 'blocked',
      // cluster.yaml's own rollback task: the modules' own rollbacks left it nothing to do.
      'reset@localhost': 'ok',
    });
    const replicate = nodeEnds(failed).find((e) => e.node.taskId === 'replicate')!;
    expect(replicate.message).toMatch(/cannot replicate: localhost:7400 is a master serving slots/);
    expect(failed.events.some((e) => e.type === 'rollback-start')).toBe(true);
    const rolledBack = failed.events.flatMap((e) => (e.type === 'rollback-node' ? [`${e.node.taskId}:${e.status}`] : []));
    expect(rolledBack).toEqual(['addslots:rolled-back', 'meet:rolled-back']);
    for (const port of PORTS) expect(await nodeView(port), `node ${port}`).toEqual(CLEAN);

    const next = await cluster('--output', 'json');
    expect(...ok(next)).toBe(0);
    expect(await topologyNow()).toEqual(HEALTHY);
  });

  it('rollback never flushes a node that held keys before the run, and names it', async () => {
    await freshNodes();
    expect(...ok(await cluster('--tags', 'build,config,start'))).toBe(0);
    // An earlier cluster of ours: 7300 held data alone once (served every slot, took a key, gave
    // its slots up), then met 7301. Knowing a planned peer makes it the meet's seed, keys and all
    // (a lone keyed node is refused instead); this run then gives it slots, so rollback targets it.
    await withNode(7300, undefined, async (redis) => {
      await redis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await expect.poll(() => redis.set('kept:before-the-run', '1').catch((e: Error) => e.message), { timeout: 10_000 }).toBe('OK');
      await redis.call('CLUSTER', 'DELSLOTSRANGE', '0', '16383');
      await redis.call('CLUSTER', 'MEET', '127.0.0.1', '7301', '17301');
    });
    const metPair = async () => {
      const tables = await Promise.all([7300, 7301].map((port) => withNode(port, undefined, async (r) => String(await r.call('CLUSTER', 'NODES')))));
      return tables.every((t) => t.trim().split('\n').length === 2 && !t.includes('handshake'));
    };
    await expect.poll(metPair, { timeout: 10_000 }).toBe(true);

    const failed = await run(failing, ['--output', 'json']);
    expect(failed.code).toBe(2);
    expect(statuses(failed)).toMatchObject({ 'meet@localhost': 'changed', 'addslots@localhost': 'changed', 'replicate@localhost': 'failed', 'reset@localhost': 'ok' });
    expect(nodeEnds(failed).find((e) => e.node.taskId === 'meet')?.message).toBe('meet localhost:7302, localhost:7400, localhost:7401, localhost:7402 from localhost:7300');
    const warnings = failed.events.flatMap((e) => (e.type === 'node-log' && e.level === 'warn' ? [`${e.node.taskId}: ${e.message}`] : []));
    // Refused by addslots' own rollback and again by cluster.yaml's rollback task.
    const refusal = 'not flushed, held keys before this run: localhost:7300 (1 keys)';
    expect(warnings).toEqual([`addslots: ${refusal}`, `reset: ${refusal}`]);
    await withNode(7300, undefined, async (redis) => {
      expect(await redis.dbsize()).toBe(1);
      expect(await redis.call('SCAN', '0')).toEqual(['0', ['kept:before-the-run']]);
    });
    // Every other node was brought in by this run (meet, or slots from addslots) and is reset.
    for (const port of PORTS.slice(1)) expect(await nodeView(port), `node ${port}`).toEqual(CLEAN);
  });

  it('with a password from a secrets file or an environment variable: it shows nowhere, and nodes require it', async () => {
    await freshNodes();
    const secrets = join(root, 'secrets.yaml');
    writeFileSync(secrets, `redis_password: "${PASSWORD}"\n`, { mode: 0o600 });
    const fromEnv = ['-e', JSON.stringify({ redis_password: `{{ lookup('env', '${ENV_VAR}') }}` }), ...TUNED];
    const env = { [ENV_VAR]: PASSWORD };

    const plan = await run('playbooks/cluster.yaml', ['--check', '--diff', ...fromEnv], env);
    expect(...ok(plan)).toBe(0);
    // The diff shows the new configs with the password masked, not left out.
    expect(plan.stdout).toMatch(/\+requirepass "?\*{8}"?/);
    expect(plan.stdout).toContain('+maxmemory 200mb');
    const formed = await run('playbooks/cluster.yaml', ['-v', '-e', `@${secrets}`, ...TUNED]);
    expect(...ok(formed)).toBe(0);
    const rerun = await run('playbooks/cluster.yaml', ['--output', 'json', ...fromEnv], env);
    expect(...ok(rerun)).toBe(0);
    expect(recapTotals(rerun)).toMatchObject({ changed: 0, failed: 0 });
    for (const output of [plan, formed, rerun]) {
      expect(output.stdout.length).toBeGreaterThan(0);
      expect(output.stdout + output.stderr).not.toContain(PASSWORD);
    }

    await withNode(7300, undefined, async (redis) => {
      await expect(redis.get('any')).rejects.toThrow(/NOAUTH/);
    });
    expect(await topologyNow(PASSWORD)).toEqual(HEALTHY);
    expect(await roundTrip(20, PASSWORD)).toHaveLength(20);
    // redis_settings over the guide's values, and the local inventory's redis_bind, as the nodes run them.
    await withNode(7402, PASSWORD, async (redis) => {
      const config = async (name: string) => ((await redis.call('CONFIG', 'GET', name)) as string[])[1];
      expect(await config('maxmemory')).toBe(String(200 * 1024 * 1024));
      expect(await config('hz')).toBe('20');
      expect(await config('maxmemory-policy')).toBe('noeviction');
      expect(await config('bind')).toBe('127.0.0.1 -::1');
    });
  });

  it("a password change shows in --check --diff (plain and json) as a changed requirepass, neither password anywhere", async () => {
    // The new password from a controller file (lookup('file')); the old one is in the running configs only.
    const file = join(root, 'next-password');
    writeFileSync(file, `${NEW_PASSWORD}\n`, { mode: 0o600 });
    const change = ['--check', '--diff', '-e', JSON.stringify({ redis_password: `{{ lookup('file', '${file}') }}` }), ...TUNED];
    const plain = await cluster(...change);
    const json = await cluster(...change, '--output', 'json');
    for (const output of [plain, json]) {
      expect(output.stdout + output.stderr).not.toContain(PASSWORD);
      expect(output.stdout + output.stderr).not.toContain(NEW_PASSWORD);
    }
    expect(plain.stdout).toContain('-requirepass ******** (old value)\n');
    expect(plain.stdout).toContain('+requirepass ******** (new value)\n');
    const config = nodeEnds(json).find((e) => e.node.taskId === 'config')!;
    expect(config.status).toBe('changed');
    expect(config.files).toHaveLength(6);
    for (const file of config.files ?? []) {
      expect(file.before).toMatch(/^requirepass \*{8} \(old value\)$/m);
      expect(file.after).toMatch(/^masterauth \*{8} \(new value\)$/m);
    }
    // A dry run: the nodes still run, and require, the old password.
    expect(readFileSync(nodeLayout(LOCAL_HOST, base, 7300).configFile, 'utf8')).toContain(`requirepass ${PASSWORD}`);
    expect(await topologyNow(PASSWORD)).toEqual(HEALTHY);
  });

  it('playbooks/cluster-reset.yaml refuses nodes holding keys unless force=true, then empties them', async () => {
    // The password cluster formed before, holding the 20 keys it wrote, less those of 7302 (and so
    // of its replica 7402): two nodes without keys, which a half reset used to flush and reset.
    const auth = ['-e', JSON.stringify({ redis_password: PASSWORD })];
    await withNode(7302, PASSWORD, (redis) => redis.flushall());
    const keysByPort = async () => Object.fromEntries(await Promise.all(PORTS.map(async (port) => [port, (await nodeView(port, PASSWORD)).keys])));
    await expect.poll(async () => (await keysByPort())[7402]).toBe(0);
    const before = await keysByPort();
    const holders = PORTS.filter((port) => before[port] > 0);
    expect(holders).toEqual([7300, 7301, 7400, 7401]);

    const refused = await run('playbooks/cluster-reset.yaml', [...auth, '--output', 'json']);
    expect(refused.code).toBe(2);
    const reset = nodeEnds(refused).find((e) => e.node.taskId === 'reset')!;
    expect(reset.status).toBe('failed');
    const named = holders.map((port) => `localhost:${port} (${before[port]} keys)`).join(', ');
    expect(reset.message).toBe(`refusing to reset any node: ${named} hold keys; nothing was changed (rerun with force=true to flush them)`);
    // Nothing was touched: every node still in the cluster, in place, with its keys.
    expect(await topologyNow(PASSWORD)).toEqual(HEALTHY);
    expect(await keysByPort()).toEqual(before);

    const forced = await run('playbooks/cluster-reset.yaml', [...auth, '-e', 'force=true', '--output', 'json']);
    expect(...ok(forced)).toBe(0);
    expect(statuses(forced)).toEqual({ 'reset@localhost': 'changed' });
    for (const port of PORTS) expect(await nodeView(port, PASSWORD), `node ${port}`).toEqual(CLEAN);
    for (const output of [refused, forced]) expect(output.stdout + output.stderr).not.toContain(PASSWORD);
  });
});
