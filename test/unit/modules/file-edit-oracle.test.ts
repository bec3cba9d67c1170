import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TaskError } from '../../../src/errors.ts';
import type { EditPlan } from '../../../src/modules/file-edit.ts';
import { blockinfileParams, planBlockinfile } from '../../../tasks/core/blockinfile.ts';
import { lineinfileParams, planLineinfile } from '../../../tasks/core/lineinfile.ts';
import { planReplace, replaceParams } from '../../../tasks/core/replace.ts';
import { ansiblePlaybook } from '../../e2e/helpers/ansible.ts';

// The planners of lineinfile, blockinfile and replace against Ansible's own modules: every case
// of the corpus runs once through ansible-playbook (one run, one task per case, each on its own
// file, results registered and dumped as JSON) and once through our planner, and the resulting
// file, changed, msg (and failed, found) must be the same.

interface Case {
  name: string;
  module: 'lineinfile' | 'blockinfile' | 'replace';
  content?: string;
  params: Record<string, unknown>;
  check?: boolean;
}

interface Outcome {
  content: string | null;
  changed: boolean;
  msg: string;
  failed: boolean;
  found?: number;
}

const corpus = path.join(import.meta.dirname, 'file-edit-oracle', 'cases.yaml');
const planners = {
  lineinfile: (data: Buffer | null, params: unknown) => planLineinfile(data, lineinfileParams.parse(params)),
  blockinfile: (data: Buffer | null, params: unknown) => planBlockinfile(data, blockinfileParams.parse(params)),
  replace: (data: Buffer | null, params: unknown) => planReplace(data, replaceParams.parse(params)),
} satisfies Record<Case['module'], (data: Buffer | null, params: unknown) => EditPlan>;

let cases: Case[] = [];
let dir = '';
const theirs = new Map<number, Outcome>();
const fileOf = (index: number) => path.join(dir, `case-${index}.txt`);

function ours(testCase: Case, index: number): Outcome {
  const before = testCase.content === undefined ? null : Buffer.from(testCase.content, 'utf8');
  try {
    const plan = planners[testCase.module](before, { ...testCase.params, path: fileOf(index) });
    const changed = plan.content !== null && (before === null || !plan.content.equals(before));
    const written = changed && !testCase.check ? plan.content : before;
    const found = typeof plan.result?.['found'] === 'number' ? { found: plan.result['found'] } : {};
    return { content: written?.toString('utf8') ?? null, changed, msg: plan.msg, failed: false, ...found };
  } catch (error) {
    if (!(error instanceof TaskError)) throw error;
    return { content: testCase.content ?? null, changed: false, msg: error.message, failed: true };
  }
}

beforeAll(async () => {
  cases = parse(await readFile(corpus, 'utf8')) as Case[];
  dir = await mkdtemp(path.join(tmpdir(), 'pg-file-edit-oracle-'));
  await Promise.all(cases.map((testCase, index) => (testCase.content === undefined ? undefined : writeFile(fileOf(index), testCase.content))));
  // JSON is YAML: the params go to Ansible exactly as the corpus has them.
  const tasks = cases.map((testCase, index) => ({
    name: `case ${index}`,
    [`ansible.builtin.${testCase.module}`]: { ...testCase.params, path: fileOf(index) },
    register: `case_${index}`,
    ignore_errors: true,
    check_mode: testCase.check ?? false,
  }));
  const dump = `{{ {${cases.map((_, index) => `'${index}': case_${index}`).join(', ')}} | to_json }}`;
  tasks.push({ name: 'results', 'ansible.builtin.copy': { content: dump, dest: path.join(dir, 'results.json') } } as never);
  const playbook = [{ hosts: 'localhost', gather_facts: false, tasks }];
  await writeFile(path.join(dir, 'play.yml'), JSON.stringify(playbook));
  // Pipelining: each module runs from stdin, without the temp files of a normal task (faster).
  await writeFile(
    path.join(dir, 'inventory.yml'),
    'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      ansible_python_interpreter: /usr/bin/python3\n      ansible_pipelining: true\n',
  );
  const run = await ansiblePlaybook(['-i', path.join(dir, 'inventory.yml'), path.join(dir, 'play.yml')]);
  if (run.code !== 0) throw new Error(`ansible-playbook failed (${run.code}):\n${run.stdout}`);
  const results = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [index, testCase] of cases.entries()) {
    const result = results[String(index)];
    const content = await readFile(fileOf(index), 'utf8').catch(() => null);
    theirs.set(index, {
      content,
      changed: Boolean(result['changed']),
      msg: String(result['msg'] ?? ''),
      failed: Boolean(result['failed']),
      ...(testCase.module === 'lineinfile' && typeof result['found'] === 'number' ? { found: result['found'] } : {}),
    });
  }
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('lineinfile, blockinfile and replace planners agree with Ansible', () => {
  it('has every case of the corpus answered by Ansible', () => {
    expect(cases.length).toBeGreaterThan(40);
    expect(theirs.size).toBe(cases.length);
  });

  it('gives the same content, changed, msg and failure for every case', () => {
    const disagreements = cases.flatMap((testCase, index) => {
      const mine = ours(testCase, index);
      const reference = theirs.get(index)!;
      return JSON.stringify(mine) === JSON.stringify(reference) ? [] : [{ case: `${index} ${testCase.module}: ${testCase.name}`, mine, ansible: reference }];
    });
    expect(disagreements).toEqual([]);
  });
});
