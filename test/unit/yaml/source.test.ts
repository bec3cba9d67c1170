import { describe, expect, it } from 'vitest';
import { isMap, isScalar } from 'yaml';
import { InputError } from '../../../src/errors.ts';
import { parseYaml } from '../../../src/yaml/source.ts';

describe('parseYaml', () => {
  it('names the line and column of a syntax error', () => {
    const text = 'a: 1\nb: [1, 2\nc: 3\n';
    expect(() => parseYaml('play.yaml', text)).toThrow(InputError);
    try {
      parseYaml('play.yaml', text);
    } catch (error) {
      expect((error as InputError).message).toMatch(/^play\.yaml:\d+:\d+: invalid YAML/);
      expect((error as InputError).position?.line).toBeGreaterThanOrEqual(2);
    }
  });

  it('refuses duplicate keys with their position', () => {
    expect(() => parseYaml('x.yaml', 'a: 1\na: 2\n')).toThrow(/^x\.yaml:2:1: invalid YAML/);
  });

  it('gives the position of a nested node', () => {
    const source = parseYaml('p.yaml', 'tasks:\n  - id: one\n    name: hi\n');
    expect(source.value).toEqual({ tasks: [{ id: 'one', name: 'hi' }] });
    const root = source.document.contents;
    if (!isMap(root)) throw new Error('expected map');
    const tasks = root.get('tasks', true) as unknown as { items: unknown[] };
    const task = tasks.items[0];
    if (!isMap(task)) throw new Error('expected map');
    const name = task.items[1]!.value;
    expect(isScalar(name)).toBe(true);
    expect(source.positionOf(name)).toEqual({ file: 'p.yaml', line: 3, column: 11 });
  });

  it('reads YAML 1.1 as Ansible does: yes/no are booleans, 0644 is octal', () => {
    expect(parseYaml('v.yaml', 'a: yes\nb: no\nc: on\nmode: 0644\nq: "0644"\nn: y\n').value).toEqual({ a: true, b: false, c: true, mode: 420, q: '0644', n: 'y' });
  });
});
