import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// Debian's ansible-vault makes the test data at test time and says what each vault holds: the
// reference every decryption here is compared with.

const run = promisify(execFile);

export async function ansibleVault(args: string[], options: { cwd?: string } = {}): Promise<string> {
  const { stdout } = await run('ansible-vault', args, { cwd: options.cwd, env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  return stdout;
}

/** A fresh directory with password files `pw-<name>` for each password given. */
export async function vaultDir(passwords: Record<string, string>): Promise<{ dir: string; passwordFile: (name: string) => string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pg-vault-'));
  for (const [name, password] of Object.entries(passwords)) await writeFile(path.join(dir, `pw-${name}`), `${password}\n`);
  return { dir, passwordFile: (name) => path.join(dir, `pw-${name}`) };
}

/** Writes each file's text and encrypts them in place with one `ansible-vault encrypt`; returns the vault texts. */
export async function encryptFiles(files: Record<string, string>, vaultId: string): Promise<Record<string, string>> {
  for (const [file, text] of Object.entries(files)) await writeFile(file, text);
  await ansibleVault(['encrypt', '--vault-id', vaultId, ...Object.keys(files)]);
  const vaults: Record<string, string> = {};
  for (const file of Object.keys(files)) vaults[file] = await readFile(file, 'utf8');
  return vaults;
}

/**
 * What Ansible reads from each vault file, byte for byte: copies decrypted in place by one
 * `ansible-vault decrypt` (`view` adds a newline).
 */
export async function decryptFiles(files: string[], vaultId: string): Promise<string[]> {
  const copies = files.map((file) => `${file}.decrypted`);
  for (const [index, file] of files.entries()) await copyFile(file, copies[index]);
  await ansibleVault(['decrypt', '--vault-id', vaultId, ...copies]);
  return Promise.all(copies.map((copy) => readFile(copy, 'utf8')));
}

/** `name: !vault |` and the vault text, as `ansible-vault encrypt_string` prints it. */
export async function encryptString(value: string, name: string, vaultId: string): Promise<string> {
  return `${(await ansibleVault(['encrypt_string', '--vault-id', vaultId, '--name', name, value])).trimEnd()}\n`;
}

/** An executable password script that prints `password` (no trailing newline, as a script may). */
export async function passwordScript(file: string, password: string): Promise<string> {
  await writeFile(file, `#!/bin/sh\nprintf '%s' '${password}'\n`);
  await chmod(file, 0o755);
  return file;
}
