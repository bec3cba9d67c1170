import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryToAnsibleList } from '../../../src/inventory/list.ts';
import { loadInventory } from '../../../src/inventory/load.ts';
import { readVarsFile } from '../../../src/inventory/vars-files.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import { parseExtraVars } from '../../../src/playbook/vars.ts';
import { prepareRun } from '../../../src/run/prepare.ts';
import { VaultKeyring } from '../../../src/vault/keyring.ts';
import { encryptFiles, encryptString, vaultDir } from './ansible-vault.ts';

// Every reader of YAML meets Vault the same way: encrypted vars files (group_vars, vars_files,
// -e @file, role vars, include_vars' reader) and inline !vault values decrypt with the keyring,
// and each plaintext is remembered as a secret. Ansible reads the same project as the reference.

const MAIN = 'main-password';
const DEV = 'dev-password';
let dir: string;
let pw: (name: string) => string;
const keyring = () => new VaultKeyring([{ label: 'default', password: Buffer.from(MAIN) }, { label: 'dev', password: Buffer.from(DEV) }]);
const at = (...parts: string[]) => path.join(dir, ...parts);

beforeAll(async () => {
  ({ dir, passwordFile: pw } = await vaultDir({ main: MAIN, dev: DEV }));
  await mkdir(at('inventory/group_vars/all'), { recursive: true });
  await mkdir(at('roles/r/defaults'), { recursive: true });
  await mkdir(at('roles/r/tasks'), { recursive: true });
  const [hostToken, playToken] = await Promise.all([
    encryptString('host-token-value', 'api_token', `dev@${pw('dev')}`),
    encryptString('play-inline-secret', 'inline_secret', pw('main')),
    encryptFiles(
      {
        [at('inventory/group_vars/all/vault.yml')]: 'db_password: group-vault-pw\nusers:\n  - name: vault-user\n    port: 8080\n',
        [at('encrypted-vars.yml')]: 'from_vars_file: vars-file-secret\n',
        [at('extra.yml')]: 'extra_secret: extra-vault-value\n',
        [at('roles/r/defaults/main.yml')]: 'role_secret: role-default-secret\n',
      },
      pw('main'),
    ),
  ]);
  const indent = (text: string, spaces: number) => text.trimEnd().split('\n').map((line) => ' '.repeat(spaces) + line).join('\n');
  await writeFile(at('inventory/group_vars/all/plain.yml'), 'plain_value: shown\n');
  await writeFile(at('inventory/hosts.yml'), `all:\n  hosts:\n    localhost:\n      ansible_connection: local\n${indent(hostToken, 6)}\n`);
  await writeFile(at('roles/r/tasks/main.yml'), '- command: "true"\n');
  await writeFile(at('play.yml'), `- hosts: all\n  vars:\n${indent(playToken, 4)}\n  vars_files: [encrypted-vars.yml]\n  roles: [r]\n  tasks:\n    - command: "true"\n`);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the inventory with Vault', () => {
  it('decrypts group_vars files and inline host values, as ansible-inventory reads them', async () => {
    const vault = keyring();
    const inventory = await loadInventory([at('inventory/hosts.yml')], { vault });
    const { stdout } = await promisify(execFile)('ansible-inventory', ['-i', at('inventory/hosts.yml'), '--list', '--vault-id', pw('main'), '--vault-id', `dev@${pw('dev')}`]);
    const theirs = JSON.parse(stdout)._meta.hostvars.localhost;
    // ansible-inventory leaves inline values encrypted in its output; they decrypt when used.
    expect(theirs.api_token.__ansible_vault).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;dev\n/);
    expect(inventoryToAnsibleList(inventory)._meta.hostvars.localhost).toEqual({ ...theirs, api_token: 'host-token-value' });
    // Each string of the encrypted file, and the inline value, is a secret; numbers, keys and plain files are not.
    expect(vault.plaintexts.sort()).toEqual(['group-vault-pw', 'host-token-value', 'vault-user']);
  }, 60_000);

  it('refuses encrypted content without a password, naming the file and the flags', async () => {
    await expect(loadInventory([at('inventory/hosts.yml')])).rejects.toThrow(
      `${at('inventory/hosts.yml')}:5:18: this !vault value is encrypted with Ansible Vault and no vault password was given (use --vault-password-file FILE`,
    );
    const onlyDev = new VaultKeyring([{ label: 'dev', password: Buffer.from(DEV) }]);
    await expect(loadInventory([at('inventory/hosts.yml')], { vault: onlyDev })).rejects.toThrow(
      `${at('inventory/group_vars/all/vault.yml')}: cannot decrypt this file: no vault password given could decrypt it (wrong password?)`,
    );
  });
});

