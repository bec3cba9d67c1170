// Issue 9's leak test: a playbook full of secrets (named in inventory, play vars, extra vars and
// an env lookup; derived through b64encode, upper, reverse and concatenation; a no_log task's
// result shown later; a failing command echoing one; a --check --diff on a file whose old content
// holds one; an inventory line that does not parse) run through every output. None may appear,
// while the run's exit codes, counts and ordinary values (`1`, `app`) are shown as they are.
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, nodeEnds, playgraph, recapTotals, type PlaygraphRun } from './helpers/playgraph.ts';

const NAMED = {
  db_pwd: 'Pw-db-7731',
  apikey: 'Ak-5512-zz',
  credentials: 'Cr-4471-qq',
  ssh_key: 'Sk-9001-key',
  access_key: 'Ac-3380-kk',
  auth_key: 'Au-6621-aa',
  api_token: 'Tk-env-5150', // through lookup('env', ...)
  ansible_become_password: 'Bp-inv-2718', // in the inventory
  extra_secret: 'Ex-cli-1414', // -e
};
// From a group_vars file encrypted by Debian's ansible-vault: a secret by its source, not its name.
const VAULTED = 'Vt-vault-6060';
const NO_LOG_OUTPUT = 'Nl-out-8842';
const SET_FACT_NO_LOG = 'Sf-nolog-7070'; // set by a no_log set_fact, under a name that marks nothing
const ROTATED = 'Rot-old-4432'; // a file's old password the run was never told
const BAD_LINE_PASSWORD = 'Bad-line-9393';
const reverse = (text: string) => [...text].reverse().join('');
const b64 = (text: string) => Buffer.from(text).toString('base64');
const DERIVED = [
  b64(NAMED.db_pwd), NAMED.apikey.toUpperCase(), reverse(NAMED.ssh_key), `app:${NAMED.auth_key}`, b64(NAMED.credentials),
  reverse(NAMED.db_pwd), NAMED.api_token.toLowerCase(), b64(NO_LOG_OUTPUT), NAMED.access_key.toUpperCase(), VAULTED.toUpperCase(),
  reverse(NO_LOG_OUTPUT), b64(`app:${NAMED.db_pwd}`),
];
const SECRETS = [...Object.values(NAMED), VAULTED, NO_LOG_OUTPUT, SET_FACT_NO_LOG, ROTATED, BAD_LINE_PASSWORD, ...DERIVED];

let dir: string;
let inventory: string;
let playbook: string;
let vaultPasswordFile: string;

const PLAYBOOK = `
- name: secrets
  hosts: all
  vars:
    db_pwd: ${NAMED.db_pwd}
    apikey: ${NAMED.apikey}
    credentials: ${NAMED.credentials}
    ssh_key: ${NAMED.ssh_key}
    access_key: ${NAMED.access_key}
    auth_key: ${NAMED.auth_key}
    api_token: "{{ lookup('env', 'LEAK_TEST_TOKEN') }}"
    passenger_count: 1
    tokenizer: app
    # Not secret-named, templated from one: a secret by value.
    conn_string: "postgres://{{ tokenizer }}:{{ db_pwd | reverse }}@db"
  tasks:
    - id: derived
      command: "echo {{ db_pwd | b64encode }} {{ apikey | upper }} {{ ssh_key | reverse }} {{ tokenizer }}:{{ auth_key }} {{ conn_string }}"
      register: derived_out
      changed_when: false
    - id: ordinary
      command: "echo count={{ passenger_count }} name={{ tokenizer }} {{ vault_conn }} {{ vault_conn | upper }}"
      register: ordinary_out
      changed_when: false
    - id: secret-source
      command: "cat {{ work }}/no-log-source"
      register: hidden_out
      no_log: true
      changed_when: false
    - id: shown-later
      copy:
        dest: "{{ work }}/shown.txt"
        content: "{{ derived_out.stdout }} {{ hidden_out.stdout }} {{ hidden_out.stdout | b64encode }} {{ api_token | lower }} {{ extra_secret }} {{ ordinary_out.stdout }}\\n"
    - id: config
      copy:
        dest: "{{ work }}/app.conf"
        content: "user={{ tokenizer }}\\ncount={{ passenger_count }}\\nconnect={{ credentials | b64encode }}\\n"
    - id: templated
      template: { src: app.j2, dest: "{{ work }}/templated.conf" }
    - id: hidden-fact
      set_fact: { session_id: ${SET_FACT_NO_LOG} }
      no_log: true
    - id: show-hidden
      debug: { var: hidden_out }
    - id: show-derived
      debug: { msg: "{{ hidden_out.stdout | reverse }} {{ session_id }} count={{ passenger_count }} name={{ tokenizer }}" }
    - id: echo-and-fail
      shell: "echo {{ access_key | upper }}; echo {{ ssh_key }} >&2; exit 3"
`;

