// resolveInvocation from data: a playbook and an inventory in, the invocation (target host, become,
// vars, items with validated params) or a skip reason out, with no host contacted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import type { Vars } from '../../../src/inventory/types.ts';
import { resolveInvocation, type Invocation } from '../../../src/run/invocation.ts';
import { prepareRun } from '../../../src/run/prepare.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-invocation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const INVENTORY = `all:
  hosts:
    a: { ansible_connection: local, where: /srv/a }
    b: { ansible_connection: local, where: /srv/b, ansible_become: "no" }
`;

let files = 0;
async function prepared(tasks: string, extraVarArgs: string[] = []) {
  const base = path.join(scratch, `case${files++}`);
  writeFileSync(`${base}.inventory.yaml`, INVENTORY);
  writeFileSync(`${base}.yaml`, `- hosts: all\n  become: true\n  vars: { mode: "0644", names: [x, y] }\n  tasks:\n${tasks}`);
  return prepareRun({ playbookFile: `${base}.yaml`, inventorySources: [`${base}.inventory.yaml`], extraVarArgs, cwd: scratch });
}

/** The invocation of task `taskId` on `host`, with these results registered on that host. */
async function invocationOf(run: Awaited<ReturnType<typeof prepared>>, taskId: string, host: string, registered: Vars = {}): Promise<Invocation> {
  const graph = run.graphs[0]!;
  const node = [...graph.nodes.values()].find((n) => n.task.id === taskId && n.host === host)!;
  const module = await run.registry.get(node.task.module);
  return resolveInvocation(graph, node, { inventory: run.inventory, extraVars: run.extraVars, registeredFor: () => registered }, module);
}

describe('resolveInvocation', () => {
  it('renders params per host with the play, inventory and extra vars, validated by the module (defaults filled in)', async () => {
    const run = await prepared('    - id: dir\n      file: { path: "{{ where }}/{{ sub }}", state: directory, mode: "{{ mode }}" }\n', ['sub=data']);
    const a = await invocationOf(run, 'dir', 'a');
    expect(a).toMatchObject({ kind: 'run', targetHost: 'a', become: true, looped: false });
    expect(a.kind === 'run' && a.items.map((item) => item.params)).toEqual([{ path: '/srv/a/data', state: 'directory', mode: '0644', recurse: false, force: false }]);
    // The host's ansible_become variable wins over the play keyword, read as Ansible's boolean.
    expect(await invocationOf(run, 'dir', 'b')).toMatchObject({ kind: 'run', become: false });
  });

  it('gives one item per loop element, each with the loop variable, and a loop over nothing has no items', async () => {
    const run = await prepared(
      '    - id: each\n      file: { path: "/tmp/{{ item }}", state: touch }\n      loop: "{{ names }}"\n' +
        '    - id: none\n      file: { path: "/tmp/{{ thing }}" }\n      loop: []\n      loop_control: { loop_var: thing }\n',
    );
    const each = await invocationOf(run, 'each', 'a');
    expect(each.kind === 'run' && each.items.map((item) => [item.vars['item'], (item.params as { path: string }).path])).toEqual([
      ['x', '/tmp/x'],
      ['y', '/tmp/y'],
    ]);
    expect(await invocationOf(run, 'none', 'a')).toMatchObject({ kind: 'run', looped: true, items: [] });
  });

  it('is a skip naming the false condition, evaluated on the results registered so far', async () => {
    const run = await prepared('    - id: probe\n      command: "true"\n      register: out\n    - id: after\n      command: "echo {{ out.rc }}"\n      when: out.rc == 0\n');
    expect(await invocationOf(run, 'after', 'a', { out: { rc: 1 } })).toMatchObject({ kind: 'skip', condition: 'out.rc == 0' });
    const ran = await invocationOf(run, 'after', 'a', { out: { rc: 0 } });
    expect(ran.kind === 'run' && ran.items[0]!.params).toMatchObject({ cmd: 'echo 0' });
  });

  it('targets the delegate_to host, rendered, and leaves out params rendered to omit', async () => {
    const run = await prepared('    - id: d\n      file: { path: /tmp/z, mode: "{{ nothing | default(omit) }}" }\n      delegate_to: "{{ groups.all | last }}"\n');
    const a = await invocationOf(run, 'd', 'a');
    expect(a).toMatchObject({ kind: 'run', targetHost: 'b' });
    expect(a.kind === 'run' && a.items[0]!.params).not.toHaveProperty('mode');
  });

  it('refuses a loop that is not a list at the loop key, with the same message preparing and running', async () => {
    const tasks = '    - id: bad\n      file: { path: /tmp/q }\n      loop: "{{ mode }}"\n';
    const failure = prepared(tasks);
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(/case\d+\.yaml:7:\d+: loop must be a list, got string/);
  });

  it('refuses params the module does not take, at the module key', async () => {
    await expect(prepared('    - id: typo\n      file: { pth: /tmp/q }\n')).rejects.toThrow(/case\d+\.yaml:6:\d+: core\.file: /);
  });

  it('defers to the run a param that needs a registered result, and then resolves it', async () => {
    const run = await prepared('    - id: probe\n      command: "true"\n      register: out\n    - id: use\n      file: { path: "/tmp/{{ out.stdout }}" }\n');
    const use = await invocationOf(run, 'use', 'a', { out: { stdout: 'seen' } });
    expect(use.kind === 'run' && (use.items[0]!.params as { path: string }).path).toBe('/tmp/seen');
  });
});
