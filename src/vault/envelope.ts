// The text of an Ansible Vault: a header line `$ANSIBLE_VAULT;1.1;AES256` (1.2 adds `;label`)
// followed by hex lines, as ansible/parsing/vault/__init__.py (ansible-core 2.14) writes and reads
// it (format_vaulttext_envelope, parse_vaulttext_envelope, parse_vaulttext).

export const VAULT_HEADER = '$ANSIBLE_VAULT';

/** What Ansible calls the vault id when a vault (format 1.1) names none: C.DEFAULT_VAULT_IDENTITY. */
export const DEFAULT_LABEL = 'default';

/** The vault text is malformed: no password can decrypt it, so none is tried further. */
export class VaultFormatError extends Error {}

export interface VaultEnvelope {
  version: string;
  cipher: string;
  /** The vault id of a 1.2 vault; absent in 1.1. Not authenticated: only a hint of which password to try first. */
  label?: string;
  /** The hexlified payload: hex(salt) \n hex(hmac) \n hex(ciphertext), itself hexlified. */
  payload: string;
}

/** Ansible's is_encrypted: the text starts with the vault header. */
export function isVaultText(text: string): boolean {
  return text.startsWith(VAULT_HEADER);
}

export function parseEnvelope(text: string): VaultEnvelope {
  const lines = text.split(/\r\n|\r|\n/);
  const header = lines[0].trim().split(';').map((part) => part.trim());
  if (header[0] !== VAULT_HEADER || header.length < 3) {
    throw new VaultFormatError(`Vault envelope format error: the header "${lines[0].trim()}" is not $ANSIBLE_VAULT;<version>;<cipher>[;<vault id>]`);
  }
  // Python's join of the remaining lines; spaces a YAML block may leave are not hex and are dropped.
  const payload = lines.slice(1).join('').replace(/\s+/g, '');
  return { version: header[1], cipher: header[2], ...(header.length >= 4 && header[3] !== '' ? { label: header[3] } : {}), payload };
}

/** Python's binascii.unhexlify: an even number of hex digits, else a format error. */
export function unhexlify(hex: string, what: string): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new VaultFormatError(`Vault format unhexlify error: the ${what} is not an even number of hex digits`);
  }
  return Buffer.from(hex, 'hex');
}

export interface VaultPayload {
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

/** parse_vaulttext: unhexlify, split at the first two newlines into salt, hmac and ciphertext. */
export function parsePayload(payload: string): VaultPayload {
  const inner = unhexlify(payload, 'vault text').toString('latin1');
  const first = inner.indexOf('\n');
  const second = first < 0 ? -1 : inner.indexOf('\n', first + 1);
  if (second < 0) throw new VaultFormatError('Vault vaulttext format error: expected salt, hmac and ciphertext on three lines');
  return {
    salt: unhexlify(inner.slice(0, first), 'salt'),
    hmac: unhexlify(inner.slice(first + 1, second), 'hmac'),
    ciphertext: unhexlify(inner.slice(second + 1), 'ciphertext'),
  };
}
