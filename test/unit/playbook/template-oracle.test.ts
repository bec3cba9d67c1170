import { describe, expect, it } from 'vitest';
import { ansiblePython, difference, loadCorpus, renderWithAnsible, renderWithPlaygraph } from './jinja-oracle/oracle.ts';

// Templates as Jinja2 renders them in Ansible, proven against Ansible itself: every case of
// jinja-oracle/corpus.yaml is rendered by Ansible's Templar (Debian's `ansible`, which the test
// command installs) and by playgraph, and the two must agree.

const corpus = loadCorpus();
const python = ansiblePython();
// CI installs Ansible: there a missing oracle is a failure. A developer machine without it skips.
const available = python !== undefined || process.env.CI !== undefined;

describe.runIf(available)('templates render as Ansible renders them (oracle: Ansible\'s Templar)', () => {
  const ansible = python ? renderWithAnsible(python, corpus) : [];

  it('has Ansible to ask', () => {
    expect(python, 'python3 with the ansible package (apt install ansible)').toBeDefined();
    expect(ansible).toHaveLength(corpus.cases.length);
  });

  it('lists only corpus cases as known differences', () => {
    const sources = new Set(corpus.cases.map((c) => c.source));
    expect([...corpus.known.keys()].filter((source) => !sources.has(source))).toEqual([]);
  });

  it.each(corpus.cases.map((testCase, index) => ({ ...testCase, index })))('$mode $source', ({ index, ...testCase }) => {
    const differs = difference(ansible[index], renderWithPlaygraph(corpus, testCase), testCase.mode);
    const known = corpus.known.get(testCase.source);
    if (known === undefined) expect(differs).toBeUndefined();
    else expect(differs, `now renders as Ansible does: remove it from known_differences (${known})`).toBeDefined();
  });
});
