// Roles from data: a project on disk in, the play's tasks, handlers and variables out.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { loadInventory } from '../../../src/inventory/load.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import { roleSearchDirs } from '../../../src/playbook/roles.ts';
import { hostVarsFor } from '../../../src/run/host-vars.ts';
import { taskSearchPath } from '../../../src/run/search-path.ts';

const fixture = 'test/fixtures/e2e/roles/site.yml';
const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-roles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(scratch, 'p-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return path.join(root, 'site.yml');
}

describe('roles', () => {
  it('expands dependencies first, each role once, between pre_tasks and tasks, in one flush with tasks', async () => {
    const play = (await loadPlaybook(fixture, { rolesPath: [] })).plays[0]!;
    expect(play.tasks.map((t) => [t.name ?? t.id, t.role?.name ?? '-', t.flushGroup])).toEqual([
      ['pre', '-', 0],
      ['common', 'common', 1],
      ['web config', 'web', 1],
      ['web static file', 'web', 1],
      ['web log', 'web', 1],
      ['db', 'db', 1],
      ['play task sees role vars and defaults', '-', 1],
      ['db extra', 'db', 1],
    ]);
    expect(play.tasks.find((t) => t.name === 'db')!.tags).toEqual(['db']);
    expect(play.handlers.map((h) => h.name)).toEqual(['restart web', 'play handler']);
  });

  it('layers role defaults under the inventory, role vars over play vars, params over registered results', async () => {
    const play = (await loadPlaybook(fixture, { rolesPath: [] })).plays[0]!;
    const hosts = path.join(scratch, 'hosts.yml');
    writeFileSync(hosts, 'all:\n  hosts:\n    web1:\n      site_name: from-inventory\n      web_greeting: inventory-hi\n');
    const inventory = await loadInventory([hosts]);
    const sources = { inventory, extraVars: {}, registeredFor: () => ({ db_port: 1 }) };
    const task = (name: string) => play.tasks.find((t) => t.name === name)!;
    const web = hostVarsFor(sources, play, ['web1'], 'web1', task('web log')).vars;
    expect([web.web_port, web.web_greeting, web.site_name, web.role_name]).toEqual([9090, 'inventory-hi', 'from-play', 'web']);
    const db = hostVarsFor(sources, play, ['web1'], 'web1', task('db')).vars;
    expect([db.db_port, db.db_note, db.common_marker]).toEqual([5433, 'default-note', 'common-default']);
    const extra = hostVarsFor(sources, play, ['web1'], 'web1', task('db extra')).vars;
    expect(extra.db_port).toBe(1);
  });

  it("looks for a role task's files in its role, then the roles depending on it, then beside the task", async () => {
    const play = (await loadPlaybook(fixture, { rolesPath: [] })).plays[0]!;
    const dirs = taskSearchPath(play, play.tasks.find((t) => t.name === 'common')!);
    expect(dirs.map((d) => path.relative(process.cwd(), d))).toEqual([
      'test/fixtures/e2e/roles/roles/common',
      'test/fixtures/e2e/roles/roles/web',
      'test/fixtures/e2e/roles/roles/common/tasks',
      'test/fixtures/e2e/roles',
    ]);
  });

  it('searches roles/ beside the playbook, then the roles path, then the playbook directory', () => {
    expect(roleSearchDirs('web', '/p', ['/r1', '/r2'])).toEqual(['/p/roles/web', '/r1/web', '/r2/web', '/p/web']);
    expect(roleSearchDirs('/abs/role', '/p', ['/r1'])).toEqual(['/abs/role']);
  });

  it('finds a role on --roles-path and reads main.yaml as well as main.yml', async () => {
    const file = project({ 'site.yml': '- hosts: all\n  roles: [shared]\n', 'elsewhere/shared/tasks/main.yaml': '- command: "true"\n' });
    const play = (await loadPlaybook(file, { rolesPath: [path.join(path.dirname(file), 'elsewhere')] })).plays[0]!;
    expect(play.tasks.map((t) => t.role?.name)).toEqual(['shared']);
  });

  it.each([
    ['- hosts: all\n  roles: [missing]\n', {}, "role 'missing' not found; looked in: "],
    ['- hosts: all\n  roles:\n    - role: r\n      tasks_from: nope\n', { 'roles/r/tasks/main.yml': '[]\n' }, "tasks_from 'nope' not found"],
    ['- hosts: all\n  tasks:\n    - import_role: { name: r }\n      loop: [1]\n', { 'roles/r/tasks/main.yml': '[]\n' }, "import_role: 'loop' is not supported here"],
    ['- hosts: all\n  handlers:\n    - import_role: { name: r }\n', { 'roles/r/tasks/main.yml': '[]\n' }, 'import_role is not supported here'],
  ])('refuses %j', async (playbook, files, message) => {
    const error = await loadPlaybook(project({ 'site.yml': playbook, ...files }), { rolesPath: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });
});
