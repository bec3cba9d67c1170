import { describe, expect, it } from 'vitest';
import { prepareRun } from '../../../src/run/prepare.ts';

const prepare = (extraVarArgs: string[], file = 'templated-hosts.yaml') =>
  prepareRun({
    playbookFile: `test/fixtures/playbooks/good/${file}`,
    inventorySources: ['test/fixtures/inventory/yaml-cluster'],
    extraVarArgs,
    cwd: process.cwd(),
  });

describe('a templated play hosts pattern', () => {
  it('renders with the play vars, and extra vars win', async () => {
    expect((await prepare([])).graphs[0]!.hosts).toEqual(['server1', 'grafana.example.com']);
    expect((await prepare(['target=server1:server2'])).graphs[0]!.hosts).toEqual(['server1', 'server2']);
    expect((await prepare(['{"target": ["server1", "grafana.example.com"]}'])).graphs[0]!.hosts).toEqual(['server1', 'grafana.example.com']);
  });

  it('is bad input at the play when its variable is undefined', async () => {
    await expect(prepare([], 'templated-hosts-required.yaml')).rejects.toThrow(/templated-hosts-required\.yaml:1:3: 'target' is undefined/);
    expect((await prepare(['target=monitoring:!server1'], 'templated-hosts-required.yaml')).graphs[0]!.hosts).toEqual(['grafana.example.com']);
  });
});
