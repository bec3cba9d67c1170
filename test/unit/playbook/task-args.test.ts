import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { parseTask } from '../../../src/playbook/task.ts';
import { parseYaml } from '../../../src/yaml/source.ts';

// A task's module arguments as parseTask reads them from the file: key=value text, `args:`, and
// the free-form command line (the parsing itself is checked against Ansible in split-args.test.ts).

function task(text: string) {
  const source = parseYaml('play.yaml', text);
  return parseTask(source, source.document.contents, { file: 'play.yaml', line: 1, column: 1 }).spec;
}

describe('parseTask: module arguments', () => {
  it.each([
    ['file: path=/x state=directory', 'core.file', { path: '/x', state: 'directory' }],
    ['copy: dest=/x content="a b"', 'core.copy', { dest: '/x', content: 'a b' }],
    ['shell: echo "a b" > out chdir=/tmp creates=out', 'core.shell', { cmd: 'echo "a b" > out', chdir: '/tmp', creates: 'out' }],
    ['command: ls -l\nargs: { chdir: /tmp }', 'core.command', { cmd: 'ls -l', chdir: '/tmp' }],
    ['file: path=/x\nargs: { path: /y, mode: "0644" }', 'core.file', { path: '/x', mode: '0644' }],
    ['ansible.builtin.file: { path: /x }\nargs: "{{ more }}"', 'core.file', { path: '/x', _variable_params: '{{ more }}' }],
    ['command:\nargs: { cmd: pwd }', 'core.command', { cmd: 'pwd' }],
  ])('%s', (text, module, params) => {
    const spec = task(text);
    expect(spec.module).toBe(module);
    expect(spec.params).toEqual(params);
  });

  it('refuses free-form text for a module that takes key=value pairs only, at the value', () => {
    const error = (() => {
      try {
        task('name: t\nfile: /x state=directory');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/core\.file has extra params/);
    expect((error as InputError).position).toMatchObject({ line: 2, column: 7 });
  });

  it('refuses args: that is neither a mapping nor a template', () => {
    expect(() => task('file: path=/x\nargs: state=directory')).toThrow(/bare variables/);
    expect(() => task('file: path=/x\nargs: [1]')).toThrow(/must be a dictionary/);
  });
});
