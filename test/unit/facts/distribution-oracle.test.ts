import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { distributionFacts, type DistFile } from '../../../src/facts/distribution.ts';

// The distribution parser against Ansible's own: each case's files go to Ansible 2.14's
// Distribution collector (Debian's ansible and python3-distro, oracle/ansible_distribution.py)
// and to distributionFacts; the facts must be the same.

const dir = path.join(import.meta.dirname, 'oracle');
const cases = parse(readFileSync(path.join(dir, 'distributions.yaml'), 'utf8')) as Record<string, Record<string, string>>;
const names = Object.keys(cases);
const theirs = JSON.parse(
  execFileSync('/usr/bin/python3', [path.join(dir, 'ansible_distribution.py')], { input: JSON.stringify(names.map((name) => cases[name])), encoding: 'utf8' }),
) as Record<string, unknown>[];

describe("distribution facts, against Ansible's Distribution collector", () => {
  it.each(names.map((name, index) => [name, index] as const))('%s', (name, index) => {
    const files = new Map<string, DistFile>(Object.entries(cases[name]!).map(([file, content]) => [file, { size: Buffer.byteLength(content), content }]));
    expect(distributionFacts({ files, lsb: '' })).toEqual(theirs[index]);
  });
});
