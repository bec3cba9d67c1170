import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonRegex, PythonRegexError, type PythonRegexOptions } from '../../../src/modules/python-regex.ts';
import { pythonSubn } from '../../../src/modules/python-substitute.ts';

// Python's own `re` is the oracle: every case is searched (and substituted, when it has a
// template) by /usr/bin/python3 in one process and by our translation, and must give the same
// span, groups, result text and count, or be refused by both.

interface Case {
  pattern: string;
  subject: string;
  mode: PythonRegexOptions['mode'];
  multiline?: boolean;
  dotall?: boolean;
  template?: string;
}

const cases: Case[] = [
  { pattern: '^port (\\d+)$', subject: 'port 7300\n', mode: 'bytes' },
  { pattern: 'foo\\s*$', subject: 'foo  \n', mode: 'bytes' },
  { pattern: 'a$', subject: 'a\n\n', mode: 'bytes' },
  { pattern: '(?P<key>\\w+)=(?P<value>.*)', subject: 'name=cache\n', mode: 'bytes', template: '\\g<value>:\\g<key>' },
  { pattern: '(a)|(b)', subject: 'b', mode: 'bytes', template: '[\\1][\\2]' },
  { pattern: '(?P<x>a)(?P=x)', subject: 'xaa', mode: 'text' },
  { pattern: '^x', subject: 'a\nx\r\nx', mode: 'text', multiline: true, template: 'Y' },
  { pattern: 'x$', subject: 'x\rx\nx', mode: 'text', multiline: true, template: 'Y' },
  { pattern: 'a.c', subject: 'a\rc a\nc', mode: 'text', template: '<\\g<0>>' },
  { pattern: 'a.c', subject: 'a\nc', mode: 'text', dotall: true, template: '<\\g<0>>' },
  { pattern: '(?s)a.c', subject: 'a\nc', mode: 'text' },
  { pattern: '(?i)HELLO', subject: 'say hello', mode: 'bytes' },
  { pattern: '(?m)^b$', subject: 'a\nb\nc', mode: 'bytes' },
  { pattern: '\\Aab\\Z', subject: 'ab\n', mode: 'text' },
  { pattern: '\\Aab\\Z', subject: 'ab', mode: 'text' },
  { pattern: 'x{,2}y', subject: 'xxxy', mode: 'text' },
  { pattern: 'x{2,}', subject: 'xxxy', mode: 'text' },
  { pattern: 'a{b', subject: 'a{b', mode: 'text' },
  { pattern: 'a{}', subject: 'a{}', mode: 'text' },
  { pattern: '[\\w.-]+@[^\\s]+', subject: ' me.you-x@example.org ', mode: 'text' },
  { pattern: '\\w+', subject: '이름 홍길동', mode: 'text', template: '<\\g<0>>' },
  { pattern: '\\w+', subject: 'é1_x', mode: 'bytes' },
  { pattern: '\\d+', subject: '٣4', mode: 'text' },
  { pattern: '\\s+', subject: 'a\u00a0\u2003b', mode: 'text', template: '_' },
  { pattern: '\\s', subject: 'a\u00a0b', mode: 'bytes' },
  { pattern: '[^\\d]+', subject: '12ab34', mode: 'bytes' },
  { pattern: '\\D\\W\\S', subject: 'a1 .x? b', mode: 'text' },
  { pattern: '[\\D]+', subject: '12ab34', mode: 'bytes' },
  { pattern: '\\x41\\101\\0', subject: 'AA\0', mode: 'text' },
  { pattern: '\\u00e9', subject: 'café', mode: 'text' },
  { pattern: '[]a]+', subject: 'x]a]', mode: 'text' },
  { pattern: '[a-c\\]]+', subject: 'x]ab', mode: 'text' },
  { pattern: '\\.\\*\\-\\#', subject: 'x.*-#', mode: 'text' },
  { pattern: '/etc/(\\w+)', subject: '/etc/hosts', mode: 'text', template: '/srv/\\1\\n\\t\\\\' },
  { pattern: '(\\d)(\\d)', subject: '12', mode: 'text', template: '\\2\\1\\&' },
  { pattern: 'x*', subject: 'abxd', mode: 'text', template: '-' },
  { pattern: '(?#a comment)b', subject: 'ab', mode: 'text' },
  { pattern: '(?<=a)b(?!c)', subject: 'abc ab', mode: 'text' },
  { pattern: 'a+?', subject: 'aaa', mode: 'text' },
  { pattern: '(\\w)\\1', subject: 'abbc', mode: 'bytes' },
  // Refused by Python, and so by us.
  { pattern: '(', subject: '', mode: 'text' },
  { pattern: '\\q', subject: '', mode: 'text' },
  { pattern: 'a(?i)b', subject: 'ab', mode: 'text' },
  { pattern: '(a)', subject: 'a', mode: 'text', template: '\\2' },
  { pattern: '(a)', subject: 'a', mode: 'text', template: '\\q' },
];

