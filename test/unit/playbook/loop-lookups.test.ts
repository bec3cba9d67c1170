import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LOOP_LOOKUPS, runLoopLookup, type LoopLookup } from '../../../src/playbook/loop-lookups.ts';
import { fnmatchRegExp } from '../../../src/playbook/python-glob.ts';
import { ansiblePython } from './jinja-oracle/oracle.ts';

// with_<lookup> loops as Ansible's lookup plugins make them, with the plugins as the oracle: each
// case of loop-oracle/cases.yaml runs through Ansible's plugin and through playgraph's port, and
// the items (or the refusal) must agree. fileglob runs in a tree made here, on the controller, as
// Ansible runs it: the same files, in the directory's own order.

const here = dirname(fileURLToPath(import.meta.url));
const cases = parse(readFileSync(join(here, 'loop-oracle', 'cases.yaml'), 'utf8')) as Record<LoopLookup, unknown[]>;
const python = ansiblePython();
const available = python !== undefined || process.env.CI !== undefined;

const root = mkdtempSync(join(tmpdir(), 'pg-fileglob-'));
const play = join(root, 'play');
const tasks = join(root, 'tasks');
afterAll(() => rmSync(root, { recursive: true, force: true }));
for (const file of ['a.txt', 'b.txt', '.hidden.txt', 'files/c.txt', 'files/sub/d.conf', 'sub/e.conf', 'sub/f.conf', 'conf.d/x.conf', 'conf.d/y', 'weird[1].txt', ']].txt', 'x.txt', 'A.TXT']) {
  mkdirSync(dirname(join(play, file)), { recursive: true });
  writeFileSync(join(play, file), file);
}
mkdirSync(join(play, 'dir.txt'));
symlinkSync(join(play, 'a.txt'), join(play, 'link.txt'));
symlinkSync(join(play, 'gone'), join(play, 'dangling.txt'));
for (const file of ['t.txt', 'files/t2.txt']) {
  mkdirSync(dirname(join(tasks, file)), { recursive: true });
  writeFileSync(join(tasks, file), file);
}
const searchPath = [tasks, play];

interface Case {
  lookup: LoopLookup;
  terms: unknown;
  search_path: string[];
}
const all: Case[] = LOOP_LOOKUPS.flatMap((lookup) =>
  (cases[lookup] ?? []).map((terms) => ({
    lookup,
    terms: lookup === 'fileglob' ? JSON.parse(JSON.stringify(terms).replaceAll('ABSOLUTE', play)) : terms,
    search_path: searchPath,
  })),
);
type Outcome = { value: unknown } | { error: string };

function ours(testCase: Case): Outcome {
  try {
    return { value: runLoopLookup(testCase.lookup, testCase.terms, { searchPath: testCase.search_path }) };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

describe.runIf(available)("with_<lookup> items as Ansible's lookup plugins give them", () => {
  const ansible: Outcome[] = python
    ? JSON.parse(execFileSync(python, [join(here, 'loop-oracle', 'lookup-with-ansible.py')], { input: JSON.stringify(all), encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] }))
    : [];

  it('has Ansible to ask, and every lookup has cases', () => {
    expect(python, 'python3 with the ansible package (apt install ansible)').toBeDefined();
    expect(ansible).toHaveLength(all.length);
    for (const lookup of LOOP_LOOKUPS) expect(cases[lookup]?.length, lookup).toBeGreaterThan(0);
  });

  it.each(all.map((testCase, index) => ({ ...testCase, index, shown: JSON.stringify(testCase.terms).replaceAll(play, 'PLAY') })))('$lookup $shown', ({ index, ...testCase }) => {
    const want = ansible[index];
    const got = ours(testCase);
    if ('error' in want) expect(got, `Ansible raises ${want.error}`).toHaveProperty('error');
    else expect(got).toEqual(want);
  });
});

describe("fnmatch patterns as Python's fnmatch.translate makes them", () => {
  it.each([
    ['*.txt', ['a.txt', '.txt'], ['a.txtx', 'a/b']],
    ['[!a-c]?', ['dx', 'zz'], ['ax', 'c']],
    ['[]]', [']'], ['a']],
    ['[a-]', ['a', '-'], ['b']],
    ['[', ['['], ['a']],
    ['a|b', ['a|b'], ['a', 'b']],
  ])('%s', (pattern, matching, other) => {
    const regexp = fnmatchRegExp(pattern);
    for (const name of matching) expect(regexp.test(name), name).toBe(true);
    for (const name of other) expect(regexp.test(name), name).toBe(false);
  });
});
