import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerFileCandidates, findControllerFile, type ControllerSubdir } from '../../../src/modules/controller-files.ts';
import { ansiblePython } from '../playbook/jinja-oracle/oracle.ts';

// Where copy and template look for `src`: from data, and against Ansible's own
// DataLoader.path_dwim_relative_stack (Debian's `ansible`, which the test command installs).

describe('controllerFileCandidates', () => {
  it.each<[string, string[], ControllerSubdir, string, string[]]>([
    ['a play task: files/, then beside the playbook', ['/p'], 'files', 'motd.txt', ['/p/files/motd.txt', '/p/motd.txt']],
    ['templates/ for a template', ['/p'], 'templates', 'node.conf.j2', ['/p/templates/node.conf.j2', '/p/node.conf.j2']],
    [
      'an imported tasks file: its own directory first, then the playbook\'s',
      ['/p/tasks', '/p'],
      'files',
      'a.txt',
      ['/p/tasks/files/a.txt', '/p/tasks/a.txt', '/p/files/a.txt', '/p/a.txt'],
    ],
    [
      'a role prepended: the role\'s files/ before anything of the playbook',
      ['/p/roles/web', '/p/roles/web/tasks', '/p'],
      'files',
      'index.html',
      ['/p/roles/web/files/index.html', '/p/roles/web/index.html', '/p/roles/web/tasks/files/index.html', '/p/roles/web/tasks/index.html', '/p/files/index.html', '/p/index.html'],
    ],
    ['a src that already says files/ still gets files/ in front first (as Ansible under Python 3)', ['/p'], 'files', 'files/a.txt', ['/p/files/files/a.txt', '/p/files/a.txt']],
    ['a nested src', ['/p'], 'templates', 'redis/7300.conf.j2', ['/p/templates/redis/7300.conf.j2', '/p/redis/7300.conf.j2']],
    ['one directory twice is looked in once', ['/p', '/p'], 'files', 'a', ['/p/files/a', '/p/a']],
    ['an absolute path as it is', ['/p'], 'files', '/etc/hosts', ['/etc/hosts']],
    ['an absolute path, normalized', ['/p'], 'files', '/srv/./x/../a.txt', ['/srv/a.txt']],
  ])('%s', (_name, searchPath, subdir, src, expected) => {
    expect(controllerFileCandidates(searchPath, subdir, src)).toEqual(expected);
  });

  it('expands ~ and $VAR in an absolute path, as unfrackpath', () => {
    const env = { HOME: '/home/ops', SITE: 'prod' };
    expect(controllerFileCandidates(['/p'], 'files', '~/keys/id.pub', env)).toEqual(['/home/ops/keys/id.pub']);
    expect(controllerFileCandidates(['/p'], 'files', '/srv/$SITE/${SITE}.conf', env)).toEqual(['/srv/prod/prod.conf']);
    expect(controllerFileCandidates(['/p'], 'files', '/srv/$UNSET/a', env)).toEqual(['/srv/$UNSET/a']);
  });
});

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'pg-controller-files-'));
  for (const file of ['play/templates/a.j2', 'play/a.j2', 'play/b.j2', 'play/tasks/files/only-here.txt', 'play/files/conf.d/x', 'abs.txt']) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), file);
  }
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('findControllerFile', () => {
  it('takes the first candidate that exists, and says where it looked', async () => {
    const play = path.join(root, 'play');
    expect(await findControllerFile([play], 'templates', 'a.j2')).toEqual({
      found: path.join(play, 'templates/a.j2'),
      directory: false,
      searched: [path.join(play, 'templates/a.j2'), path.join(play, 'a.j2')],
    });
    expect((await findControllerFile([play], 'templates', 'b.j2')).found).toBe(path.join(play, 'b.j2'));
    expect((await findControllerFile([path.join(play, 'tasks'), play], 'files', 'only-here.txt')).found).toBe(path.join(play, 'tasks/files/only-here.txt'));
  });

  it('finds nothing, listing every place, when no candidate exists', async () => {
    const play = path.join(root, 'play');
    expect(await findControllerFile([play], 'files', 'nope.txt')).toEqual({
      found: undefined,
      directory: false,
      searched: [path.join(play, 'files/nope.txt'), path.join(play, 'nope.txt')],
    });
  });

  it('finds a directory as Ansible does, and says it is one', async () => {
    expect(await findControllerFile([path.join(root, 'play')], 'files', 'conf.d')).toMatchObject({ found: path.join(root, 'play/files/conf.d'), directory: true });
  });
});

// CI installs Ansible: there a missing oracle is a failure. A developer machine without it skips.
const python = ansiblePython();
const ORACLE = fileURLToPath(new URL('./find-needle-with-ansible.py', import.meta.url));

describe.runIf(python !== undefined || process.env.CI !== undefined)('the lookup order is Ansible\'s (oracle: DataLoader.path_dwim_relative_stack)', () => {
  // Ansible's search stack is the task's search path; its basedir (the play's directory) comes last.
  const cases = () => {
    const play = path.join(root, 'play');
    const role = path.join(root, 'roles', 'web');
    return [
      { paths: [play], basedir: play, subdir: 'files' as const, src: 'missing.txt' },
      { paths: [path.join(play, 'tasks')], basedir: play, subdir: 'templates' as const, src: 'missing.j2' },
      { paths: [role, path.join(role, 'tasks')], basedir: play, subdir: 'files' as const, src: 'missing.txt' },
      { paths: [play], basedir: play, subdir: 'files' as const, src: 'files/missing.txt' },
      { paths: [play], basedir: play, subdir: 'templates' as const, src: 'sub/dir/missing.j2' },
      { paths: [play], basedir: play, subdir: 'templates' as const, src: 'a.j2' },
      { paths: [play], basedir: play, subdir: 'templates' as const, src: 'b.j2' },
      { paths: [path.join(play, 'tasks')], basedir: play, subdir: 'files' as const, src: 'only-here.txt' },
      { paths: [play], basedir: play, subdir: 'files' as const, src: path.join(root, 'abs.txt') },
    ];
  };

  it('looks in the same places, in the same order, and finds the same file', async () => {
    expect(python, 'python3 with the ansible package (apt install ansible)').toBeDefined();
    const ansible = JSON.parse(execFileSync(python!, [ORACLE], { input: JSON.stringify(cases()), encoding: 'utf8' })) as ({ found: string } | { searched: string[] })[];
    for (const [index, testCase] of cases().entries()) {
      const ours = await findControllerFile([...testCase.paths, testCase.basedir], testCase.subdir, testCase.src);
      const theirs = ansible[index]!;
      if ('found' in theirs) expect(ours.found, JSON.stringify(testCase)).toBe(theirs.found);
      else {
        expect(ours.found, JSON.stringify(testCase)).toBeUndefined();
        // Ansible lists the basedir again when it is also on the stack; we list each place once.
        expect(ours.searched, JSON.stringify(testCase)).toEqual([...new Set(theirs.searched.map((p) => path.normalize(p)))]);
      }
    }
  });
});
