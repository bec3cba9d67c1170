import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { finish } from './helpers/compiled-cli.ts';
import { REPO } from './helpers/playgraph.ts';

// Issue 11, item 6: playgraph installed like a tool. `npm pack` (which builds dist/ through
// `prepare`), `npm install -g` of the tarball into a temporary prefix, then the installed
// `playgraph run` from a directory that is neither the checkout nor the project: the core modules
// come from beside the installed package, the user's TypeScript module (loaded through tsx on
// demand, importing zod and playgraph/src/...) and the template from beside the playbook.

let dir: string;
let prefix: string;
let project: string;
let elsewhere: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-pack-e2e-'));
  prefix = path.join(dir, 'prefix');
  project = path.join(dir, 'project');
  elsewhere = path.join(dir, 'elsewhere');
  await cp(path.join(REPO, 'test/fixtures/e2e/installed-project'), project, { recursive: true });
  await mkdir(elsewhere);
  const packed = await finish('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: REPO, timeoutMs: 240_000 });
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = path.join(dir, packed.stdout.trim().split('\n').at(-1)!);
  // --prefer-offline: the dependencies come from npm's cache when it has them (a CI rerun), so
  // the test takes seconds instead of a download.
  const installed = await finish('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: elsewhere,
    timeoutMs: 240_000,
  });
  expect(installed.code, installed.stderr).toBe(0);
}, 480_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('runs a playbook with a user TypeScript module and a template from another directory, then reruns with nothing to do', async () => {
  const bin = path.join(prefix, 'bin', 'playgraph');
  const out = path.join(dir, 'out');
  const args = ['run', path.join(project, 'site.yaml'), '-i', path.join(project, 'inventory.yaml'), '-e', `out_dir=${out}`, '--output', 'plain'];

  const first = await finish(bin, args, { cwd: elsewhere });
  expect(first.code, first.stdout + first.stderr).toBe(0);
  expect(first.stdout).toMatch(/changed=3\b/);
  expect(await readFile(path.join(out, 'motd'), 'utf8')).toBe('Welcome to localhost; written by playgraph from out.\n');
  expect(await readFile(path.join(out, 'note.txt'), 'utf8')).toBe('noted by localhost\n');

  const again = await finish(bin, args, { cwd: elsewhere });
  expect(again.code, again.stdout + again.stderr).toBe(0);
  expect(again.stdout).toMatch(/changed=0\b/);

  // The installed package's own modules, not the checkout's.
  const modules = await finish(bin, ['modules', '--json'], { cwd: elsewhere });
  const core = (JSON.parse(modules.stdout) as Array<{ name: string; file: string }>).find((info) => info.name === 'core.template');
  expect(core?.file).toBe(path.join(prefix, 'lib', 'node_modules', 'playgraph', 'dist', 'tasks', 'core', 'template.js'));
}, 120_000);
