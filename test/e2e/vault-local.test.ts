import { spawn } from 'node:child_process';
import { chmod, cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansiblePlaybook } from './helpers/ansible.ts';
import { REPO, playgraph, recapTotals, type PlaygraphRun } from './helpers/playgraph.ts';
import { ansibleVault } from '../unit/vault/ansible-vault.ts';

// An Ansible project that keeps its secrets in Vault (an encrypted group_vars file, an inline
// !vault value in the play's vars, an encrypted -e @file), made with ansible-vault at test time,
// run by ansible-playbook and by playgraph: the files written must agree, and no plaintext may
// appear in anything playgraph prints.

const SECRETS = {
  db: 'db-Pa55-from-group-vault',
  aliceKey: 'alice-key-9f2c',
  bobKey: 'bob-key-51e0',
  token: 'inline-token-7d41',
  extra: 'extra-secret-c0ffee',
};
const MAIN_PASSWORD = 'main vault password';
const DEV_PASSWORD = 'dev-script-password';

let dir: string;
let project: string;
let mainPw: string;
let devScript: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-vault-e2e-'));
  project = path.join(dir, 'project');
  await cp(path.join(REPO, 'test/fixtures/e2e/vault-project'), project, { recursive: true });
  mainPw = path.join(dir, 'main.pw');
  await writeFile(mainPw, `${MAIN_PASSWORD}\n`);
  // The dev password comes from an executable, which both tools run.
  devScript = path.join(dir, 'dev-password.sh');
  await writeFile(devScript, `#!/bin/sh\necho '${DEV_PASSWORD}'\n`);
  await chmod(devScript, 0o755);

  const vaultFile = path.join(project, 'group_vars/all/vault.yml');
  await writeFile(vaultFile, `db_password: ${SECRETS.db}\nvault_users:\n  - { name: alice, key: ${SECRETS.aliceKey} }\n  - { name: bob, key: ${SECRETS.bobKey} }\n`);
  const extraFile = path.join(dir, 'extra.yml');
  await writeFile(extraFile, `extra_secret: ${SECRETS.extra}\n`);
  const [, , inline] = await Promise.all([
    ansibleVault(['encrypt', '--vault-password-file', mainPw, vaultFile]),
    ansibleVault(['encrypt', '--vault-id', `extra@${mainPw}`, extraFile]),
    ansibleVault(['encrypt_string', '--vault-id', `dev@${devScript}`, SECRETS.token]),
  ]);
  const site = path.join(project, 'site.yml');
  const indented = inline.trimEnd().split('\n').map((line, index) => (index === 0 ? line : `    ${line}`)).join('\n');
  await writeFile(site, (await readFile(site, 'utf8')).replace('INLINE_VAULT', indented));
  expect(await readFile(vaultFile, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
  expect(await readFile(extraFile, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;extra\n/);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const passwords = () => ['--vault-password-file', mainPw, '--vault-id', `dev@${devScript}`];
const args = (out: string, ...more: string[]) => [
  'run', path.join(project, 'site.yml'), '-i', path.join(project, 'hosts.yml'), '-e', `@${path.join(dir, 'extra.yml')}`, '-e', `out_dir=${out}`, ...more,
];

/** Each file in the directory, and the directory itself: mode and content. */
async function tree(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = { '.': ((await stat(root)).mode & 0o777).toString(8) };
  for (const name of (await readdir(root)).sort()) {
    const full = path.join(root, name);
    files[name] = `${((await stat(full)).mode & 0o777).toString(8)} ${await readFile(full, 'utf8')}`;
  }
  return files;
}

function expectNoPlaintext(run: PlaygraphRun): void {
  for (const plaintext of [...Object.values(SECRETS), MAIN_PASSWORD, DEV_PASSWORD]) {
    expect(run.stdout, `stdout shows ${plaintext}`).not.toContain(plaintext);
    expect(run.stderr, `stderr shows ${plaintext}`).not.toContain(plaintext);
  }
}

describe('an Ansible project with Vault', () => {
  it('writes what ansible-playbook writes, and prints no plaintext in plain, json and --check --diff output', async () => {
    const theirs = path.join(dir, 'out-ansible');
    const ansible = await ansiblePlaybook([...args(theirs).slice(1), ...passwords()]);
    expect(ansible.code, ansible.stdout).toBe(0);

    const ours = path.join(dir, 'out-playgraph');
    const check = await playgraph([...args(ours, '--check', '--diff', '-o', 'plain'), ...passwords()]);
    expect(check.code, check.stderr).toBe(0);
    expectNoPlaintext(check);
    // The diff is there, with what is not secret in clear.
    expect(check.stdout).toContain('hello visible-setting');
    await expect(stat(ours)).rejects.toThrow();

    const run = await playgraph([...args(ours, '-o', 'plain', '--diff'), ...passwords()]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectNoPlaintext(run);
    expect(await tree(ours)).toEqual(await tree(theirs));
    expect((await tree(ours))['secrets.txt']).toBe(`600 db=${SECRETS.db} token=${SECRETS.token} extra=${SECRETS.extra}\n`);

    const again = await playgraph([...args(ours, '-o', 'json'), ...passwords()]);
    expect(again.code, again.stderr).toBe(0);
    expect(recapTotals(again).changed).toBe(0);
    expectNoPlaintext(again);
  });

  it('takes the passwords from ANSIBLE_VAULT_PASSWORD_FILE and a prompt answered on stdin', async () => {
    const out = path.join(dir, 'out-prompt');
    const child = spawn(process.execPath, [path.join(REPO, 'bin/playgraph.js'), ...args(out, '-o', 'plain'), '--vault-id', 'dev@prompt'], {
      env: { ...process.env, ANSIBLE_VAULT_PASSWORD_FILE: mainPw },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(`${DEV_PASSWORD}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stdout + stderr).toBe(0);
    expect(stderr).toContain('Vault password (dev): ');
    expectNoPlaintext({ code: code ?? -1, stdout, stderr, events: [] });
    expect(await readFile(path.join(out, 'secrets.txt'), 'utf8')).toContain(SECRETS.token);
  });

  it('refuses a wrong password and a missing one with exit 4, naming the file, before anything is written', async () => {
    // (An inline value's file:line:column is checked in test/unit/vault/loaders.test.ts.)
    const out = path.join(dir, 'out-refused');
    const wrongPw = path.join(dir, 'wrong.pw');
    await writeFile(wrongPw, 'not the password\n');
    const wrong = await playgraph([...args(out, '-o', 'json'), '--vault-password-file', wrongPw, '--vault-id', `dev@${devScript}`]);
    expect(wrong.code).toBe(4);
    // Inventory, playbook and extra vars are read side by side: either encrypted file is named first.
    const named = [path.join(project, 'group_vars/all/vault.yml'), path.join(dir, 'extra.yml')].map((file) => `ERROR: ${file}: cannot decrypt this file: no vault password given could decrypt it`);
    expect(named.some((line) => wrong.stderr.includes(line)), wrong.stderr).toBe(true);
    expect(wrong.events).toEqual([expect.objectContaining({ type: 'input-error', exitCode: 4 })]);
    expect(wrong.stderr).not.toMatch(/\n\s+at /);

    const none = await playgraph(args(out));
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/is encrypted with Ansible Vault and no vault password was given \(use --vault-password-file FILE, --vault-id \[label@\]FILE, --ask-vault-pass or ANSIBLE_VAULT_PASSWORD_FILE\)/);
    await expect(stat(out)).rejects.toThrow();
  });
});