const ORACLE = `
import json, re, sys
out = []
for c in json.load(sys.stdin):
    enc = (lambda s: s.encode('utf-8')) if c['mode'] == 'bytes' else (lambda s: s)
    dec = (lambda b: None if b is None else b.decode('latin-1')) if c['mode'] == 'bytes' else (lambda s: s)
    flags = (re.M if c.get('multiline') else 0) | (re.S if c.get('dotall') else 0)
    try:
        r = re.compile(enc(c['pattern']), flags)
        m = r.search(enc(c['subject']))
        res = {'match': None if m is None else {'span': list(m.span()), 'groups': [dec(g) for g in m.groups()]}}
        if 'template' in c:
            text, count = r.subn(enc(c['template']), enc(c['subject']))
            res['sub'] = [dec(text), count]
        out.append(res)
    except (re.error, IndexError) as e:
        out.append({'error': True})
json.dump(out, sys.stdout)
`;

const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

function ours(c: Case): unknown {
  // Bytes mode sees what lineinfile sees: the UTF-8 bytes, one latin1 char each.
  const subject = c.mode === 'bytes' ? latin1(c.subject) : c.subject;
  const pattern = c.mode === 'bytes' ? latin1(c.pattern) : c.pattern;
  try {
    const { regex } = pythonRegex(pattern, { mode: c.mode, multiline: c.multiline, dotall: c.dotall });
    const match = regex.exec(subject);
    const result: Record<string, unknown> = {
      match: match === null ? null : { span: [match.index, match.index + match[0].length], groups: match.slice(1).map((g) => g ?? null) },
    };
    if (c.template !== undefined) {
      const template = c.mode === 'bytes' ? latin1(c.template) : c.template;
      const { text, count } = pythonSubn(regex, template, subject);
      result['sub'] = [text, count];
    }
    return result;
  } catch (error) {
    if (error instanceof PythonRegexError) return { error: true };
    throw error;
  }
}

describe('Python regexps translated to JS', () => {
  it('match, group and substitute as Python re does', () => {
    const expected = JSON.parse(execFileSync('/usr/bin/python3', ['-c', ORACLE], { input: JSON.stringify(cases), encoding: 'utf8' })) as unknown[];
    expect(expected).toHaveLength(cases.length);
    const disagreements = cases.flatMap((c, index) => {
      const mine = ours(c);
      return JSON.stringify(mine) === JSON.stringify(expected[index]) ? [] : [{ case: c, mine, python: expected[index] }];
    });
    expect(disagreements).toEqual([]);
  });

  it('refuses what it cannot translate, naming the construct', () => {
    for (const [pattern, message] of [
      ['(?x) a b', /verbose/],
      ['(?i:a)', /scoped inline flags/],
      ['(?>a)', /atomic/],
      ['a++', /possessive/],
      ['(a)?(?(1)b|c)', /conditional/],
    ] as const) {
      expect(() => pythonRegex(pattern, { mode: 'text' }), pattern).toThrow(message);
    }
  });
});
