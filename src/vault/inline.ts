import { Scalar, isScalar, visit, type Document, type ScalarTag } from 'yaml';
import type { SourcePosition } from '../errors.ts';
import { VaultError, VaultKeyring } from './keyring.ts';

// Inline vault values, as ansible-vault encrypt_string writes them (`password: !vault |` and the
// vault text as a block scalar): Ansible's constructor reads the tags `!vault` and
// `!vault-encrypted` (ansible/parsing/yaml/constructor.py). Here they are decrypted as the YAML is
// read, so a wrong password is bad input before anything runs, at the value's own line.

const VAULT_TAGS = ['!vault', '!vault-encrypted'];

/** The tags, known to the YAML parser so they are not "unresolved"; their text stays as written. */
export const VAULT_YAML_TAGS: ScalarTag[] = VAULT_TAGS.map((tag) => ({ tag, resolve: (text: string) => text }));

/**
 * Replaces every `!vault` scalar of the document by its plaintext, remembered by the keyring as
 * a secret. Without a keyring (no vault password given) such a value is refused, never used as
 * its ciphertext.
 */
export function decryptInlineValues(
  document: Document.Parsed,
  text: string,
  keyring: VaultKeyring | undefined,
  positionAt: (offset: number) => SourcePosition,
): void {
  visit(document, (_key, node) => {
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag === undefined || !VAULT_TAGS.includes(tag)) return;
    // The node's range starts after its tag (at `|`); Ansible, and the user, point at the tag.
    const start = (node as { range?: [number, number, number] }).range?.[0] ?? 0;
    const tagAt = text.lastIndexOf(tag, start);
    const where = positionAt(tagAt >= 0 ? tagAt : start);
    if (!isScalar(node) || typeof node.value !== 'string') {
      throw new VaultError(`${tag} must tag a string (the vault text ansible-vault encrypt_string writes)`, where);
    }
    keyring ??= new VaultKeyring();
    const plaintext = keyring.decrypt(node.value, where, '!vault value');
    keyring.remember(plaintext);
    const decrypted = new Scalar(plaintext);
    decrypted.range = node.range;
    return decrypted;
  });
}

/** Every string leaf of a decrypted vars file: each one came from Vault, each one is a secret. */
export function rememberLeaves(value: unknown, keyring: VaultKeyring): void {
  if (typeof value === 'string') keyring.remember(value);
  else if (Array.isArray(value)) for (const item of value) rememberLeaves(item, keyring);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) rememberLeaves(item, keyring);
}
