import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskSearchPath } from '../../../src/run/search-path.ts';
import { play, task } from '../../helpers/play.ts';

// The directories a task's controller files are looked up in (Ansible's get_search_path, then
// the play's directory), from data.
describe('taskSearchPath', () => {
  it.each<[string, string, string, string[], string[]]>([
    ['a task of the playbook: the playbook\'s directory', '/p/site.yaml', '/p', [], ['/p']],
    ['a task of an imported tasks file: that file\'s directory, then the playbook\'s', '/p/tasks/setup.yaml', '/p', [], ['/p/tasks', '/p']],
    ['a play imported from another directory: its own file\'s directory', '/p/plays/db.yaml', '/p/plays', [], ['/p/plays']],
    [
      'a role\'s task: the role chain first, innermost role first',
      '/p/roles/web/tasks/main.yml',
      '/p',
      ['/p/roles/web', '/p/roles/common'],
      ['/p/roles/web', '/p/roles/common', '/p/roles/web/tasks', '/p'],
    ],
  ])('%s', (_name, file, baseDir, rolePaths, expected) => {
    const spec = task('t', { position: { file, line: 1, column: 3 } });
    expect(taskSearchPath(play([spec], { baseDir }), spec, rolePaths)).toEqual(expected);
  });

  it('makes a relative task file absolute from the working directory', () => {
    const spec = task('t', { position: { file: 'site.yaml', line: 1, column: 3 } });
    expect(taskSearchPath(play([spec], { baseDir: '.' }), spec)).toEqual([process.cwd()]);
    expect(path.isAbsolute(taskSearchPath(play([spec], { baseDir: 'sub' }), spec)[1]!)).toBe(true);
  });
});
