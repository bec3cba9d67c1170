import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../../src/errors.ts';
import type { Vars } from '../../src/inventory/types.ts';
import { controllerFileNotFound, findControllerFile } from '../../src/modules/controller-files.ts';
import { defineActionModule } from '../../src/modules/action-module.ts';

// Ansible's include_vars (plugins/action/include_vars.py): variables from a YAML/JSON file on the
// controller, or from every file of a directory, for this host, above task vars and below
// set_fact; the run stores the result's `ansible_facts` so (src/run/result-facts.ts). Files are
// read with TaskContext.loadVarsFile, the loader group_vars use, so Vault-encrypted ones decrypt.

const FILE_KEYS = ['file', '_raw_params'] as const;
const DIR_KEYS = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'] as const;

export const includeVarsParams = z
  .strictObject({
    file: z.string().optional().describe('The vars file; relative: found in the role\'s vars/, then the task\'s search path (<dir>/vars/<file>, <dir>/<file>)'),
    _raw_params: z.string().optional().describe('The file, written as `include_vars: file.yml`'),
    dir: z.string().optional().describe('A directory whose files are all read, in sorted order; relative: to the role\'s vars/ or the task file\'s directory'),
    name: z.string().optional().describe('Put the variables under this one variable instead of at top level'),
    depth: z.coerce.number().int().min(0).default(0).describe('With dir: how many directories of the walk to read (0: all)'),
    files_matching: z.string().optional().describe('With dir: read only file names this regular expression matches'),
    ignore_files: z.union([z.string(), z.array(z.string())]).optional().describe('With dir: file names (regular expressions, matched at the end) to skip'),
    extensions: z.array(z.string()).default(['yaml', 'yml', 'json']).describe('With dir: the file extensions allowed'),
    ignore_unknown_extensions: z.boolean().default(false).describe('With dir: skip files with other extensions instead of failing'),
    hash_behaviour: z.enum(['replace', 'merge']).optional().describe('merge: a dict loaded is merged recursively into the variable\'s current dict (lists replaced); replace: it replaces it'),
  })
  .superRefine((params, ctx) => {
    const given = (keys: readonly string[]) => keys.some((key) => (params as Record<string, unknown>)[key] !== undefined);
    // depth, extensions and ignore_unknown_extensions have defaults: only a dir given with a file conflicts.
    if (params.dir !== undefined && given(FILE_KEYS)) ctx.addIssue({ code: 'custom', message: 'You are mixing file only and dir only arguments, these are incompatible' });
    else if (params.dir === undefined && !given(FILE_KEYS)) ctx.addIssue({ code: 'custom', message: 'include_vars needs a file (or `dir`)' });
    else if (params.dir === undefined && given(DIR_KEYS.filter((key) => key === 'files_matching' || key === 'ignore_files'))) {
      ctx.addIssue({ code: 'custom', message: 'You are mixing file only and dir only arguments, these are incompatible' });
    }
  });

export type IncludeVarsParams = z.infer<typeof includeVarsParams>;

/** One directory of the walk, as os.walk gives it: its path and the names of its files. */
export interface WalkedDir {
  root: string;
  files: string[];
}

/** `dir` as a path, as _set_root_dir: in a role under its vars/, else beside the task's file. */
export function resolveDir(dir: string, where: { rolePath?: string; taskDir: string }, exists: (p: string) => boolean): string {
  if (where.rolePath) {
    if (dir.split('/')[0] === 'vars') {
      const inRole = path.join(where.rolePath, dir);
      return exists(inRole) ? inRole : dir;
    }
    return path.join(where.rolePath, 'vars', dir);
  }
  return path.resolve(where.taskDir, dir);
}

function ignored(name: string, ignoreFiles: string[]): boolean {
  return ignoreFiles.some((pattern) => {
    try {
      return new RegExp(`${pattern}$`).test(name);
    } catch {
      throw new InputError(`Invalid regular expression: ${pattern}`);
    }
  });
}

function extensionOf(name: string): string {
  const ext = path.extname(name);
  return ext.length > 1 ? ext.slice(1) : '';
}

/**
 * Pure planner for `dir`: the files to read, in order, from the walk (sorted by directory, its
 * first `depth` directories when depth > 0, as _traverse_dir_depth counts them), or the error
 * Ansible fails with (a file of another extension, unless ignore_unknown_extensions). Ansible
 * 2.14 means to skip a role's own vars/main.yml but compares paths that never match, so it reads
 * it: so does this.
 */
