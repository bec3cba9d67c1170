import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { moduleArgs } from '../../../src/playbook/module-args.ts';
import { parseKv, splitArgs } from '../../../src/playbook/split-args.ts';
import { moduleName } from '../../../src/playbook/task.ts';
import { ansiblePython } from './jinja-oracle/oracle.ts';

// key=value module arguments as Ansible parses them, with Ansible as the oracle: every string of
// kv-oracle/corpus.yaml goes through Ansible's split_args and parse_kv (with and without
// check_raw) and every task mapping through its ModuleArgsParser, and playgraph must agree:
// the same value, or an error where Ansible has one.

const here = dirname(fileURLToPath(import.meta.url));
const corpus = parse(readFileSync(join(here, 'kv-oracle', 'corpus.yaml'), 'utf8')) as { strings: string[]; tasks: Record<string, unknown>[] };
const python = ansiblePython();
// CI installs Ansible: there a missing oracle is a failure. A developer machine without it skips.
const available = python !== undefined || process.env.CI !== undefined;

type Kind = 'split' | 'kv' | 'kv_raw' | 'task';
interface Case {
  kind: Kind;
  input: unknown;
}
type Outcome = { value: unknown } | { error: string };

const cases: Case[] = [
  ...corpus.strings.flatMap((input) => (['split', 'kv', 'kv_raw'] as const).map((kind) => ({ kind, input }))),
  ...corpus.tasks.map((input) => ({ kind: 'task' as const, input })),
];

const FREE_FORM = new Set(['core.command', 'core.shell', 'core.raw', 'core.script']);
const position = { file: 'corpus.yaml' };

function ours(testCase: Case): Outcome {
  try {
    if (testCase.kind === 'split') return { value: splitArgs(testCase.input as string) };
    if (testCase.kind === 'kv') return { value: parseKv(testCase.input as string) };
    if (testCase.kind === 'kv_raw') return { value: parseKv(testCase.input as string, true) };
    const task = testCase.input as Record<string, unknown>;
    const key = Object.keys(task).find((k) => k !== 'args')!;
    const args = 'args' in task ? { value: task.args, position } : undefined;
    return { value: moduleArgs({ module: moduleName(key), value: task[key], valuePosition: position, ...(args ? { args } : {}) }) };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

/** Ansible's answer in playgraph's terms: a free-form module's `_raw_params` is its `cmd`. */
function expected(testCase: Case, outcome: Outcome): Outcome {
  if (testCase.kind !== 'task' || 'error' in outcome) return outcome;
  const { action, args } = outcome.value as { action: string; args: Record<string, unknown> };
  if (!FREE_FORM.has(moduleName(action)) || !('_raw_params' in args)) return { value: args };
  const { _raw_params: cmd, ...rest } = args;
  return { value: { ...rest, cmd } };
}

describe.runIf(available)('key=value arguments parse as Ansible parses them (oracle: splitter.py, mod_args.py)', () => {
  const ansible: Outcome[] = python
    ? JSON.parse(execFileSync(python, [join(here, 'kv-oracle', 'parse-with-ansible.py')], { input: JSON.stringify(cases), encoding: 'utf8' }))
    : [];

  it('has Ansible to ask', () => {
    expect(python, 'python3 with the ansible package (apt install ansible)').toBeDefined();
    expect(ansible).toHaveLength(cases.length);
  });

  it.each(cases.map((testCase, index) => ({ ...testCase, index, shown: JSON.stringify(testCase.input) })))('$kind $shown', ({ index, kind, input }) => {
    const want = expected({ kind, input }, ansible[index]);
    const got = ours({ kind, input });
    if ('error' in want) expect(got, `Ansible raises ${want.error}`).toHaveProperty('error');
    else expect(got).toEqual(want);
  });
});

describe('key=value arguments: what Ansible cannot be asked', () => {
  it('refuses a \\N{name} escape in a key=value token rather than decode it wrongly', () => {
    expect(() => parseKv('a=\\N{BULLET}')).toThrow(/Unicode character name/);
    // A free-form token keeps its text as written, escape and all, as Ansible keeps it.
    expect(parseKv('echo \\N{BULLET}', true)).toEqual({ _raw_params: 'echo \\N{BULLET}' });
  });

  it('names the module and the extra text when a module takes no free-form text', () => {
    expect(() => moduleArgs({ module: 'core.file', value: '/x state=directory', valuePosition: position })).toThrow(/core\.file has extra params \("\/x"\)/);
  });
});
