import { getEventListeners } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/run/events.ts';
import { executeRun } from '../../../src/run/execute.ts';
import { prepareRun } from '../../../src/run/prepare.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-retry-sleep-'));
  await writeFile(path.join(dir, 'hosts.yaml'), 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function run(playbook: string, signal: AbortSignal): Promise<RunEvent[]> {
  const file = path.join(dir, 'play.yaml');
  await writeFile(file, playbook);
  const prepared = await prepareRun({ playbookFile: file, inventorySources: [path.join(dir, 'hosts.yaml')], extraVarArgs: [], cwd: dir });
  const events: RunEvent[] = [];
  await executeRun(prepared, { checkMode: false, diff: false, forks: 4, signal, sink: { emit: (event) => events.push(event) } });
  return events;
}

describe('until and retries', () => {
  it('the sleep between retries leaves no listener on the run signal behind, however many retries', async () => {
    const controller = new AbortController();
    const events = await run(
      ['- hosts: all', '  tasks:', '    - id: never-ready', '      command: "echo no"', '      register: r', '      until: r.stdout == "yes"', '      retries: 12', '      delay: 0', ''].join('\n'),
      controller.signal,
    );
    const retries = events.filter((event) => event.type === 'node-log' && /^retrying/.test(event.message));
    expect(retries).toHaveLength(12);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('retries without until is ignored, as in Ansible 2.14: one attempt', async () => {
    const counter = path.join(dir, 'runs');
    const events = await run(
      ['- hosts: all', '  tasks:', '    - id: fails', `      shell: "echo x >> ${counter}; exit 1"`, '      retries: 3', '      delay: 0', ''].join('\n'),
      new AbortController().signal,
    );
    expect(events.find((event) => event.type === 'node-end')).toMatchObject({ status: 'failed' });
    expect(await readFile(counter, 'utf8')).toBe('x\n');
  });
});