export function dirFiles(params: IncludeVarsParams, walk: WalkedDir[]): { files: string[]; error?: string } {
  const ignoreFiles = typeof params.ignore_files === 'string' ? params.ignore_files.split(/\s+/).filter(Boolean) : (params.ignore_files ?? []);
  const matcher = params.files_matching === undefined ? undefined : new RegExp(params.files_matching);
  const sorted = [...walk].sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  const files: string[] = [];
  for (const [index, { root, files: names }] of sorted.entries()) {
    if (params.depth > 0 && index >= params.depth) break;
    for (const name of [...names].sort()) {
      const full = path.join(root, name);
      if (matcher && !matcher.test(name)) continue;
      if (ignored(name, ignoreFiles)) continue;
      if (!params.extensions.includes(extensionOf(name))) {
        if (params.ignore_unknown_extensions) continue;
        return { files, error: `${full} does not have a valid extension: ${params.extensions.join(', ')}` };
      }
      files.push(full);
    }
  }
  return { files };
}

function isMapping(value: unknown): value is Vars {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ansible's merge_hash (utils/vars.py) with list_merge=replace: `update` wins, dicts merge recursively. */
export function mergeHash(base: Vars, update: Vars): Vars {
  const merged: Vars = { ...base };
  for (const [key, value] of Object.entries(update)) {
    const old = merged[key];
    merged[key] = isMapping(old) && isMapping(value) ? mergeHash(old, value) : value;
  }
  return merged;
}

/**
 * Pure planner: the result from the files read (in order, later ones overriding), as Ansible's;
 * with hash_behaviour: merge, each loaded dict merged into the variable's value in `current`.
 */
export function includeVarsResult(params: IncludeVarsParams, loaded: { file: string; vars: Vars }[], error?: string, current: Vars = {}): Record<string, unknown> {
  let vars: Vars = {};
  for (const entry of loaded) vars = { ...vars, ...entry.vars };
  let facts = params.name === undefined ? vars : { [params.name]: vars };
  if (params.hash_behaviour === 'merge' && error === undefined) {
    facts = Object.fromEntries(Object.entries(facts).map(([key, value]) => [key, isMapping(current[key]) && isMapping(value) ? mergeHash(current[key], value) : value]));
  }
  const result: Record<string, unknown> = { changed: false, ansible_facts: facts, ansible_included_var_files: loaded.map((entry) => entry.file) };
  return error === undefined ? result : { ...result, failed: true, message: error };
}

async function walkDir(root: string): Promise<WalkedDir[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const here: WalkedDir = { root, files: entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name) };
  const below = await Promise.all(entries.filter((entry) => entry.isDirectory()).map((entry) => walkDir(path.join(root, entry.name))));
  return [here, ...below.flat()];
}

async function isDirectory(dir: string): Promise<boolean | undefined> {
  return stat(dir).then((info) => info.isDirectory(), () => undefined);
}

interface Where {
  searchPath: string[];
  vars: Vars;
}

function rolePathOf(where: Where): string | undefined {
  return typeof where.vars.role_path === 'string' ? where.vars.role_path : undefined;
}

/** The files to read for these params, or why not (`missing`: the file or directory is not there). */
async function filesToRead(params: IncludeVarsParams, where: Where): Promise<{ files: string[]; error?: string; missing?: boolean }> {
  const rolePath = rolePathOf(where);
  if (params.dir !== undefined) {
    // The search path's first directory is the task file's, for a task outside a role.
    const dir = resolveDir(params.dir, { rolePath, taskDir: where.searchPath[0] ?? process.cwd() }, existsSync);
    const kind = await isDirectory(dir);
    if (kind === undefined) return { files: [], error: `${dir} directory does not exist`, missing: true };
    if (!kind) return { files: [], error: `${dir} is not a directory`, missing: true };
    return dirFiles(params, await walkDir(dir));
  }
  const file = (params.file ?? params._raw_params)!.replace(/\n+$/, '');
  const search = await findControllerFile(where.searchPath, 'vars', file);
  if (!search.found) return { files: [], error: controllerFileNotFound('include_vars file', file, search.searched), missing: true };
  return { files: [search.found] };
}

export const taskModule = defineActionModule({
  name: 'core.include_vars',
  summary: 'Load variables from a YAML/JSON file or directory on the controller (Vault files too), above task vars',
  params: includeVarsParams,

  // A file or directory that is not there is bad input, refused before any host changes.
  async preflight(ctx, params) {
    const { error, missing } = await filesToRead(params, { searchPath: ctx.searchPath, vars: ctx.host.vars });
    if (missing) throw new InputError(error!);
  },

  async result(ctx, params) {
    const { files, error } = await filesToRead(params, { searchPath: ctx.searchPath, vars: ctx.host.vars });
    const loaded: { file: string; vars: Vars }[] = [];
    for (const file of files) loaded.push({ file, vars: await ctx.loadVarsFile(file) });
    return includeVarsResult(params, loaded, error, ctx.host.vars);
  },
});
