// Task keywords as resolveInvocation applies them, from data: a playbook and an inventory in,
// the invocation out: with_<lookup> and loop_control (items, variables, labels, pause), `when`
// per loop item, no_log, check_mode, diff, environment, become_user and become_method.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import type { Vars } from '../../../src/inventory/types.ts';
import { resolveInvocation, type Invocation } from '../../../src/run/invocation.ts';
import { NO_LOG_MESSAGE } from '../../../src/run/no-log.ts';
import { prepareRun } from '../../../src/run/prepare.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-keywords-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const INVENTORY = 'all:\n  hosts:\n    a: { ansible_connection: local }\n    b: { ansible_connection: local, ansible_become_user: postgres }\n';

let cases = 0;
async function prepared(tasks: string, extraVarArgs: string[] = []) {
  const dir = path.join(scratch, `case${cases++}`);
  mkdirSync(path.join(dir, 'files'), { recursive: true });
  for (const file of ['one.conf', 'two.conf', 'note.txt']) writeFileSync(path.join(dir, 'files', file), file);
  writeFileSync(path.join(dir, 'hosts.yaml'), INVENTORY);
  writeFileSync(path.join(dir, 'play.yaml'), `- hosts: all\n  vars: { users: { alice: 1, bob: 2 }, secret_name: hush }\n  tasks:\n${tasks}`);
  return prepareRun({ playbookFile: path.join(dir, 'play.yaml'), inventorySources: [path.join(dir, 'hosts.yaml')], extraVarArgs, cwd: dir });
}

type Prepared = Awaited<ReturnType<typeof prepared>>;
type Run = Extract<Invocation, { kind: 'run' }>;

async function invocationOf(run: Prepared, taskId: string, host = 'a', registered: Vars = {}): Promise<Invocation> {
  const graph = run.graphs[0]!;
  const node = [...graph.nodes.values()].find((n) => n.task.id === taskId && n.host === host)!;
  const module = await run.registry.get(node.task.module);
  return resolveInvocation(graph, node, { inventory: run.inventory, extraVars: run.extraVars, registeredFor: () => registered }, module);
}

async function ran(tasks: string, taskId = 't', host = 'a'): Promise<Run> {
  const invocation = await invocationOf(await prepared(tasks), taskId, host);
  if (invocation.kind !== 'run') throw new Error(`expected a run, got a skip on ${invocation.condition}`);
  return invocation;
}

const paths = (invocation: Run) => invocation.items.map((item) => (item.params as { path: string }).path);

