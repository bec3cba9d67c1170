import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { playgraph } from './helpers/playgraph.ts';

const lab = inject('lab');

// Each file's first task would create the work dir on every host: after exit 4 it must not exist.
const cases: { file: string; message: RegExp; position: RegExp }[] = [
  { file: 'bad-yaml.yaml', message: /invalid YAML/, position: /bad-yaml\.yaml:\d+:\d+/ },
  { file: 'unknown-module.yaml', message: /fiel.*did you mean.*file/is, position: /unknown-module\.yaml:7:\d+/ },
  { file: 'wrong-param-type.yaml', message: /state/, position: /wrong-param-type\.yaml:(7|8|9):\d+/ },
  { file: 'missing-var.yaml', message: /no_such_variable/, position: /missing-var\.yaml:\d+:\d+/ },
  { file: 'cycle.yaml', message: /cycle: (a|b|c) -> (a|b|c) -> (a|b|c) -> (a|b|c)/, position: /cycle\.yaml:\d+:\d+/ },
  // The template file on the controller is rendered while the run is prepared: its line, not the task's.
  { file: 'missing-template-var.yaml', message: /'motd_owner' is undefined/, position: /templates\/motd\.j2:3:\d+/ },
  { file: 'no-hosts.yaml', message: /no_such_group/, position: /no-hosts\.yaml:\d+:\d+/ },
];

describe('bad input', () => {
  for (const { file, message, position } of cases) {
    it(`${file}: exit 4 with file:line:column, nothing done on any host`, async () => {
      const dir = `/tmp/pg-bad-${process.pid}-${file}`;
      const run = await playgraph([
        'run', path.join('test', 'fixtures', 'e2e', 'bad', file),
        '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '-e', `work_dir=${dir}`,
      ]);
      expect(run.code, run.stdout + run.stderr).toBe(4);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(position);
      expect(run.stderr.trim().split('\n').length).toBeLessThanOrEqual(6);
      for (const host of lab.hosts) expect(existsSync(path.join(host.root, dir.replace(/^\/tmp\//, 'tmp/')))).toBe(false);
    });
  }

  it('an unknown --limit pattern is bad input too', async () => {
    const run = await playgraph(['run', 'test/fixtures/e2e/basic.yaml', '-i', lab.inventoryFile, '--limit', 'nohost', '-e', 'work_dir=/tmp/x']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/nohost/);
  });
});
