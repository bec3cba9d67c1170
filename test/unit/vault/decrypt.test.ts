import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultError, VaultKeyring } from '../../../src/vault/keyring.ts';
import { parseEnvelope } from '../../../src/vault/envelope.ts';
import { ansibleVault, decryptFiles, encryptFiles, encryptString, vaultDir } from './ansible-vault.ts';

// Vaults written by Debian's ansible-vault, decrypted by playgraph's own code (Node's crypto):
// the plaintext must be what `ansible-vault decrypt` gives back, byte for byte.

let dir: string;
let pw: (name: string) => string;
const secret = (label: string, password: string) => ({ label, password: Buffer.from(password) });
const MAIN = 'correct horse battery';
// 15, 16 and 17 bytes straddle the AES block (PKCS7 adds a whole block at 16); UTF-8 and lines.
const TEXTS = ['fifteen bytes!!', 'sixteen bytes!!!', 'seventeen bytes!!', 'db_password: "p@ss wörd ✓"\nlist:\n  - a\n  - b\n'];
let files: string[];
let vaults: Record<string, string>;
let labelled: { file: string; vault: string; plaintext: string };
let inline: { file: string; vault: string; plaintext: string };

beforeAll(async () => {
  ({ dir, passwordFile: pw } = await vaultDir({ main: MAIN, prod: 'pr0d-Pässwörd', other: 'nope' }));
  files = TEXTS.map((_, index) => path.join(dir, `plain-${index}.yml`));
  const labelledFile = path.join(dir, 'labelled.yml');
  const [plain, prod, inlineText] = await Promise.all([
    encryptFiles(Object.fromEntries(files.map((file, index) => [file, TEXTS[index]])), pw('main')),
    encryptFiles({ [labelledFile]: 'token: abc\n' }, `prod@${pw('prod')}`),
    encryptString('s3cr3t value\nwith a second line', 'api_token', `dev@${pw('main')}`),
  ]);
  vaults = plain;
  // The vault text of an encrypt_string value, as a file ansible-vault decrypt reads.
  const inlineFile = path.join(dir, 'inline.vault');
  const inlineVault = inlineText.split('\n').slice(1).map((line) => line.trim()).join('\n');
  await writeFile(inlineFile, inlineVault);
  const [decrypted, [prodPlain], [inlinePlain]] = await Promise.all([
    decryptFiles(files, pw('main')),
    decryptFiles([labelledFile], `prod@${pw('prod')}`),
    decryptFiles([inlineFile], `dev@${pw('main')}`),
  ]);
  expect(decrypted).toEqual(TEXTS);
  labelled = { file: labelledFile, vault: prod[labelledFile], plaintext: prodPlain };
  inline = { file: inlineFile, vault: inlineVault, plaintext: inlinePlain };
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('AES256 vaults from ansible-vault', () => {
  it('decrypts format 1.1 files of every padding length, UTF-8 included, as ansible-vault decrypt does', () => {
    const keyring = new VaultKeyring([secret('default', MAIN)]);
    for (const [index, file] of files.entries()) {
      expect(parseEnvelope(vaults[file])).toMatchObject({ version: '1.1', cipher: 'AES256' });
      expect(keyring.decrypt(vaults[file], { file }, 'file')).toBe(TEXTS[index]);
    }
  });

  it('decrypts a 1.2 vault with its label, trying every password when the label matches none, as Ansible does', () => {
    const { file, vault, plaintext } = labelled;
    expect(parseEnvelope(vault)).toMatchObject({ version: '1.2', cipher: 'AES256', label: 'prod' });
    const right = secret('prod', 'pr0d-Pässwörd');
    expect(new VaultKeyring([secret('dev', 'nope'), right]).decrypt(vault, { file }, 'file')).toBe(plaintext);
    // The label is only a hint (it is not authenticated): a password under another label still opens it.
    expect(new VaultKeyring([secret('default', 'nope'), { ...right, label: 'default' }]).decrypt(vault, { file }, 'file')).toBe(plaintext);
    // ANSIBLE_VAULT_ID_MATCH: only the vault's own label is tried.
    expect(() => new VaultKeyring([{ ...right, label: 'default' }], true).decrypt(vault, { file }, 'file')).toThrow(/vault id is 'prod', the vault ids tried: none/);
  });

  it('decrypts an encrypt_string value', () => {
    expect(new VaultKeyring([secret('dev', MAIN)]).decrypt(inline.vault, { file: inline.file, line: 1 }, '!vault value')).toBe(inline.plaintext);
    expect(inline.plaintext).toBe('s3cr3t value\nwith a second line');
  });

  it('refuses a wrong password, naming the place and the vault ids tried', async () => {
    const file = files[0];
    // What Ansible says with the wrong password:
    await expect(ansibleVault(['view', '--vault-password-file', pw('other'), file])).rejects.toThrow(/Decryption failed/);
    let error: unknown;
    try {
      new VaultKeyring([secret('default', 'nope'), secret('x', 'also nope')]).decrypt(vaults[file], { file }, 'file');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).position).toEqual({ file });
    expect((error as Error).message).toBe(`${file}: cannot decrypt this file: no vault password given could decrypt it (wrong password?); its vault id is 'default', the vault ids tried: default, x`);
  }, 60_000);

  it('refuses vault text when no password was given, naming the flags that give one', () => {
    const where = { file: 'group_vars/all.yml', line: 3, column: 7 };
    expect(() => new VaultKeyring().decrypt(vaults[files[0]], where, '!vault value')).toThrow(
      'group_vars/all.yml:3:7: this !vault value is encrypted with Ansible Vault and no vault password was given (use --vault-password-file FILE, --vault-id [label@]FILE, --ask-vault-pass or ANSIBLE_VAULT_PASSWORD_FILE)',
    );
  });

  it('refuses a vault whose ciphertext was altered (its HMAC no longer matches) and malformed vault text', () => {
    const file = files[3];
    const lines = vaults[file].split('\n');
    // The last hex line ends the ciphertext: change its last digit.
    const last = lines.length - 2;
    lines[last] = lines[last].slice(0, -1) + (lines[last].endsWith('0') ? '1' : '0');
    const keyring = new VaultKeyring([secret('default', MAIN)]);
    expect(() => keyring.decrypt(lines.join('\n'), { file }, 'file')).toThrow(/could decrypt it/);
    expect(() => keyring.decrypt('$ANSIBLE_VAULT;1.1;AES256\nxyz\n', { file }, 'file')).toThrow(/unhexlify error/);
    expect(() => keyring.decrypt('$ANSIBLE_VAULT;1.1;AES128\n3031\n', { file }, 'file')).toThrow(/cipher 'AES128' is not supported/);
    expect(() => keyring.decrypt('$ANSIBLE_VAULT\n3031\n', { file }, 'file')).toThrow(/envelope format error/);
  });

  it('remembers each plaintext once and tells listeners, the earlier ones first', () => {
    const keyring = new VaultKeyring();
    keyring.remember('one');
    const heard: string[] = [];
    keyring.onPlaintext((plaintext) => heard.push(plaintext));
    keyring.remember('two');
    keyring.remember('one');
    keyring.remember('');
    expect(heard).toEqual(['one', 'two']);
    expect(keyring.plaintexts).toEqual(['one', 'two']);
  });
});
