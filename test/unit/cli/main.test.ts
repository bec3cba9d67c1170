import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';

describe('playgraph CLI', () => {
  it('inventory --list prints the resolved inventory as ansible-inventory does', async () => {
    const { code, out } = await cli('inventory', '-i', 'inventory/three-servers.yaml', '--list');
    expect(code).toBe(0);
    const list = JSON.parse(out);
    expect(list.redis.hosts).toEqual(['server1', 'server2', 'server3']);
    expect(list._meta.hostvars.server2.redis_masters).toEqual([7301]);
  });

  it('inventory --host prints one host', async () => {
    const { code, out } = await cli('inventory', '-i', 'inventory/three-servers.yaml', '--host', 'server3');
    expect(code).toBe(0);
    expect(JSON.parse(out).redis_replicas).toEqual([{ port: 7401, replica_of: 'server2:7301' }]);
  });

  it('modules lists every module with its params', async () => {
    const { code, out } = await cli('modules');
    expect(code).toBe(0);
    for (const name of ['core.command', 'core.copy', 'core.file', 'redis.build', 'redis.meet', 'kernel.tune']) {
      expect(out).toContain(`${name} — `);
    }
    expect(out).toMatch(/\n {4}creates \(string\)/);
  });

  it('graph draws the cluster playbook as dot and mermaid', async () => {
    const dot = await cli('graph', 'playbooks/cluster.yaml', '-i', 'inventory/three-servers.yaml', '--format', 'dot');
    expect(dot.code, dot.err).toBe(0);
    expect(dot.out).toMatch(/^digraph playgraph \{/);
    expect(dot.out).toContain('"Introduce every node to the cluster (run_once)"');
    const mermaid = await cli('graph', 'playbooks/cluster.yaml', '-i', 'inventory/three-servers.yaml', '--tags', 'cluster');
    expect(mermaid.out).toMatch(/^flowchart TD/);
    expect(mermaid.out).not.toContain('Build Redis from source');
  });

  it('bad input exits 4 with one clear line', async () => {
    const missing = await cli('run', 'playbooks/nope.yaml', '-i', 'inventory/local.yaml');
    expect(missing.code).toBe(4);
    expect(missing.err).toMatch(/^ERROR: playbooks\/nope\.yaml: /);
    const forks = await cli('run', 'playbooks/cluster.yaml', '-i', 'inventory/local.yaml', '--forks', '0');
    expect(forks.code).toBe(4);
  });

  it('with --output json, bad input is also one JSON event on stdout, with its position', async () => {
    const run = await cli('run', 'test/fixtures/e2e/bad/unknown-module.yaml', '-i', 'inventory/local.yaml', '--output', 'json', '-e', 'work_dir=/tmp/never');
    expect(run.code).toBe(4);
    expect(run.err).toMatch(/unknown-module\.yaml:7:\d+/);
    const lines = run.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!);
    expect(event).toMatchObject({ type: 'input-error', exitCode: 4, position: { file: expect.stringMatching(/unknown-module\.yaml$/), line: 7 } });
    expect(event.message).toMatch(/fiel/);
  });
});
