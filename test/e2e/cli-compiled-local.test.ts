import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { finish } from './helpers/compiled-cli.ts';
import { REPO } from './helpers/playgraph.ts';

// Issue 11, item 1: bin/playgraph.js as a user starts it runs dist/, built here first so it is
// the tree as it is (every other e2e test runs the sources through the same bin). tsx is loaded
// only for a user's TypeScript module: a resolve hook in front of everything reports each
// module of tsx the process loads.

const BIN = path.join(REPO, 'bin', 'playgraph.js');
const REPORT_TSX = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
   register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('/node_modules/tsx/')) console.error('LOADED-TSX ' + r.url); return r; }"));`,
)}`;

let dir: string;

beforeAll(async () => {
  const built = await finish('npm', ['run', 'build', '--silent'], { cwd: REPO, timeoutMs: 400_000 });
  expect(built.code, built.stdout + built.stderr).toBe(0);
  dir = await mkdtemp(path.join(tmpdir(), 'pg-compiled-e2e-'));
}, 420_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (args: string[]) => finish(process.execPath, ['--import', REPORT_TSX, BIN, ...args], { cwd: dir });

it('--version comes from dist/ without tsx', async () => {
  const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  const result = await run(['--version']);
  expect(result).toMatchObject({ code: 0, stdout: `${version}\n` });
  expect(result.stderr).not.toContain('LOADED-TSX');
});

it('runs core modules from dist/tasks without tsx, and loads tsx for a user TypeScript module only', async () => {
  const work = path.join(dir, 'startup');
  const plain = await run(['run', path.join(REPO, 'bench/startup.yaml'), '-i', path.join(REPO, 'inventory/local.yaml'), '-e', `bench_dir=${work}`, '-o', 'plain']);
  expect(plain.code, plain.stdout + plain.stderr).toBe(0);
  expect(plain.stdout).toMatch(/changed=\d+/);
  expect(plain.stderr).not.toContain('LOADED-TSX');

  const modules = await run(['modules', '--json']);
  const file = (JSON.parse(modules.stdout) as Array<{ name: string; file: string }>).find((info) => info.name === 'core.copy')?.file;
  expect(file).toBe(path.join(REPO, 'dist', 'tasks', 'core', 'copy.js'));

  // The user's module imports playgraph/src/modules/module.ts from outside the checkout.
  const project = path.join(dir, 'project');
  await cp(path.join(REPO, 'test/fixtures/e2e/installed-project'), project, { recursive: true });
  const out = path.join(dir, 'out');
  const user = await run(['run', path.join(project, 'site.yaml'), '-i', path.join(project, 'inventory.yaml'), '-e', `out_dir=${out}`, '-o', 'plain']);
  expect(user.code, user.stdout + user.stderr).toBe(0);
  expect(user.stderr).toContain('LOADED-TSX');
  expect(await readFile(path.join(out, 'note.txt'), 'utf8')).toBe('noted by localhost\n');
}, 120_000);
