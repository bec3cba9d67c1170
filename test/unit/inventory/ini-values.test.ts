import { describe, expect, it } from 'vitest';
import { expandHostPattern } from '../../../src/inventory/host-pattern.ts';
import { parseIniValue } from '../../../src/inventory/python-literal.ts';
import { shlexSplit } from '../../../src/inventory/shlex.ts';

// Expected values are what Ansible 2.14 produced for the same text (ast.literal_eval or the text).
describe('parseIniValue', () => {
  it.each([
    ['1', 1],
    ['-3', -3],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['0x10', 16],
    ['1_000', 1000],
    ['010', '010'],
    ['True', true],
    ['False', false],
    ['None', null],
    ['yes', 'yes'],
    ['true', 'true'],
    ['x y z', 'x y z'],
    ['"1"', '1'],
    ["'a' 'b'", 'ab'],
    ["'it\\'s'", "it's"],
    ['"tab\\there"', 'tab\there'],
    ["[1, 'a']", [1, 'a']],
    ['(1, 2)', [1, 2]],
    ['(1)', 1],
    ["{'k': 2, 'n': [True]}", { k: 2, n: [true] }],
    ['{k:2}', '{k:2}'],
    ['[1,a]', '[1,a]'],
    ['1.2.3', '1.2.3'],
    ['', ''],
    ['  7', 7],
    ['/etc/redis.conf', '/etc/redis.conf'],
    ['1j', '1j'], // the one deviation: Python gives a complex number, which has no JSON form
  ])('%j -> %j', (text, value) => {
    expect(parseIniValue(text)).toEqual(value);
  });
});

describe('shlexSplit (Python shlex.split with comments)', () => {
  it.each([
    ['web1 a=1 b="x y"', ['web1', 'a=1', 'b=x y']],
    ["h k='single # not comment'", ['h', 'k=single # not comment']],
    ['h k=a#b', ['h', 'k=a']],
    ['h j=#nope', ['h', 'j=']],
    ['h  # comment', ['h']],
    ['h e=""', ['h', 'e=']],
    ['h p=a\\ b', ['h', 'p=a b']],
    ['h q="a\\"b\\n"', ['h', 'q=a"b\\n']],
    ["h tags=\"['a', 'b']\"", ['h', "tags=['a', 'b']"]],
  ])('%s', (line, tokens) => {
    expect(shlexSplit(line)).toEqual(tokens);
  });

  it('rejects an unclosed quote as Python does', () => {
    expect(() => shlexSplit('h a="x')).toThrow('No closing quotation');
  });
});

describe('expandHostPattern', () => {
  it.each([
    ['web1', { hosts: ['web1'] }],
    ['web1:2222', { hosts: ['web1'], port: 2222 }],
    ['10.0.0.1:22', { hosts: ['10.0.0.1'], port: 22 }],
    ['[fe80::1]:2200', { hosts: ['fe80::1'], port: 2200 }],
    ['fe80::1', { hosts: ['fe80::1'] }],
    ['web[01:03]', { hosts: ['web01', 'web02', 'web03'] }],
    ['web[1:3]', { hosts: ['web1', 'web2', 'web3'] }],
    ['web[0:6:3]', { hosts: ['web0', 'web3', 'web6'] }],
    ['db-[a:c].example.com:5432', { hosts: ['db-a.example.com', 'db-b.example.com', 'db-c.example.com'], port: 5432 }],
    ['r[1:2]-[a:b]', { hosts: ['r1-a', 'r1-b', 'r2-a', 'r2-b'] }],
    ['10.0.0.[1:2]', { hosts: ['10.0.0.1', '10.0.0.2'] }],
  ])('%s', (entry, expected) => {
    expect(expandHostPattern(entry)).toEqual(expected);
  });

  it.each([
    ['web[01:3]', /equal-length/],
    ['web[3]', /begin:end/],
    ['web[c:a]', /begin <= end/],
  ])('%s is rejected', (entry, message) => {
    expect(() => expandHostPattern(entry)).toThrow(message);
  });
});