function leaks(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

function expectNoLeak(run: PlaygraphRun, what: string): void {
  expect(leaks(run.stdout + run.stderr), `${what}:\n${run.stdout}\n${run.stderr}`).toEqual([]);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pg-secrets-leak-'));
  inventory = path.join(dir, 'inventory', 'hosts.ini');
  await mkdir(path.join(dir, 'inventory', 'group_vars'), { recursive: true });
  await writeFile(inventory, `[web]\nlocalhost ansible_connection=local ansible_become_password=${NAMED.ansible_become_password}\n`);
  vaultPasswordFile = path.join(dir, 'vault-pass');
  await writeFile(vaultPasswordFile, 'leak-test-vault-password\n');
  const vaulted = path.join(dir, 'inventory', 'group_vars', 'web.yml');
  await writeFile(vaulted, `vault_conn: ${VAULTED}\n`);
  execFileSync('ansible-vault', ['encrypt', '--vault-password-file', vaultPasswordFile, vaulted], { stdio: 'ignore' });
  playbook = path.join(dir, 'play.yaml');
  await writeFile(playbook, PLAYBOOK);
  await writeFile(path.join(dir, 'app.j2'), "user={{ tokenizer }}\nauth={{ (tokenizer ~ ':' ~ db_pwd) | b64encode }}\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A work directory of its own for one run, so runs go side by side. */
async function freshWork(name: string): Promise<string> {
  const work = path.join(dir, name);
  await mkdir(work, { recursive: true });
  await writeFile(path.join(work, 'no-log-source'), `${NO_LOG_OUTPUT}\n`);
  // The old config holds a password the run knows and one it was never told.
  await writeFile(path.join(work, 'app.conf'), `user=app\nconnect ${NAMED.db_pwd} now\nold_password=${ROTATED}\n`);
  return work;
}

function runArgs(work: string, args: string[]): string[] {
  return ['run', playbook, '-i', inventory, '--vault-password-file', vaultPasswordFile, '-e', `work=${work}`, '-e', `extra_secret=${NAMED.extra_secret}`, ...args];
}

const ENV = { LEAK_TEST_TOKEN: NAMED.api_token };

/** The TTY reporter on a real pseudo-terminal (script(1)), with its colors and live view. */
async function ttyRun(work: string): Promise<{ code: number; output: string }> {
  const command = [process.execPath, path.join(REPO, 'bin', 'playgraph.js'), ...runArgs(work, ['--diff', '--output', 'tty'])]
    .map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  return new Promise((resolve, reject) => {
    execFile('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...ENV, TERM: 'xterm' } }, (error, stdout) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, output: stdout });
    });
  });
}

describe('no output shows a secret, every output shows the rest', () => {
  it('--check --diff and real runs with --diff in plain, json and tty', async () => {
    const [checkWork, checkJsonWork, plainWork, jsonWork, ttyWork] = await Promise.all(['check', 'check-json', 'plain', 'json', 'tty'].map(freshWork));
    const [checked, checkedJson, plain, json, tty] = await Promise.all([
      playgraph(runArgs(checkWork, ['--check', '--diff', '--output', 'plain']), { env: ENV }),
      playgraph(runArgs(checkJsonWork, ['--check', '--diff', '--output', 'json']), { env: ENV }),
      playgraph(runArgs(plainWork, ['--diff', '--output', 'plain']), { env: ENV }),
      playgraph(runArgs(jsonWork, ['--diff', '--output', 'json']), { env: ENV }),
      ttyRun(ttyWork),
    ]);

    expectNoLeak(checked, '--check --diff');
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    // The old file's line with the known password is shown masked, the unknown old one too, the rest as it is.
    expect(checked.stdout).toMatch(/^ user=app$/m);
    expect(checked.stdout).toMatch(/^\+count=1$/m);
    expect(checked.stdout).toMatch(/^-connect \*{8} now$/m);
    expect(checked.stdout).toMatch(/^-old_password=\*{8}$/m);
    expect(checked.stdout).toMatch(/^\+connect=\*{8}$/m);
    // A template file: its ordinary lines shown, what it derives from a secret not.
    expect(checked.stdout).toMatch(/^\+user=app\n\+auth=\*{8}$/m);
    expect(await readFile(path.join(checkWork, 'app.conf'), 'utf8')).toContain(ROTATED); // --check changed nothing

    expectNoLeak(checkedJson, '--check --diff --output json');
    const planned = nodeEnds(checkedJson).find((end) => end.node.taskId === 'config')!;
    expect(planned).toMatchObject({ status: 'changed', planned: true });
    expect(planned.files?.[0].before).toBe('user=app\nconnect ******** now\nold_password=********\n');

    expectNoLeak(plain, 'plain');
    expect(plain.code, plain.stdout + plain.stderr).toBe(2);
    expect(plain.stdout).toContain('command failed (exit 3)');
    expect(plain.stdout).toContain('run echo count=1 name=app ******** ********');
    expect(plain.stdout).toMatch(/ok=6 changed=3 failed=1/);
    // A registered no_log result shown later: its values masked, its bookkeeping as it is.
    expect(plain.stdout).toMatch(/"stdout": "\*{8}",/);
    expect(plain.stdout).toMatch(/"rc": 0,/);
    expect(plain.stdout).toContain('"msg": "******** ******** count=1 name=app"');
    // What the run wrote holds the real values: masking is output's, not the data's.
    const shown = await readFile(path.join(plainWork, 'shown.txt'), 'utf8');
    expect(shown).toContain(NO_LOG_OUTPUT);
    expect(shown).toContain(b64(NAMED.db_pwd));
    expect(shown).toContain(`count=1 name=app ${VAULTED}`);

    expectNoLeak(json, 'json');
    expect(json.code).toBe(2);
    expect(recapTotals(json)).toMatchObject({ failed: 1, changed: 3, ok: 6 });
    const ended = Object.fromEntries(nodeEnds(json).map((end) => [end.node.taskId, end]));
    expect(ended['echo-and-fail'].status).toBe('failed');
    expect(ended['echo-and-fail'].message).toMatch(/command failed \(exit 3\)/);
    expect(ended['secret-source'].status).toBe('ok');

    expect(leaks(tty.output), tty.output).toEqual([]);
    expect(tty.code).toBe(2);
    expect(tty.output).toContain('exit 3');
  });

  it('bad input is reported without its secrets: an inventory line that does not parse, a param refused before the run', async () => {
    const bad = path.join(dir, 'bad.ini');
    await writeFile(bad, `[web]\nlocalhost ansible_connection=local ansible_become_password='${BAD_LINE_PASSWORD}\n`);
    const refused = path.join(dir, 'refused.yaml');
    await writeFile(refused, `- hosts: all\n  vars: { db_pwd: ${NAMED.db_pwd} }\n  tasks:\n    - copy: { src: "{{ db_pwd | upper }}-{{ db_pwd }}", dest: /nonexistent/x }\n`);
    const [badInventory, badParam] = await Promise.all([
      playgraph(['run', playbook, '-i', bad, '--output', 'json']),
      playgraph(['run', refused, '-i', inventory, '--vault-password-file', vaultPasswordFile, '--output', 'json']),
    ]);
    expect(badInventory.code).toBe(4);
    expectNoLeak(badInventory, 'bad inventory');
    expect(badInventory.stderr).toMatch(/bad\.ini:2: Error parsing host definition .*ansible_become_password='\*{8}.*No closing quotation/);
    expect(badInventory.stdout).toContain('"type":"input-error"');
    expect(badParam.code).toBe(4);
    expect(leaks(badParam.stdout + badParam.stderr).concat(badParam.stderr.includes(NAMED.db_pwd.toUpperCase()) ? ['upper'] : [])).toEqual([]);
    expect(badParam.stderr).toMatch(/refused\.yaml:4:\d+: copy src '\*{8}-\*{8}' not found on the controller/);
  });

  it('playgraph inventory --list masks secrets unless --show-secrets', async () => {
    const vault = ['--vault-password-file', vaultPasswordFile];
    const [listed, shown, host] = await Promise.all([
      playgraph(['inventory', '-i', inventory, ...vault, '--list']),
      playgraph(['inventory', '-i', inventory, ...vault, '--list', '--show-secrets']),
      playgraph(['inventory', '-i', inventory, ...vault, '--host', 'localhost']),
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)._meta.hostvars.localhost).toEqual({ ansible_connection: 'local', ansible_become_password: '********', vault_conn: '********' });
    expect(JSON.parse(shown.stdout)._meta.hostvars.localhost).toMatchObject({ ansible_become_password: NAMED.ansible_become_password, vault_conn: VAULTED });
    expect(leaks(host.stdout)).toEqual([]);
    expect(JSON.parse(host.stdout).ansible_connection).toBe('local');
  });
});
