import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import type { Vars } from '../../../../src/inventory/types.ts';
import { pyTruthy } from '../../../../src/playbook/python-operators.ts';
import { pythonStr } from '../../../../src/playbook/python-text.ts';
import { evaluateCondition, renderValue } from '../../../../src/playbook/template.ts';
import { renderTemplateFile } from '../../../../src/playbook/template-file.ts';

// The template oracle: each corpus case rendered by Ansible's Templar and by playgraph.

const here = dirname(fileURLToPath(import.meta.url));

export type Mode = 'value' | 'text' | 'condition';
export interface OracleCase {
  mode: Mode;
  source: string;
}
export interface Corpus {
  vars: Vars;
  cases: OracleCase[];
  /** Cases playgraph renders differently on purpose or for now, each with the reason. */
  known: Map<string, string>;
}

/** What one renderer made of a case: a value with Python's type name, or an error. */
export type Rendering = { kind: string; value: unknown; text?: string } | { error: string };

export function loadCorpus(): Corpus {
  const raw = parse(readFileSync(join(here, 'corpus.yaml'), 'utf8')) as {
    vars: Vars;
    value: string[];
    text: string[];
    conditions?: string[];
    known_differences?: Record<string, string>;
  };
  const cases = [
    ...raw.value.map((source) => ({ mode: 'value' as const, source })),
    ...raw.text.map((source) => ({ mode: 'text' as const, source })),
    ...(raw.conditions ?? []).map((source) => ({ mode: 'condition' as const, source })),
  ];
  return { vars: raw.vars, cases, known: new Map(Object.entries(raw.known_differences ?? {})) };
}

/** Debian's python3, where the `ansible` package lives (a pyenv shim on PATH may lack it). */
export function ansiblePython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import ansible.template'], { stdio: 'ignore' });
      return candidate;
    } catch {
      if (candidate === '/usr/bin/python3' && !existsSync(candidate)) continue;
    }
  }
  return undefined;
}

export function renderWithAnsible(python: string, corpus: Corpus): Rendering[] {
  const output = execFileSync(python, [join(here, 'render-with-ansible.py')], {
    input: JSON.stringify({ vars: corpus.vars, cases: corpus.cases }),
    encoding: 'utf8',
    // Ansible warns on stderr about conditions written as templates; the corpus has some on purpose.
    stdio: ['pipe', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(output) as Rendering[];
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'dict';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return typeof value === 'string' ? 'str' : typeof value === 'boolean' ? 'bool' : typeof value;
}

export function renderWithPlaygraph(corpus: Corpus, testCase: OracleCase): Rendering {
  try {
    const value =
      testCase.mode === 'text'
        ? renderTemplateFile(testCase.source, corpus.vars, 'corpus.j2')
        : testCase.mode === 'condition'
          ? evaluateCondition(testCase.source, corpus.vars)
          : renderValue(testCase.source, corpus.vars);
    // JSON's view, as the oracle's: a tuple is a list there.
    return { kind: kindOf(value), value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

/**
 * Why playgraph's rendering differs from Ansible's, or undefined when it does not. Errors match
 * errors of any class. A number where Ansible gives its text is the same rendering: playgraph
 * keeps a lone expression's type, and the module argument Ansible's str would be coerced into is
 * that number (the issue asks for "{{ n }}" to stay an int; Ansible keeps only bare variables).
 */
export function difference(ansible: Rendering, ours: Rendering, mode: Mode = 'value'): string | undefined {
  // A condition's result is judged by its truthiness (Conditional returns a first-pass value as is).
  if (mode === 'condition' && !('error' in ansible) && ansible.kind !== 'bool') {
    ansible = { kind: 'bool', value: pyTruthy(ansible.value) };
  }
  const show = (r: Rendering) => ('error' in r ? `error ${r.error}` : `${r.kind} ${JSON.stringify(r.value)}`);
  if ('error' in ansible || 'error' in ours) {
    return 'error' in ansible && 'error' in ours ? undefined : `ansible: ${show(ansible)}, playgraph: ${show(ours)}`;
  }
  if (ansible.kind === 'str' && ours.kind !== 'str' && typeof ours.value === 'number' && pythonStr(ours.value) === ansible.value) return undefined;
  if (ansible.kind === 'float' && typeof ours.value === 'number' && ours.value === ansible.value) return undefined;
  if (ansible.kind === ours.kind && isDeepStrictEqual(ansible.value, ours.value)) return undefined;
  return `ansible: ${show(ansible)}, playgraph: ${show(ours)}`;
}
