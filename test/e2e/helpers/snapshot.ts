import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { LabHost } from '../../lab/lab-host.ts';

/** Every path under the host's private directories with its type, mode and content hash. */
export async function snapshotHost(host: LabHost, dirs = ['etc', 'root', 'home', 'opt', 'usr-local', 'tmp']): Promise<Map<string, string>> {
  return snapshotPaths(dirs.map((dir) => path.join(host.root, dir)));
}

/** Each root (a directory, walked, or a file) and everything under it: type, mode, owner, content hash. */
export async function snapshotPaths(roots: readonly string[]): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const visit = async (full: string): Promise<void> => {
    const info = await lstat(full).catch(() => null);
    if (!info) return; // absent (or gone while we looked): absent in the snapshot too
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isDirectory()) {
      entries.set(full, `dir ${mode} ${info.uid}:${info.gid}`);
      for (const name of await readdir(full).catch(() => [] as string[])) await visit(path.join(full, name));
    } else if (info.isSymbolicLink()) {
      entries.set(full, `link ${await readlink(full)}`);
    } else if (info.isFile()) {
      const digest = createHash('sha256').update(await readFile(full)).digest('hex');
      entries.set(full, `file ${mode} ${info.uid}:${info.gid} ${digest}`);
    }
  };
  for (const root of roots) {
    // The roots themselves are where to look, not entries (snapshotHost's dirs always exist).
    const info = await lstat(root).catch(() => null);
    if (info?.isDirectory()) for (const name of await readdir(root).catch(() => [] as string[])) await visit(path.join(root, name));
    else await visit(root);
  }
  return entries;
}

export function diffSnapshots(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [file, state] of after) if (before.get(file) !== state) changes.push(`${before.has(file) ? 'changed' : 'added'} ${file}`);
  for (const file of before.keys()) if (!after.has(file)) changes.push(`removed ${file}`);
  return changes;
}

/**
 * Everything under `root` (itself included) as comparable lines: relative path, type, mode,
 * owner and content, so two tools' results can be compared file for file with a readable diff.
 */
export async function snapshotTree(root: string): Promise<string[]> {
  const entries: string[] = [];
  for (const name of ['.', ...(await readdir(root, { recursive: true }))].sort()) {
    const info = await lstat(path.join(root, name));
    const type = info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'link' : 'file';
    const content = type === 'file' ? JSON.stringify(await readFile(path.join(root, name), 'utf8')) : '';
    entries.push(`${name} ${type} ${(info.mode & 0o7777).toString(8)} ${info.uid}:${info.gid} ${content}`);
  }
  return entries;
}
