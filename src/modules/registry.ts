import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError, type SourcePosition } from '../errors.ts';
import type { TaskModule } from './module.ts';
import { didYouMean } from './similar-names.ts';
import { ensureTypeScriptLoader } from './typescript-loader.ts';

/** What `playgraph modules` lists about one module. */
export interface ModuleInfo {
  name: string;
  summary: string;
  /** The file the module is loaded from (the winning one when a user dir overrides a name). */
  file: string;
  builtin: boolean;
}

export interface ModuleRegistry {
  /** `file` -> `core.file`; `ansible.builtin.file` -> `core.file`; `redis.build` unchanged. */
  resolveName(name: string): string;
  /** Loads a module by (resolved) name; unknown names are an InputError at `position`. */
  get(name: string, position?: SourcePosition): Promise<TaskModule>;
  list(): Promise<ModuleInfo[]>;
}

/**
 * The built-in modules, found from this file so it works from any working directory: the repo's
 * `tasks/` beside `src/`, or under the compiled CLI `dist/tasks/` beside `dist/src/`.
 */
export const BUILTIN_MODULES_DIR = fileURLToPath(new URL('../../tasks/', import.meta.url));

const MODULE_FILE = /^([A-Za-z0-9_]+)\.(ts|mts|js|mjs)$/;
const ANSIBLE_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

/** Ansible modules one of ours implements under another name: `apt` is `core.package`. */
const ANSIBLE_ALIASES: Record<string, string> = { apt: 'package' };

/** Module names in Ansible spelling map onto ours: bare and `ansible.builtin.*` names are `core.*`. */
export function resolveModuleName(name: string): string {
  for (const prefix of ANSIBLE_PREFIXES) {
    if (name.startsWith(prefix)) return coreName(name.slice(prefix.length));
  }
  return name.includes('.') ? name : coreName(name);
}

function coreName(name: string): string {
  return `core.${Object.hasOwn(ANSIBLE_ALIASES, name) ? ANSIBLE_ALIASES[name] : name}`;
}

function isModuleFile(fileName: string): boolean {
  if (/\.(test|spec)\.[mc]?[jt]s$/.test(fileName) || fileName.endsWith('.d.ts')) return false;
  return MODULE_FILE.test(fileName);
}

async function readDirEntries(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InputError(`modules directory not found: ${dir}`, undefined, { cause: error });
    }
    throw error;
  }
}

/** name -> file for every module file under `dir/<namespace>/`. */
async function scanModuleDir(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const namespace of await readDirEntries(dir)) {
    if (!namespace.isDirectory() || namespace.name.startsWith('.')) continue;
    const namespaceDir = path.join(dir, namespace.name);
    for (const entry of await readdir(namespaceDir, { withFileTypes: true })) {
      if (!entry.isFile() || !isModuleFile(entry.name)) continue;
      const baseName = MODULE_FILE.exec(entry.name)![1];
      const name = `${namespace.name}.${baseName}`;
      // Prefer the TypeScript source when a compiled .js sits beside it.
      if (!found.has(name) || entry.name.endsWith('.ts')) found.set(name, path.join(namespaceDir, entry.name));
    }
  }
  return found;
}

function looksLikeTaskModule(value: unknown): value is TaskModule {
  const candidate = value as Partial<TaskModule> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.check === 'function' &&
    typeof candidate.apply === 'function' &&
    typeof candidate.params?.safeParse === 'function'
  );
}

/** The file's `taskModule`, or null for a helper file that exports none (e.g. shared topology code). */
async function loadModuleFile(file: string, expectedName: string): Promise<TaskModule | null> {
  let exports: Record<string, unknown>;
  try {
    if (/\.[mc]?ts$/.test(file)) await ensureTypeScriptLoader();
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`cannot load module ${expectedName}: ${(error as Error).message}`, { file }, { cause: error });
  }
  const taskModule = exports.taskModule;
  if (taskModule === undefined) return null;
  if (!looksLikeTaskModule(taskModule)) {
    throw new InputError(`module file must export \`taskModule\` made with defineModule()`, { file });
  }
  if (taskModule.name !== expectedName) {
    throw new InputError(
      `module declares name '${taskModule.name}' but its path makes it '${expectedName}' (<namespace>/<name>.ts)`,
      { file },
    );
  }
  return taskModule;
}

/**
 * Finds task modules as files `<dir>/<namespace>/<name>.ts|js|mjs`: first the built-in `tasks/`,
 * then each of `extraDirs` (from `--modules` and a play's `modules:`) in order. When two dirs
 * define the same name the later one wins, so a user dir can replace a built-in module.
 * Modules are imported lazily, the first time a task uses them.
 */
export function createModuleRegistry(extraDirs: string[]): ModuleRegistry {
  const dirs = [BUILTIN_MODULES_DIR, ...extraDirs.map((dir) => path.resolve(dir))];
  let index: Promise<Map<string, string>> | undefined;
  const loaded = new Map<string, Promise<TaskModule | null>>();

  const moduleFiles = (): Promise<Map<string, string>> => {
    index ??= (async () => {
      const merged = new Map<string, string>();
      for (const dir of dirs) {
        for (const [name, file] of await scanModuleDir(dir)) merged.set(name, file); // later dir wins
      }
      return merged;
    })();
    return index;
  };

  const load = (name: string, file: string): Promise<TaskModule | null> => {
    let pending = loaded.get(name);
    if (!pending) {
      pending = loadModuleFile(file, name);
      loaded.set(name, pending);
    }
    return pending;
  };

  return {
    resolveName: resolveModuleName,

    async get(name, position) {
      const resolved = resolveModuleName(name);
      const files = await moduleFiles();
      const file = files.get(resolved);
      if (!file) {
        const namespaces = [...new Set([...files.keys()].map((known) => known.split('.')[0]))].sort();
        throw new InputError(
          `unknown module '${name}'${didYouMean(resolved, files.keys())}; ` +
            `namespaces searched: ${namespaces.join(', ') || '(none)'} in ${dirs.join(', ')}`,
          position,
        );
      }
      const taskModule = await load(resolved, file);
      if (!taskModule) {
        throw new InputError(`'${resolved}' is not a task module: ${file} exports no \`taskModule\``, position);
      }
      return taskModule;
    },

    async list() {
      const files = await moduleFiles();
      const builtinFiles = await scanModuleDir(BUILTIN_MODULES_DIR);
      const infos: ModuleInfo[] = [];
      for (const [name, file] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
        const taskModule = await load(name, file);
        if (!taskModule) continue; // a helper beside the modules, not a module
        infos.push({ name, summary: taskModule.summary, file, builtin: builtinFiles.get(name) === file });
      }
      return infos;
    },
  };
}