describe('playbooks, extra vars and vars files with Vault', () => {
  it('decrypts inline play vars, encrypted vars_files and role defaults', async () => {
    const vault = keyring();
    const playbook = await loadPlaybook(at('play.yml'), { vault, rolesPath: [] });
    const play = playbook.plays[0];
    expect(play.vars).toEqual({ inline_secret: 'play-inline-secret', from_vars_file: 'vars-file-secret' });
    expect(play.roleDefaults).toEqual({ role_secret: 'role-default-secret' });
    expect(vault.plaintexts.sort()).toEqual(['play-inline-secret', 'role-default-secret', 'vars-file-secret']);
  });

  it('decrypts a playbook encrypted whole, as Ansible loads any file', async () => {
    const text = await readFile(at('play.yml'), 'utf8');
    await encryptFiles({ [at('whole.yml')]: text }, pw('main'));
    const playbook = await loadPlaybook(at('whole.yml'), { vault: keyring(), rolesPath: [] });
    expect(playbook.plays[0].vars).toEqual({ inline_secret: 'play-inline-secret', from_vars_file: 'vars-file-secret' });
    await expect(loadPlaybook(at('whole.yml'), { rolesPath: [] })).rejects.toThrow(`${at('whole.yml')}: this file is encrypted with Ansible Vault and no vault password was given`);
  }, 60_000);

  it('refuses a wrong password for an inline value at its line and column', async () => {
    const wrong = new VaultKeyring([{ label: 'default', password: Buffer.from('not it') }]);
    await expect(loadPlaybook(at('play.yml'), { vault: wrong, rolesPath: [] })).rejects.toThrow(
      new RegExp(`^${at('play.yml').replace(/[.]/g, '\\.')}:3:20: cannot decrypt this !vault value: no vault password given could decrypt it`),
    );
  });

  it('decrypts -e @file, and the shared reader include_vars uses', async () => {
    const vault = keyring();
    expect(await parseExtraVars([`@${at('extra.yml')}`, 'x=1'], dir, vault)).toEqual({ extra_secret: 'extra-vault-value', x: '1' });
    expect(await readVarsFile(at('encrypted-vars.yml'), vault)).toEqual({ from_vars_file: 'vars-file-secret' });
    expect(vault.plaintexts.sort()).toEqual(['extra-vault-value', 'vars-file-secret']);
    await expect(parseExtraVars([`@${at('extra.yml')}`], dir)).rejects.toThrow(`${at('extra.yml')}: this file is encrypted with Ansible Vault and no vault password was given`);
  });
});

describe('a prepared run', () => {
  it("masks every plaintext Vault gave, and those a task's include_vars decrypts later", async () => {
    const prepared = await prepareRun({
      playbookFile: at('play.yml'),
      inventorySources: [at('inventory/hosts.yml')],
      extraVarArgs: [`@${at('extra.yml')}`],
      rolesPath: [],
      vault: keyring(),
      cwd: dir,
    });
    for (const plaintext of ['group-vault-pw', 'host-token-value', 'play-inline-secret', 'vars-file-secret', 'extra-vault-value', 'role-default-secret']) {
      expect(prepared.masker.mask(`before ${plaintext} after`)).not.toContain(plaintext);
    }
    expect(prepared.masker.mask('shown 8080')).toBe('shown 8080');
    expect(prepared.masker.mask(`the password is ${MAIN}`)).not.toContain(MAIN);
    await mkdir(at('later'), { recursive: true });
    await encryptFiles({ [at('later/vars.yml')]: 'later_secret: decrypted-while-running\n' }, pw('main'));
    expect(await readVarsFile(at('later/vars.yml'), prepared.vault)).toEqual({ later_secret: 'decrypted-while-running' });
    expect(prepared.masker.mask('x decrypted-while-running')).not.toContain('decrypted-while-running');
  }, 60_000);
});
