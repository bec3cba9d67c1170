import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Finding a module's controller file (copy's `src` in `files/`, template's in `templates/`, include_vars' in `vars/`) as
 * Ansible's action plugins do: ActionBase._find_needle -> DataLoader.path_dwim_relative_stack
 * (ansible/parsing/dataloader.py, ansible-core 2.14), over the task's search path (the run gives
 * it as TaskContext.searchPath: a role's directories first, then the task file's directory, then
 * the playbook's directory).
 */
export type ControllerSubdir = 'files' | 'templates' | 'vars';

/** What a search found: the first candidate that exists, or none, and every place it looked. */
export interface ControllerFileSearch {
  found: string | undefined;
  /** `found` is a directory (Ansible's copy would recurse into it; these modules write one file). */
  directory: boolean;
  searched: string[];
}

/**
 * Where `src` may be, in the order Ansible tries: for each search directory `<dir>/<subdir>/<src>`
 * then `<dir>/<src>`. Ansible means to skip `<subdir>/` when `src` already starts with it, but
 * compares bytes to text there, so under Python 3 it never skips: neither do we (`files/a.txt`
 * is looked for in `files/files/a.txt` first, then found in `files/a.txt`). An absolute path, or
 * one starting with `~`, is the only candidate, with `~` and `$VAR` expanded (unfrackpath).
 * Duplicates (the task file's directory is usually the playbook's) are listed once.
 */
export function controllerFileCandidates(
  searchPath: readonly string[],
  subdir: ControllerSubdir,
  src: string,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (src.startsWith('/') || src.startsWith('~')) return [path.resolve(expandUser(expandVars(src, env), env))];
  const candidates: string[] = [];
  for (const dir of searchPath) {
    const base = path.resolve(dir);
    for (const candidate of [path.join(base, subdir, src), path.join(base, src)]) {
      if (!candidates.includes(candidate)) candidates.push(candidate);
    }
  }
  return candidates;
}

/** The first candidate that exists (a file or a directory, as os.path.exists), and where it looked. */
export async function findControllerFile(searchPath: readonly string[], subdir: ControllerSubdir, src: string): Promise<ControllerFileSearch> {
  const searched = controllerFileCandidates(searchPath, subdir, src);
  for (const candidate of searched) {
    const kind = await kindOf(candidate);
    if (kind) return { found: candidate, directory: kind === 'directory', searched };
  }
  return { found: undefined, directory: false, searched };
}

/** "copy src 'a.txt' not found on the controller; looked in: /p/files/a.txt, /p/a.txt". */
export function controllerFileNotFound(what: string, src: string, searched: readonly string[]): string {
  return `${what} '${src}' not found on the controller; looked in: ${searched.join(', ')}`;
}

/** Whether `file` exists (following symlinks, as os.path.exists), and as what. */
async function kindOf(file: string): Promise<'file' | 'directory' | undefined> {
  try {
    return (await stat(file)).isDirectory() ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}

/** os.path.expanduser for the current user: `~` and `~/...` (a `~user` form is left as it is). */
function expandUser(file: string, env: NodeJS.ProcessEnv): string {
  if (file !== '~' && !file.startsWith('~/')) return file;
  return (env.HOME || homedir()) + file.slice(1);
}

/** os.path.expandvars: `$NAME` and `${NAME}` of set variables; unset ones stay as written. */
function expandVars(file: string, env: NodeJS.ProcessEnv): string {
  return file.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const value = env[name.startsWith('{') ? name.slice(1, -1) : name];
    return value === undefined ? whole : value;
  });
}
