// The README's main job for real: the CLI runs playbooks/cluster.yaml on inventory/local.yaml (six
// redis-server 7.0.15 nodes on 127.0.0.1), and the cluster is checked from outside the engine
// with ioredis. Redis comes from the test cache (redis.build reports ok: no compile here), the
// nodes live in a temp dir, and every redis-server started here is stopped here, also on failure.
// The tests run in order: some start from fresh nodes, some from the cluster the one before left.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeLayout } from '../../tasks/redis/config-layout.ts';
import { ensureRedisBinaries } from '../helpers/redis-binaries.ts';
import { busyPorts, CLEAN, clusterViews, HEALTHY, LOCAL_HOST, MASTERS, nodeView, PORTS, roundTrip, stopNodes, withNode } from './helpers/cluster.ts';
import { nodeEnds, playgraph, recapTotals, statuses, type PlaygraphRun } from './helpers/playgraph.ts';

const PASSWORD = 'pg-E2E-pw-7Qz4rK';
const ENV_VAR = 'PG_E2E_REDIS_PASSWORD';
const FAILING = 'test/fixtures/e2e/cluster-replicate-fails.yaml';

let root = '';
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
  });

  afterAll(async () => {
    // With the password the last tests set, else without: whatever is left goes by SIGKILL anyway.
    for (const dir of bases) await stopNodes(dir, PASSWORD);
    if (root) rmSync(root, { recursive: true, force: true });
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
    expect(statuses(tagged)).toEqual({ 'meet@localhost': 'ok', 'replicate@localhost': 'ok', 'addslots@localhost': 'ok', 'wait@localhost': 'ok' });
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
    const met = await run(FAILING, ['--tags', 'meet', '--output', 'json']);
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
    const failed = await run(FAILING, ['--output', 'json']);
    expect(failed.code).toBe(2);
    expect(statuses(failed)).toEqual({
      'meet@localhost': 'changed',
      'stray-slot@localhost': 'changed',
      'replicate@localhost': 'failed',
      'addslots@localhost': 'changed',
      'wait@localhost': 'blocked',
      'reset@localhost': 'ok', // the play's rollback task: the modules' own rollbacks left nothing to do
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
    // 7300 held data alone once: it served every slot, took a key, and gave its slots up. It
    // holds the key, knows no peer and serves no slot, so meet takes it as its seed.
    await withNode(7300, undefined, async (redis) => {
      await redis.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await expect.poll(() => redis.set('kept:before-the-run', '1').catch((e: Error) => e.message), { timeout: 10_000 }).toBe('OK');
      await redis.call('CLUSTER', 'DELSLOTSRANGE', '0', '16383');
    });
    const failed = await run(FAILING, ['--output', 'json']);
    expect(failed.code).toBe(2);
    expect(statuses(failed)).toMatchObject({ 'meet@localhost': 'changed', 'replicate@localhost': 'failed' });
    const warnings = failed.events.flatMap((e) => (e.type === 'node-log' && e.level === 'warn' ? [e.message] : []));
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) expect(warning).toBe('not flushed, held keys before this run: localhost:7300 (1 keys)');
    await withNode(7300, undefined, async (redis) => {
      expect(await redis.dbsize()).toBe(1);
      expect(await redis.call('SCAN', '0')).toEqual(['0', ['kept:before-the-run']]);
    });
    // Every other node was brought in by this run and is reset.
    for (const port of PORTS.slice(1)) expect(await nodeView(port), `node ${port}`).toEqual(CLEAN);
  });

  it('with a password from a secrets file or an environment variable: it shows nowhere, and nodes require it', async () => {
    await freshNodes();
    const secrets = join(root, 'secrets.yaml');
    writeFileSync(secrets, `redis_password: "${PASSWORD}"\n`, { mode: 0o600 });
    const fromEnv = ['-e', JSON.stringify({ redis_password: `{{ lookup('env', '${ENV_VAR}') }}` })];
    const env = { [ENV_VAR]: PASSWORD };

    const plan = await run('playbooks/cluster.yaml', ['--check', '--diff', ...fromEnv], env);
    expect(...ok(plan)).toBe(0);
    // The diff shows the new configs with the password masked, not left out.
    expect(plan.stdout).toMatch(/\+requirepass "?\*{8}"?/);
    const formed = await run('playbooks/cluster.yaml', ['-v', '-e', `@${secrets}`]);
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
  });

  it('playbooks/cluster-reset.yaml refuses nodes holding keys unless force=true, then empties them', async () => {
    // The password cluster the test before formed, holding the keys it wrote.
    const auth = ['-e', JSON.stringify({ redis_password: PASSWORD })];
    const refused = await run('playbooks/cluster-reset.yaml', [...auth, '--output', 'json']);
    expect(refused.code).toBe(2);
    const reset = nodeEnds(refused).find((e) => e.node.taskId === 'reset')!;
    expect(reset.status).toBe('failed');
    for (const port of PORTS) expect(reset.message).toMatch(new RegExp(`localhost:${port} \\(\\d+ keys\\)`));
    expect(reset.message).toContain('rerun with force=true');
    const keys = async () => (await Promise.all(PORTS.map(async (port) => (await nodeView(port, PASSWORD)).keys))).reduce((a, b) => a + b);
    await expect.poll(keys).toBe(40); // 20 keys, each on a master and its replica
    expect(await topologyNow(PASSWORD)).toEqual(HEALTHY);

    const forced = await run('playbooks/cluster-reset.yaml', [...auth, '-e', 'force=true', '--output', 'json']);
    expect(...ok(forced)).toBe(0);
    expect(statuses(forced)).toEqual({ 'reset@localhost': 'changed' });
    for (const port of PORTS) expect(await nodeView(port, PASSWORD), `node ${port}`).toEqual(CLEAN);
    for (const output of [refused, forced]) expect(output.stdout + output.stderr).not.toContain(PASSWORD);
  });
});
