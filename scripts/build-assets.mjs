// The second half of `npm run build` (after tsc -p tsconfig.build.json): dist/ gets the files
// the code reads beside itself at run time (tasks/redis/redis.conf.njk, ...), which tsc does not
// copy, and loses the .js of a source that no longer exists, because the registry loads every
// module file it finds under dist/tasks/ and tsc's incremental build never deletes one.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

for (const top of ['src', 'tasks']) {
  for (const file of files(path.join(root, top))) {
    if (file.endsWith('.ts')) continue;
    const target = path.join(dist, path.relative(root, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  for (const file of files(path.join(dist, top))) {
    if (!file.endsWith('.js')) continue;
    const source = path.join(root, path.relative(dist, file)).replace(/\.js$/, '.ts');
    if (!existsSync(source)) rmSync(file);
  }
}
