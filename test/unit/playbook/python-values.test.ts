import { describe, expect, it } from 'vitest';
import { parsePythonLiteral } from '../../../src/inventory/python-literal.ts';
import { percentFormat, strFormat } from '../../../src/playbook/python-format.ts';
import { Slice, applySlice } from '../../../src/playbook/python-operators.ts';
import { PyTuple, pythonRepr, pythonUnescape } from '../../../src/playbook/python-text.ts';

// The Python value semantics templates rely on, from data (the oracle test covers them through
// whole templates; these pin the edges a corpus case would not reach).

describe('pythonRepr prints values as Python does', () => {
  const cases: [unknown, string][] = [
    [[1, 'a', true, null], "[1, 'a', True, None]"],
    [{ k: [1.5, false] }, "{'k': [1.5, False]}"],
    [PyTuple.fromItems([1]), '(1,)'],
    [PyTuple.fromItems(['a', 2]), "('a', 2)"],
    ["it's", `"it's"`],
    [`it's "x"`, `'it\\'s "x"'`],
    ['tab\there\n', "'tab\\there\\n'"],
    [1e21, '1e+21'],
    [1e-7, '1e-07'],
    [-0.5, '-0.5'],
  ];
  it.each(cases)('%j', (value, expected) => expect(pythonRepr(value)).toBe(expected));
});

describe('pythonUnescape decodes a Jinja2 string literal as unicode-escape does', () => {
  const cases: [string, string][] = [
    ['a\\nb', 'a\nb'],
    ['\\d+', '\\d+'],
    ['\\\\1', '\\1'],
    ['\\x41\\101\\u00e9', 'AAé'],
    ["\\'", "'"],
  ];
  it.each(cases)('%s', (raw, expected) => expect(pythonUnescape(raw)).toBe(expected));
});

describe('percentFormat is Python\'s % operator', () => {
  const cases: [string, unknown, string][] = [
    ['%s:%d', PyTuple.fromItems(['h', 7.9]), 'h:7'],
    ['%5.1f|%-4s|%04d', PyTuple.fromItems([3.14159, 'ab', -5]), '  3.1|ab  |-005'],
    ['%(a)s-%(b)r', { a: 1, b: 'x' }, "1-'x'"],
    ['%s', [1, 2], '[1, 2]'],
    ['%x %X %o %#x', PyTuple.fromItems([255, 255, 8, 255]), 'ff FF 10 0xff'],
    ['%e', 12345.678, '1.234568e+04'],
    ['%g %g', PyTuple.fromItems([0.0001, 123456789]), '0.0001 1.23457e+08'],
    ['100%%', PyTuple.fromItems([]), '100%'],
  ];
  it.each(cases)('%s %% %j', (format, args, expected) => expect(percentFormat(format, args)).toBe(expected));

  it('refuses too few and too many arguments, as Python does', () => {
    expect(() => percentFormat('%s %s', PyTuple.fromItems([1]))).toThrow('not enough arguments');
    expect(() => percentFormat('%s', PyTuple.fromItems([1, 2]))).toThrow('not all arguments converted');
  });
});

describe('strFormat is str.format', () => {
  it.each([
    ['{}-{}', [1, 'a'], {}, '1-a'],
    ['{1}{0}{1}', ['a', 'b'], {}, 'bab'],
    ['{x.y}', [], { x: { y: 3 } }, '3'],
    ['{{literal}} {!r}', ['s'], {}, "{literal} 's'"],
    ['{:^7}|{:*>4}|{:06.2f}', ['mid', 'r', 3.14159], {}, '  mid  |***r|003.14'],
  ] as [string, unknown[], Record<string, unknown>, string][])('%s', (format, positional, named, expected) => {
    expect(strFormat(format, positional, named)).toBe(expected);
  });
});

describe('applySlice is Python slicing', () => {
  const list = [0, 1, 2, 3, 4];
  const cases: [number | null, number | null, number | null, unknown][] = [
    [null, 2, null, [0, 1]],
    [-2, null, null, [3, 4]],
    [null, null, -1, [4, 3, 2, 1, 0]],
    [3, 0, -1, [3, 2, 1]],
    [10, 20, null, []],
    [-10, 2, null, [0, 1]],
    [null, null, 2, [0, 2, 4]],
    [4, null, -2, [4, 2, 0]],
  ];
  it.each(cases)('[%s:%s:%s]', (start, stop, step, expected) => expect(applySlice(list, new Slice(start, stop, step))).toEqual(expected));

  it('slices strings into strings and refuses a zero step', () => {
    expect(applySlice('Hello', new Slice(null, null, -1))).toBe('olleH');
    expect(() => applySlice('x', new Slice(null, null, 0))).toThrow('zero');
  });
});

describe('parsePythonLiteral reads what Ansible reads back from a rendered template', () => {
  it.each([
    ['[1, "a", None]', {}, [1, 'a', null]],
    ['[true, null]', { jsonNames: true }, [true, null]],
    ['[true, null]', {}, 'fallback'],
    ["{'a': (1, 2)}", {}, { a: [1, 2] }],
    ['[1, 2] tail', {}, 'fallback'],
    ['{"toString": 1}', { jsonNames: true }, { toString: 1 }],
  ] as [string, { jsonNames?: boolean }, unknown][])('%s %j', (text, options, expected) => {
    expect(parsePythonLiteral(text, 'fallback', options)).toEqual(expected);
  });
});