describe('with_<lookup> loops', () => {
  it.each([
    ['with_items flattens one level, also of a template', 'with_items: [[a, b], c, "{{ [\'d\', [\'e\']] }}"]', ['/t/a', '/t/b', '/t/c', '/t/d', "/t/['e']"]],
    ['with_list keeps the items as they are', 'with_list: [[a, b], c]', ["/t/['a', 'b']", '/t/c']],
    ['with_dict gives key and value', 'with_dict: "{{ users }}"', ["/t/{'key': 'alice', 'value': 1}", "/t/{'key': 'bob', 'value': 2}"]],
    ['with_sequence key=value', 'with_sequence: start=1 end=5 stride=2 format=n%02d', ['/t/n01', '/t/n03', '/t/n05']],
    ['with_sequence shortcut', 'with_sequence: "4-6"', ['/t/4', '/t/5', '/t/6']],
    ['with_sequence count, templated', 'with_sequence: count={{ users | length }}', ['/t/1', '/t/2']],
    ['with_together', 'with_together: [[1, 2], [x]]', ['/t/[1, \'x\']', '/t/[2, None]']],
    ['with_nested', 'with_nested: [[1, 2], [x, y]]', ["/t/[1, 'x']", "/t/[1, 'y']", "/t/[2, 'x']", "/t/[2, 'y']"]],
  ])('%s', async (_, loop, expected) => {
    expect(paths(await ran(`    - id: t\n      file: { path: "/t/{{ item }}" }\n      ${loop}\n`))).toEqual(expected);
  });

  it('with_fileglob matches files on the controller, in the playbook\'s files/ first', async () => {
    const invocation = await ran('    - id: t\n      file: { path: "{{ item }}" }\n      with_fileglob: ["*.conf"]\n');
    expect(paths(invocation).map((file) => path.basename(file)).sort()).toEqual(['one.conf', 'two.conf']);
    expect(paths(invocation).every((file) => file.includes(`${path.sep}files${path.sep}`))).toBe(true);
  });

  it("refuses a with_sequence Ansible refuses, in its words, at the loop's line", async () => {
    // Ansible 2.14's sequence lookup iterates a mapping's keys: the mapping form is refused there too.
    await expect(prepared('    - id: t\n      file: { path: "/t/{{ item }}" }\n      with_sequence: { start: 1, end: 3 }\n')).rejects.toThrow(/play\.yaml:6:\d+: with_sequence: unrecognized arguments to with_sequence: \['_raw_params'\]/);
    await expect(prepared('    - id: t\n      file: { path: "/t/{{ item }}" }\n      with_sequence: start=5 end=1\n')).rejects.toThrow(/to count backwards make stride negative/);
  });

  it('refuses a with_ lookup playgraph lacks, and two loops on one task, by name and place', async () => {
    await expect(prepared('    - id: t\n      file: { path: /t }\n      with_lines: cat x\n')).rejects.toThrow(/play\.yaml:6:7: 'with_lines' is not supported/);
    await expect(prepared('    - id: t\n      file: { path: /t }\n      loop: [1]\n      with_items: [2]\n')).rejects.toThrow(/play\.yaml:7:7: duplicate loop in task/);
  });
});

describe('loop_control', () => {
  it('names the loop and index variables, copies them into each result, and labels each item', async () => {
    const invocation = await ran(
      '    - id: t\n      file: { path: "/t/{{ user.key }}-{{ i }}" }\n      with_dict: "{{ users }}"\n' +
        '      loop_control: { loop_var: user, index_var: i, label: "{{ user.key }}", pause: 0.5 }\n',
    );
    expect(paths(invocation)).toEqual(['/t/alice-0', '/t/bob-1']);
    expect(invocation.items.map((item) => item.label)).toEqual(['alice', 'bob']);
    expect(invocation.items[1]!.resultFields).toEqual({ user: { key: 'bob', value: 2 }, ansible_loop_var: 'user', i: 1, ansible_index_var: 'i' });
    expect(invocation.pause).toBe(0.5);
  });

  it('labels an item with the item itself as Python prints it, when no label is given', async () => {
    const invocation = await ran('    - id: t\n      file: { path: /t }\n      loop: [{ a: 1 }, true]\n');
    expect(invocation.items.map((item) => item.label)).toEqual(["{'a': 1}", 'True']);
  });

  it('extended: ansible_loop with index, first, last, length, revindex, previtem and nextitem', async () => {
    const invocation = await ran('    - id: t\n      file: { path: "/t/{{ ansible_loop.index }}" }\n      loop: [x, y, z]\n      loop_control: { extended: true }\n');
    expect(paths(invocation)).toEqual(['/t/1', '/t/2', '/t/3']);
    expect(invocation.items[1]!.resultFields.ansible_loop).toEqual({
      index: 2, index0: 1, first: false, last: false, length: 3, revindex: 2, revindex0: 1, allitems: ['x', 'y', 'z'], previtem: 'x', nextitem: 'z',
    });
  });

  it('refuses a loop_control key Ansible does not have', async () => {
    await expect(prepared('    - id: t\n      file: { path: /t }\n      loop: [1]\n      loop_control: { lable: x }\n')).rejects.toThrow(/play\.yaml:7:\d+: loop_control: 'lable' is not a loop_control keyword/);
  });
});

