import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { LabHost } from '../../lab/lab-host.ts';

/** Every path under the host's private directories with its type, mode and content hash. */
export async function snapshotHost(host: LabHost, dirs = ['etc', 'root', 'home', 'opt', 'usr-local', 'tmp']): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      const info = await lstat(full);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isDirectory()) {
        entries.set(full, `dir ${mode} ${info.uid}:${info.gid}`);
        await walk(full);
      } else if (info.isSymbolicLink()) {
        entries.set(full, `link ${await readlink(full)}`);
      } else if (info.isFile()) {
        const digest = createHash('sha256').update(await readFile(full)).digest('hex');
        entries.set(full, `file ${mode} ${info.uid}:${info.gid} ${digest}`);
      }
    }
  };
  for (const dir of dirs) await walk(path.join(host.root, dir));
  return entries;
}

export function diffSnapshots(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [file, state] of after) if (before.get(file) !== state) changes.push(`${before.has(file) ? 'changed' : 'added'} ${file}`);
  for (const file of before.keys()) if (!after.has(file)) changes.push(`removed ${file}`);
  return changes;
}
