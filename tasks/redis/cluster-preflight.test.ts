// cluster.yaml refuses a bad layout while the run is prepared (the modules' preflight), so
// nothing on any host changes first: the real playbook, inventories written to a scratch dir.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { prepareRun } from '../../src/run/prepare.ts';

const REPO = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'playgraph-cluster-preflight-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function inventory(name: string, hosts: Record<string, unknown>): string {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, JSON.stringify({ all: { children: { redis: { hosts } } } }));
  return file;
}

const prepare = (inventoryFile: string, extra: { limit?: string; tags?: string[]; extraVarArgs?: string[] } = {}) =>
  prepareRun({ playbookFile: 'playbooks/cluster.yaml', inventorySources: [inventoryFile], extraVarArgs: extra.extraVarArgs ?? [], limit: extra.limit, tags: extra.tags, cwd: REPO });

const server = (address: string, master: number, replica: number, of: string) => ({
  ansible_host: address,
  redis_masters: [master],
  redis_replicas: [{ port: replica, replica_of: of }],
});

describe('cluster.yaml preflight', () => {
  it("accepts the guide's three servers", async () => {
    const prepared = await prepare(join(REPO, 'inventory/three-servers.yaml'));
    expect(prepared.graphs[0]!.hosts).toEqual(['server1', 'server2', 'server3']);
  });

  it('refuses a replica on its master host before the run, also when --limit and --tags leave that host out', async () => {
    const file = inventory('same-host', {
      server1: server('192.0.2.11', 7300, 7402, 'server3:7302'),
      server2: server('192.0.2.12', 7301, 7400, 'server2:7301'),
      server3: server('192.0.2.13', 7302, 7401, 'server1:7300'),
    });
    for (const extra of [{}, { limit: 'server1' }, { tags: ['cluster'] }]) {
      const failure = prepare(file, extra);
      await expect(failure).rejects.toThrow(InputError);
      await expect(failure).rejects.toThrow(/cluster\.yaml:\d+:\d+: .*7400.*server2:7301.*same host/);
    }
  });

  it('refuses two inventory names for one machine that claim one port, naming both', async () => {
    const file = inventory('same-machine', {
      a: server('192.0.2.21', 7300, 7401, 'b:7301'),
      b: { ...server('192.0.2.22', 7301, 7400, 'a:7300') },
      'a-again': { ansible_host: '192.0.2.21', redis_masters: [7300] },
    });
    await expect(prepare(file)).rejects.toThrow(/port 7300.*\ba\b.*a-again|port 7300.*a-again.*\ba\b/);
  });

  it('refuses a per-node directive in redis_settings before the run', async () => {
    const failure = prepare(join(REPO, 'inventory/local.yaml'), { extraVarArgs: [JSON.stringify({ redis_settings: { logfile: '/tmp/shared.log' } })] });
    await expect(failure).rejects.toThrow(/cluster\.yaml:\d+:\d+: settings: logfile is set by redis\.config itself/);
  });
});