describe('when with a loop', () => {
  it('is evaluated for each item, as Ansible does: items it rejects are skipped, the rest run', async () => {
    const invocation = await ran('    - id: t\n      file: { path: "/t/{{ item }}" }\n      loop: [1, 2, 3]\n      when: item != 2\n');
    expect(paths(invocation)).toEqual(['/t/1', '/t/3']);
    expect(invocation.skippedItems).toMatchObject([{ index: 1, condition: 'item != 2', label: '2' }]);
  });

  it('skips the task when `when` is false before a loop over an undefined variable can fail', async () => {
    const invocation = await invocationOf(await prepared('    - id: t\n      file: { path: "/t/{{ item }}" }\n      loop: "{{ nowhere }}"\n      when: nowhere is defined\n'), 't');
    expect(invocation).toMatchObject({ kind: 'skip', condition: 'nowhere is defined' });
  });
});

describe('no_log, check_mode, diff', () => {
  it('are read as booleans or templates of one', async () => {
    const invocation = await ran('    - id: t\n      file: { path: /t }\n      no_log: "{{ secret_name == \'hush\' }}"\n      check_mode: yes\n      diff: false\n');
    expect(invocation).toMatchObject({ noLog: true, checkMode: true, diff: false });
    expect(await ran('    - id: t\n      file: { path: /t }\n')).toMatchObject({ noLog: false });
    expect(await ran('    - id: t\n      file: { path: /t }\n')).not.toHaveProperty('checkMode');
  });

  it("hides a no_log task's error text but keeps its position, while preparing", async () => {
    const failure = prepared('    - id: t\n      file: { path: /t, mode: "{{ secret_name }}", bogus: 1 }\n      no_log: true\n');
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(new RegExp(`play\\.yaml:5:\\d+: ${NO_LOG_MESSAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await expect(failure).rejects.not.toThrow(/bogus/);
  });

  it("hides a no_log task's refusal by its module's preflight too (a template not found)", async () => {
    const failure = prepared('    - id: t\n      template: { src: hush-missing.j2, dest: /tmp/x }\n      no_log: true\n');
    await expect(failure).rejects.toThrow(new RegExp(`play\\.yaml:5:\\d+: ${NO_LOG_MESSAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await expect(failure).rejects.not.toThrow(/hush-missing/);
    await expect(prepared('    - id: t\n      template: { src: hush-missing.j2, dest: /tmp/x }\n')).rejects.toThrow(/hush-missing/);
  });

  it('still defers a no_log param that needs a later result to the run', async () => {
    const run = await prepared('    - id: probe\n      command: "true"\n      register: out\n    - id: t\n      file: { path: "/t/{{ out.stdout }}" }\n      no_log: true\n');
    expect(paths((await invocationOf(run, 't', 'a', { out: { stdout: 'x' } })) as Run)).toEqual(['/t/x']);
  });
});

describe('environment, become_user, become_method', () => {
  it('renders the environment per item, merging a list of mappings in order, values as Python prints them', async () => {
    const invocation = await ran('    - id: t\n      file: { path: /t }\n      loop: [1, 2]\n      environment: [{ A: "{{ item }}", B: x }, { B: true }]\n');
    expect(invocation.items.map((item) => item.scope.environment)).toEqual([{ A: '1', B: 'True' }, { A: '2', B: 'True' }]);
  });

  it('refuses an environment that renders to something else than a mapping', async () => {
    await expect(prepared('    - id: t\n      file: { path: /t }\n      environment: "{{ secret_name }}"\n')).rejects.toThrow(/environment must be a mapping/);
  });

  it("takes the host's ansible_become_user over the task's become_user, and become_method as given", async () => {
    const tasks = '    - id: t\n      file: { path: /t }\n      become: true\n      become_user: "{{ secret_name }}"\n      become_method: su\n';
    expect((await ran(tasks, 't', 'a')).items[0]!.scope).toEqual({ environment: {}, becomeUser: 'hush', becomeMethod: 'su' });
    expect((await ran(tasks, 't', 'b')).items[0]!.scope).toEqual({ environment: {}, becomeUser: 'postgres', becomeMethod: 'su' });
  });

  it('refuses a become method the connections cannot run', async () => {
    await expect(prepared('    - id: t\n      file: { path: /t }\n      become_method: doas\n')).rejects.toThrow(/play\.yaml:6:\d+: become_method 'doas' is not supported \(sudo, su are\)/);
  });
});
