import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TaskError } from '../../../src/errors.ts';
import { LocalConnection } from '../../../src/connect/local.ts';
import type { TaskModule } from '../../../src/modules/module.ts';
import { taskModule as blockinfile } from '../../../tasks/core/blockinfile.ts';
import { taskModule as lineinfile } from '../../../tasks/core/lineinfile.ts';
import { taskModule as replace } from '../../../tasks/core/replace.ts';
import { ansiblePlaybook } from '../../e2e/helpers/ansible.ts';
import { createTestTaskContext } from '../../helpers/task-context.ts';

// lineinfile, blockinfile and replace against Ansible's own modules: every case of the corpus
// runs once through ansible-playbook (one run, each case on its own file, results registered and
// dumped as JSON), then, on the same files seeded again, through our module (its
// planner and its file handling, on a local connection), and the resulting file (content and
// mode), changed, msg (and failed, found) must be the same.

interface Case {
  name: string;
  module: 'lineinfile' | 'blockinfile' | 'replace';
  content?: string;
  params: Record<string, unknown>;
  check?: boolean;
}

interface Outcome {
  content: string | null;
  mode: string | null;
  changed: boolean;
  msg: string;
  failed: boolean;
  found?: number;
}

const corpus = path.join(import.meta.dirname, 'file-edit-oracle', 'cases.yaml');
const modules: Record<Case['module'], TaskModule> = { lineinfile, blockinfile, replace };
const conn = new LocalConnection('localhost');

let cases: Case[] = [];
let dir = '';
const theirs = new Map<number, Outcome>();
const fileOf = (index: number) => path.join(dir, `case-${index}.txt`);

async function seed(): Promise<void> {
  await Promise.all(
    cases.map(async (testCase, index) => {
      await rm(fileOf(index), { force: true });
      if (testCase.content !== undefined) await writeFile(fileOf(index), testCase.content, { mode: 0o644 });
    }),
  );
}

/** The file as a case left it: its content and mode, or nulls when there is none. */
async function fileState(index: number): Promise<Pick<Outcome, 'content' | 'mode'>> {
  const content = await readFile(fileOf(index), 'utf8').catch(() => null);
  const mode = content === null ? null : ((await stat(fileOf(index))).mode & 0o7777).toString(8);
  return { content, mode };
}

async function ours(testCase: Case, index: number): Promise<Outcome> {
  const module = modules[testCase.module];
  const params = module.params.parse({ ...testCase.params, path: fileOf(index) });
  const ctx = createTestTaskContext(conn, { checkMode: testCase.check ?? false });
  let result: Record<string, unknown>;
  try {
    const check = await module.check(ctx, params);
    if (check.status === 'ok') result = { ...check.result, changed: false, msg: check.reason };
    else if (ctx.checkMode) result = { changed: true, msg: check.description };
    else result = { ...(await module.apply(ctx, params, check.state)).result, changed: true };
  } catch (error) {
    if (!(error instanceof TaskError)) throw error;
    result = { failed: true, changed: false, msg: error.message };
  }
  const found = testCase.module === 'lineinfile' && typeof result['found'] === 'number' ? { found: result['found'] } : {};
  return { ...(await fileState(index)), changed: Boolean(result['changed']), msg: String(result['msg'] ?? ''), failed: Boolean(result['failed']), ...found };
}

beforeAll(async () => {
  cases = parse(await readFile(corpus, 'utf8')) as Case[];
  dir = await mkdtemp(path.join(tmpdir(), 'pg-file-edit-oracle-'));
  await seed();
  // One task per module and mode, looping over its cases (a loop runs in one worker: faster than
  // a task each). JSON is YAML: the params go to Ansible exactly as the corpus has them.
  const groups = new Map<string, number[]>();
  for (const [index, testCase] of cases.entries()) {
    const key = `${testCase.module}:${testCase.check ?? false}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  }
  const tasks: Record<string, unknown>[] = [...groups.values()].map((indices, group) => ({
    name: `group ${group}`,
    [`ansible.builtin.${cases[indices[0]!]!.module}`]: '{{ item }}',
    loop: indices.map((index) => ({ ...cases[index]!.params, path: fileOf(index) })),
    register: `group_${group}`,
    ignore_errors: true,
    check_mode: cases[indices[0]!]!.check ?? false,
  }));
  const dump = `{{ [${[...groups.keys()].map((_, group) => `group_${group}.results`).join(', ')}] | to_json }}`;
  tasks.push({ name: 'results', 'ansible.builtin.copy': { content: dump, dest: path.join(dir, 'results.json') } });
  const playbook = [{ hosts: 'localhost', gather_facts: false, tasks }];
  await writeFile(path.join(dir, 'play.yml'), JSON.stringify(playbook));
  // Pipelining: each module runs from stdin, without the temp files of a normal task (faster).
  await writeFile(
    path.join(dir, 'inventory.yml'),
    'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n      ansible_pipelining: true\n',
  );
  const run = await ansiblePlaybook(['-i', path.join(dir, 'inventory.yml'), path.join(dir, 'play.yml')]);
  if (run.code !== 0) throw new Error(`ansible-playbook failed (${run.code}):\n${run.stdout}`);
  const results = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as Record<string, unknown>[][];
  for (const [group, indices] of [...groups.values()].entries()) {
    for (const [item, index] of indices.entries()) {
      const result = results[group]![item]!;
      theirs.set(index, {
        ...(await fileState(index)),
        changed: Boolean(result['changed']),
        msg: String(result['msg'] ?? ''),
        failed: Boolean(result['failed']),
        ...(cases[index]!.module === 'lineinfile' && typeof result['found'] === 'number' ? { found: result['found'] } : {}),
      });
    }
  }
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('lineinfile, blockinfile and replace planners agree with Ansible', () => {
  it('has every case of the corpus answered by Ansible', () => {
    expect(cases.length).toBeGreaterThan(60);
    expect(theirs.size).toBe(cases.length);
    // The corpus reaches failures, check mode and the attributes message, not only edits.
    const outcomes = [...theirs.values()];
    expect(outcomes.filter((outcome) => outcome.failed).length).toBeGreaterThanOrEqual(3);
    expect(outcomes.filter((outcome) => outcome.msg.includes('ownership, perms')).length).toBeGreaterThanOrEqual(4);
  });

  it('gives the same content, mode, changed, msg and failure for every case', async () => {
    await seed();
    const disagreements = [];
    for (const [index, testCase] of cases.entries()) {
      const mine = await ours(testCase, index);
      const reference = theirs.get(index)!;
      if (JSON.stringify(mine) !== JSON.stringify(reference)) disagreements.push({ case: `${index} ${testCase.module}: ${testCase.name}`, mine, ansible: reference });
    }
    expect(disagreements).toEqual([]);
  });
});
