import { isVaultText } from './envelope.ts';
import { VaultKeyring } from './keyring.ts';

/**
 * A controller file's text, decrypted when `ansible-vault encrypt` wrote it (Ansible's
 * DataLoader decrypts any file it loads). `encrypted` tells the caller its values are secrets.
 */
export function decryptFileText(text: string, file: string, vault: VaultKeyring | undefined): { text: string; encrypted: boolean } {
  if (!isVaultText(text)) return { text, encrypted: false };
  return { text: (vault ?? new VaultKeyring()).decrypt(text, { file }, 'file'), encrypted: true };
}
