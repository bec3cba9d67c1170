import path from 'node:path';
import type { Play, TaskSpec } from '../playbook/types.ts';

/**
 * The directories a task's relative controller files (copy and template `src`) are looked up in,
 * in order, as Ansible builds them: Base.get_search_path (ansible/playbook/base.py) gives the
 * directories of the task's role dependency chain, innermost role first, then the directory of
 * the file the task is written in (an imported tasks file's own directory); path_dwim_relative_stack
 * (ansible/parsing/dataloader.py) then always tries the loader's basedir, the play's directory,
 * last. A role's task has its role's directory, then those of the roles depending on it, in front.
 */
export function taskSearchPath(play: Play, task: TaskSpec, rolePaths: readonly string[] = task.role ? [task.role.path, ...task.role.chain] : []): string[] {
  const dirs: string[] = [];
  for (const dir of [...rolePaths, path.dirname(task.position.file), play.baseDir]) {
    const resolved = path.resolve(dir);
    if (!dirs.includes(resolved)) dirs.push(resolved);
  }
  return dirs;
}
