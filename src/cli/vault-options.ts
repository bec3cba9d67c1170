import type { Command } from 'commander';
import { SecretMasker } from '../run/secrets.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { loadVaultKeyring } from '../vault/password-sources.ts';
import { promptPassword } from '../vault/prompt.ts';
import type { CliIo } from './io.ts';

/** The vault flags of `run`, `graph` and `inventory`, with ansible-playbook's names. */
export interface VaultCliOptions {
  vaultId?: string[];
  vaultPasswordFile?: string[];
  askVaultPass?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addVaultOptions(command: Command): Command {
  return command
    .option('--vault-id <[label@]source>', 'a vault password: a file, an executable that prints it, or "prompt" (repeatable)', collect, undefined)
    .option('--vault-password-file <file>', 'vault password file, or an executable that prints it (repeatable; also ANSIBLE_VAULT_PASSWORD_FILE)', collect, undefined)
    .option('-J, --ask-vault-pass', 'ask for the vault password');
}

/** Reads every vault password the flags and environment give, before anything else is read. */
export function openVault(options: VaultCliOptions, io: CliIo): Promise<VaultKeyring> {
  return loadVaultKeyring(
    { vaultIds: options.vaultId, vaultPasswordFiles: options.vaultPasswordFile, askVaultPass: options.askVaultPass },
    {
      env: process.env,
      cwd: process.cwd(),
      prompt: (message) => promptPassword(message, process.stdin, io.stderr),
      warn: (message) => io.stderr.write(`[WARNING]: ${message}\n`),
    },
  );
}

/** A masker of every plaintext the keyring decrypted: an input error met later must not show one. */
export function vaultMasker(vault: VaultKeyring | undefined): SecretMasker | undefined {
  if (!vault) return undefined;
  const masker = new SecretMasker();
  vault.onPlaintext((plaintext) => masker.add(plaintext));
  return masker;
}
