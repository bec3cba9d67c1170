import { readFile, readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { InputError } from '../errors.ts';
import { decryptFileText } from '../vault/file.ts';
import { rememberLeaves } from '../vault/inline.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { parseYaml } from '../yaml/source.ts';
import type { Vars } from './types.ts';

/**
 * group_vars/ and host_vars/ beside an inventory source, found as Ansible's host_group_vars
 * vars plugin does (plugins/vars/host_group_vars.py + DataLoader.find_vars_files): for entity
 * `web`, the first of `web` (a file, or a directory read recursively in sorted order skipping
 * dotfiles and `*~`), `web.yml`, `web.yaml`, `web.json`. Files are YAML (JSON is YAML); an
 * empty file counts as nothing; later files of a directory override earlier ones.
 */
const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/** What is at a path (following symlinks), or undefined when nothing readable is there. */
export async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'dir' : info.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

async function filesInDir(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = /\.[^.]*$/.exec(name)?.[0] ?? '';
    const kind = await kindOf(full);
    if (kind === 'dir' && ext === '') found.push(...(await filesInDir(full)));
    else if (kind === 'file' && EXTENSIONS.includes(ext)) found.push(full);
  }
  return found;
}

async function findVarsFiles(dir: string, entity: string): Promise<string[]> {
  for (const ext of EXTENSIONS) {
    const candidate = join(dir, entity + ext);
    const kind = await kindOf(candidate);
    if (kind === 'dir') return filesInDir(candidate);
    if (kind === 'file') return [candidate];
  }
  return [];
}

/**
 * The one reader of controller vars files: group_vars/host_vars, a play's vars_files, `-e @file`
 * and include_vars (TaskContext.loadVarsFile). A file `ansible-vault encrypt` wrote is decrypted
 * with the run's passwords and each of its string values becomes a secret; inline `!vault`
 * values decrypt in any of them.
 */
export async function readVarsFile(file: string, vault?: VaultKeyring): Promise<Vars> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read vars file: ${(error as Error).message}`, { file }, { cause: error });
  }
  const { text, encrypted } = decryptFileText(raw, file, vault);
  const source = parseYaml(file, text, vault);
  if (encrypted && vault) rememberLeaves(source.value, vault);
  if (source.value === null || source.value === undefined) return {};
  if (typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new InputError('vars file must hold a mapping of variable names to values', source.positionOf(source.document.contents));
  }
  return source.value as Vars;
}

/** Reads the vars files of each entity name under `<baseDir>/<subdir>/`, merged in file order. */
export async function loadVarsFiles(
  baseDir: string,
  subdir: 'group_vars' | 'host_vars',
  entities: Iterable<string>,
  vault?: VaultKeyring,
): Promise<Map<string, Vars>> {
  const result = new Map<string, Vars>();
  const dir = join(baseDir, subdir);
  if ((await kindOf(dir)) !== 'dir') return result;
  for (const entity of entities) {
    // Ansible skips 'chroot'-style names like /path/to/root, which would escape the directory.
    if (entity.startsWith(sep)) continue;
    const files = await findVarsFiles(dir, entity);
    if (files.length === 0) continue;
    let merged: Vars = {};
    for (const file of files) merged = { ...merged, ...(await readVarsFile(file, vault)) };
    result.set(entity, merged);
  }
  return result;
}
