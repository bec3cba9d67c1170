import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { prepareRun } from '../../../src/run/prepare.ts';

const prepare = (limit: string) =>
  prepareRun({
    playbookFile: 'test/fixtures/playbooks/good/two-plays.yaml',
    inventorySources: ['test/fixtures/inventory/yaml-cluster'],
    extraVarArgs: [],
    limit,
    cwd: process.cwd(),
  });

describe('--limit over several plays', () => {
  it('skips a play it leaves without hosts, saying so, and runs the others on the limited hosts', async () => {
    const prepared = await prepare('grafana.example.com');
    expect(prepared.graphs.map((graph) => [graph.play.name, graph.hosts])).toEqual([['monitoring', ['grafana.example.com']]]);
    expect(prepared.skippedPlays).toEqual([{ playIndex: 0, name: 'masters', reason: 'no hosts matched' }]);
  });

  it('skips nothing when every play keeps a host', async () => {
    const prepared = await prepare('server1');
    expect(prepared.graphs.map((graph) => graph.hosts)).toEqual([['server1'], ['server1']]);
    expect(prepared.skippedPlays).toEqual([]);
  });

  it('is bad input when it matches hosts of the inventory but none of any play', async () => {
    await expect(prepare('bastion')).rejects.toThrow(InputError);
    await expect(prepare('bastion')).rejects.toThrow(/--limit 'bastion' matches no host of any play \(it selects bastion\)/);
  });

  it('is bad input when it matches no host of the inventory', async () => {
    await expect(prepare('nohost')).rejects.toThrow(/--limit 'nohost' matches no host in inventory .*yaml-cluster/);
  });
});
