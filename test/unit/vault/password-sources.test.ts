import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVaultKeyring, type VaultPasswordOptions } from '../../../src/vault/password-sources.ts';
import { encryptFiles, passwordScript, vaultDir } from './ansible-vault.ts';

// Where passwords come from, in Ansible's order and with its reading of files and scripts; each
// source is checked by decrypting a vault ansible-vault made with that same source.

let dir: string;
let pw: (name: string) => string;
let vaults: Record<string, string>;
const at = (name: string) => path.join(dir, name);

beforeAll(async () => {
  ({ dir, passwordFile: pw } = await vaultDir({ main: '  spaced-out password  ', accent: 'voilà' }));
  await passwordScript(at('script.sh'), 'from-the-script');
  // A client script is told the vault id it is asked for; an unknown one is its exit code 2.
  await writeFile(at('keys-client.sh'), '#!/bin/sh\ncase "$2" in prod) printf "prod-from-client\\n" ;; *) exit 2 ;; esac\n');
  await chmod(at('keys-client.sh'), 0o755);
  await writeFile(at('failing.sh'), '#!/bin/sh\nexit 3\n');
  await chmod(at('failing.sh'), 0o755);
  const [file, script, client, accent] = await Promise.all([
    encryptFiles({ [at('by-file.yml')]: 'a: by-file\n' }, pw('main')),
    encryptFiles({ [at('by-accent.yml')]: 'a: by-accent\n' }, pw('accent')),
    encryptFiles({ [at('by-script.yml')]: 'a: by-script\n' }, at('script.sh')),
    encryptFiles({ [at('by-client.yml')]: 'a: by-client\n' }, `prod@${at('keys-client.sh')}`),
  ]);
  vaults = { ...file, ...script, ...client, ...accent };
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

async function load(options: VaultPasswordOptions, env: NodeJS.ProcessEnv = {}, answers: string[] = []) {
  const warnings: string[] = [];
  const prompts: string[] = [];
  const keyring = await loadVaultKeyring(options, {
    env,
    cwd: dir,
    prompt: async (message) => (prompts.push(message), answers.shift() ?? ''),
    warn: (message) => warnings.push(message),
  });
  const open = (name: string) => keyring.decrypt(vaults[at(name)], { file: at(name) }, 'file');
  return { keyring, warnings, prompts, open };
}

describe('vault passwords', () => {
  it('reads a password file stripped of surrounding whitespace, as Ansible does, relative to the current directory', async () => {
    const { keyring, open } = await load({ vaultPasswordFiles: ['pw-main'] });
    expect(keyring.secrets.map((s) => [s.label, s.password.toString()])).toEqual([['default', 'spaced-out password']]);
    expect(open('by-file.yml')).toBe('a: by-file\n');
    // UTF-8 bytes are never whitespace: `à` ends in 0xA0, Latin-1's no-break space.
    expect((await load({ vaultPasswordFiles: ['pw-accent'] })).open('by-accent.yml')).toBe('a: by-accent\n');
  });

  it('runs an executable password file and takes its output; a client script is told the vault id', async () => {
    expect((await load({ vaultPasswordFiles: [at('script.sh')] })).open('by-script.yml')).toBe('a: by-script\n');
    const client = await load({ vaultIds: [`prod@${at('keys-client.sh')}`] });
    expect(client.keyring.secrets.map((s) => [s.label, s.password.toString()])).toEqual([['prod', 'prod-from-client']]);
    expect(client.open('by-client.yml')).toBe('a: by-client\n');
    await expect(load({ vaultIds: [`dev@${at('keys-client.sh')}`] })).rejects.toThrow(`vault password client script ${at('keys-client.sh')} did not find a secret for vault-id=dev`);
    await expect(load({ vaultPasswordFiles: [at('failing.sh')] })).rejects.toThrow(`vault password script ${at('failing.sh')} returned non-zero (3)`);
  });

  it("takes the sources in Ansible's order: identity list, --vault-id, password files, the environment's, then the prompt", async () => {
    const { keyring, prompts } = await load(
      { vaultIds: [`cli@${pw('main')}`, 'asked@prompt'], vaultPasswordFiles: [at('script.sh')], askVaultPass: true },
      { ANSIBLE_VAULT_IDENTITY_LIST: `listed@${pw('main')}`, ANSIBLE_VAULT_PASSWORD_FILE: pw('main') },
      ['  typed one ', 'typed two'],
    );
    expect(keyring.secrets.map((s) => [s.label, s.password.toString()])).toEqual([
      ['listed', 'spaced-out password'],
      ['cli', 'spaced-out password'],
      ['asked', 'typed one'],
      ['default', 'from-the-script'],
      ['default', 'spaced-out password'],
      ['default', 'typed two'],
    ]);
    expect(prompts).toEqual(['Vault password (asked): ', 'Vault password: ']);
    await expect(load({ askVaultPass: true }, {}, [''])).rejects.toThrow(/invalid vault password was provided/);
  });

  it('warns of a missing password file while another gives a password, and fails when none does', async () => {
    const { keyring, warnings } = await load({ vaultIds: [`gone@${at('missing')}`, pw('main')] });
    expect(keyring.secrets.map((s) => s.label)).toEqual(['default']);
    expect(warnings).toEqual([`Error getting vault password file (gone): the vault password file ${at('missing')} was not found`]);
    await expect(load({ vaultPasswordFiles: ['missing'] })).rejects.toThrow(`the vault password file ${at('missing')} was not found`);
    await writeFile(at('empty'), '\n\n');
    await expect(load({ vaultPasswordFiles: ['empty'] })).rejects.toThrow(`invalid vault password was provided from file (${at('empty')})`);
  });

  it('gives an empty keyring when no source is given', async () => {
    expect((await load({})).keyring.secrets).toEqual([]);
  });
});
