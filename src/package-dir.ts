import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root (where package.json is): the sources sit at `<root>/src/` and the compiled
 * CLI at `<root>/dist/src/`, so a fixed `../..` from a file would be right for only one of them.
 */
export const PACKAGE_DIR = findPackageDir(path.dirname(fileURLToPath(import.meta.url)));

/** True when this process runs the compiled JavaScript of dist/, not the TypeScript sources. */
export const RUNNING_COMPILED = import.meta.url.endsWith('.js');

function findPackageDir(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`playgraph: no package.json above ${start}`);
  }
}
