// import_tasks and include_tasks from data: a project on disk in, the play's tasks out.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-includes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(scratch, 'p-'));
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name.replace('ROOT', root));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text.replaceAll('ROOT', root));
  }
  return path.join(root, 'site.yml');
}
const inner = '- name: inner\n  command: "true"\n';

describe('task includes', () => {
  it('takes an absolute import_tasks path as it is, a relative one from the including file', async () => {
    const file = project({
      'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: ROOT/abs/a.yml\n    - import_tasks: sub/b.yml\n',
      'abs/a.yml': inner,
      'sub/b.yml': '- import_tasks: c.yml\n',
      'sub/c.yml': inner,
    });
    const play = (await loadPlaybook(file, { rolesPath: [] })).plays[0]!;
    expect(play.tasks.map((t) => path.relative(path.dirname(file), t.position.file))).toEqual(['abs/a.yml', 'sub/c.yml']);
  });

  it('copies an include_tasks file per loop item, with loop_var, index_var and the include vars', async () => {
    const file = project({
      'site.yml': '- hosts: all\n  vars: { names: [a, b] }\n  tasks:\n    - include_tasks: t.yml\n      loop: "{{ names }}"\n      loop_control: { loop_var: who, index_var: i }\n      vars: { extra: 1 }\n      when: go\n',
      't.yml': inner,
    });
    const play = (await loadPlaybook(file, { rolesPath: [] })).plays[0]!;
    expect(play.tasks.map((t) => [t.vars, t.when])).toEqual([[{ extra: 1, who: 'a', i: 0 }, ['go']], [{ extra: 1, who: 'b', i: 1 }, ['go']]]);
    expect(new Set(play.tasks.map((t) => t.id)).size).toBe(2);
  });

  it.each([
    ['- hosts: all\n  tasks:\n    - include_tasks: t.yml\n      loop: "{{ groups.all }}"\n', "the loop must come from the play's vars"],
    ['- hosts: all\n  tasks:\n    - include_tasks: "{{ inventory_hostname }}.yml"\n', "the file name must come from the play's vars"],
    ['- hosts: all\n  tasks:\n    - include_tasks: t.yml\n      retries: 2\n', "include_tasks: 'retries' is not supported here"],
    ['- hosts: all\n  tasks:\n    - include_tasks: loop.yml\n', 'include_tasks cycle'],
  ])('refuses %j', async (playbook, message) => {
    const file = project({ 'site.yml': playbook, 't.yml': inner, 'loop.yml': '- include_tasks: loop.yml\n' });
    const error = await loadPlaybook(file, { rolesPath: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });
});
