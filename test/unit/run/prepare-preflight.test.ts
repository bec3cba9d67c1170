import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { prepareRun } from '../../../src/run/prepare.ts';

const dir = 'test/fixtures/playbooks/good/preflight';
const prepare = (file: string, extraVarArgs: string[] = []) =>
  prepareRun({
    playbookFile: path.join(dir, file),
    inventorySources: ['test/fixtures/inventory/yaml-cluster'],
    extraVarArgs,
    cwd: process.cwd(),
  });

describe('template files are checked while the run is prepared', () => {
  it('accepts templates whose variables are known, or need a register: result, or sit behind a false when', async () => {
    const prepared = await prepare('site.yaml');
    expect(prepared.graphs).toHaveLength(1);
  });

  it('refuses an undefined variable at the template line that uses it', async () => {
    const failure = prepare('broken.yaml');
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(/preflight\/templates\/node\.conf\.j2:2:9: 'port' is undefined \(in "port \{\{ port \}\}"\)/);
  });

  it('refuses a template that is not there, at the task that names it', async () => {
    const failure = prepare('broken.yaml', ['port=6379']);
    await expect(failure).rejects.toThrow(/broken\.yaml:10:\d+: template no-such\.j2 not found; looked in .*templates\/no-such\.j2/);
  });

  it('checks a guarded template once its condition holds', async () => {
    await expect(prepare('site.yaml', ['optional_template=absent.j2'])).rejects.toThrow(/site\.yaml:\d+:\d+: template absent\.j2 not found/);
  });
});
