// playbooks/cluster.yaml's variables, from the real playbook and inventories: what the README's
// variables table promises reaches the modules' params, as the engine renders them for a host
// (inventory vars, then -e), with no host contacted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveInvocation } from '../../src/run/invocation.ts';
import { prepareRun } from '../../src/run/prepare.ts';
import { renderNodeConfig, type SettingValue } from './config-render.ts';
import { taskModule as config, type ConfigParams } from './config.ts';
import { taskModule as failback, type FailbackParams } from './failback.ts';

const REPO = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'playgraph-cluster-playbook-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** redis.config's params for `host`, as a run of cluster.yaml with this inventory and these -e would pass them. */
async function configParamsFor(inventory: string, host: string, extraVars: string[] = []): Promise<{ params: ConfigParams; baseDir: string }> {
  const prepared = await prepareRun({ playbookFile: 'playbooks/cluster.yaml', inventorySources: [inventory], extraVarArgs: extraVars, cwd: REPO });
  const graph = prepared.graphs[0]!;
  const node = [...graph.nodes.values()].find((n) => n.task.id === 'config' && n.host === host)!;
  const invocation = resolveInvocation(graph, node, { inventory: prepared.inventory, extraVars: prepared.extraVars }, config);
  if (invocation.kind !== 'run') throw new Error(`config is skipped on ${host}: ${invocation.condition}`);
  return { params: invocation.items[0]!.params as ConfigParams, baseDir: graph.play.baseDir };
}

const directives = (params: ConfigParams) =>
  renderNodeConfig({
    node: { ref: 'localhost:7300', port: 7300, busPort: 17300, address: '127.0.0.1', role: 'master' },
    host: 'localhost',
    baseDir: params.base_dir,
    bind: params.bind,
    settings: params.settings as Record<string, SettingValue>,
  }).text;

describe('cluster.yaml: the guide settings from variables', () => {
  it("defaults to the guide's bind and settings (three servers), and loopback on the local inventory", async () => {
    const servers = (await configParamsFor('inventory/three-servers.yaml', 'server1')).params;
    expect(servers).toMatchObject({ bind: '0.0.0.0 -::1', settings: {} });
    expect((await configParamsFor('inventory/local.yaml', 'localhost')).params.bind).toBe('127.0.0.1 -::1');
  });

  it('merges redis_settings over the guide defaults and takes redis_bind, from -e', async () => {
    const { params } = await configParamsFor('inventory/local.yaml', 'localhost', [
      JSON.stringify({ redis_settings: { maxmemory: '100mb', 'cluster-node-timeout': 15000, hz: 20 } }),
      'redis_bind=127.0.0.2',
    ]);
    const text = directives(params);
    expect(text).toMatch(/^bind 127\.0\.0\.2$/m);
    expect(text).toMatch(/^maxmemory 100mb$/m);
    expect(text).toMatch(/^cluster-node-timeout 15000$/m);
    expect(text).toMatch(/^hz 20$/m);
    // The guide's other values stay.
    expect(text).toMatch(/^maxmemory-policy noeviction$/m);
    expect(text).toMatch(/^appendonly yes$/m);
  });

  // A per-node directive in redis_settings is refused while the run is prepared: cluster-preflight.test.ts.
});

describe('cluster.yaml: where values come from', () => {
  it("takes the password from a controller file with lookup('file', ...), its trailing newline dropped", async () => {
    const file = join(scratch, 'redis-password');
    writeFileSync(file, 'from-a-file-pw\n', { mode: 0o600 });
    const { params } = await configParamsFor('inventory/local.yaml', 'localhost', [JSON.stringify({ redis_password: `{{ lookup('file', '${file}') }}` })]);
    expect(params.password).toBe('from-a-file-pw');
  });

  it("resolves paths against the playbook's directory (a relative redis_source_tarball)", async () => {
    // redis.build pushes a relative tarball from ctx.baseDir, which is the play's baseDir.
    expect((await configParamsFor('inventory/local.yaml', 'localhost')).baseDir).toBe(join(REPO, 'playbooks'));
  });
});

describe('cluster.yaml: failback', () => {
  async function failbackFor(extraVars: string[] = []) {
    const prepared = await prepareRun({ playbookFile: 'playbooks/cluster.yaml', inventorySources: ['inventory/three-servers.yaml'], extraVarArgs: extraVars, cwd: REPO });
    const graph = prepared.graphs[0]!;
    const nodes = [...graph.nodes.values()].filter((n) => n.task.id === 'failback');
    const invocation = resolveInvocation(graph, nodes[0]!, { inventory: prepared.inventory, extraVars: prepared.extraVars }, failback);
    if (invocation.kind !== 'run') throw new Error(`failback is skipped: ${invocation.condition}`);
    const into = graph.edges.filter(([, to]) => to === nodes[0]!.id).map(([from]) => graph.nodes.get(from)?.task.id);
    return { nodes, into, params: invocation.items[0]!.params as FailbackParams };
  }

  it('runs once, after wait (the cluster healthy and the returning node told its role), and is on by default', async () => {
    const { nodes, into, params } = await failbackFor();
    expect(nodes).toHaveLength(1);
    expect(into).toEqual(['wait']);
    expect(params).toMatchObject({ failback: true, connect: 'forward' });
  });

  it('is off with redis_failback: false, also as -e text', async () => {
    expect((await failbackFor(['redis_failback=false'])).params.failback).toBe(false);
    expect((await failbackFor([JSON.stringify({ redis_failback: false })])).params.failback).toBe(false);
  });
});
