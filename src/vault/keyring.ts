import { InputError, type SourcePosition } from '../errors.ts';
import { decryptAes256 } from './aes256.ts';
import { DEFAULT_LABEL, VaultFormatError, parseEnvelope } from './envelope.ts';

/** One vault password and the vault id (label) it was given for. */
export interface VaultSecret {
  label: string;
  password: Buffer;
}

/** Vault content that could not be decrypted: bad input (exit 4), whichever reader met it. */
export class VaultError extends InputError {}

export const VAULT_FLAGS = '--vault-password-file FILE, --vault-id [label@]FILE, --ask-vault-pass or ANSIBLE_VAULT_PASSWORD_FILE';

/**
 * The run's vault passwords, by label, in the order they were given; and every plaintext they
 * decrypted, so that the run can mask each one as a secret ("a value from Vault is a secret"),
 * including those decrypted later, while tasks run (include_vars).
 */
export class VaultKeyring {
  private readonly remembered = new Set<string>();
  private readonly listeners = new Set<(plaintext: string) => void>();

  constructor(
    readonly secrets: readonly VaultSecret[] = [],
    /** ANSIBLE_VAULT_ID_MATCH: only a password given for the vault's own label is tried. */
    private readonly onlyMatchingLabel = false,
  ) {}

  /**
   * The plaintext of vault text found at `where` (`what` names it in errors: "vars file",
   * "!vault value"). As Ansible's VaultLib.decrypt: the passwords given for the vault's label
   * first, then every other one in order; a bad password is never an error until none is left.
   */
  decrypt(text: string, where: SourcePosition, what: string): string {
    if (this.secrets.length === 0) {
      throw new VaultError(`this ${what} is encrypted with Ansible Vault and no vault password was given (use ${VAULT_FLAGS})`, where);
    }
    try {
      const envelope = parseEnvelope(text);
      if (envelope.cipher !== 'AES256') throw new VaultFormatError(`vault cipher '${envelope.cipher}' is not supported (only AES256)`);
      const label = envelope.label ?? DEFAULT_LABEL;
      const candidates = [
        ...this.secrets.filter((secret) => secret.label === label),
        ...(this.onlyMatchingLabel ? [] : this.secrets.filter((secret) => secret.label !== label)),
      ];
      for (const secret of candidates) {
        const plaintext = decryptAes256(envelope.payload, secret.password);
        if (plaintext !== undefined) return plaintext.toString('utf8');
      }
      const tried = [...new Set(candidates.map((secret) => secret.label))].join(', ') || 'none';
      throw new VaultError(
        `cannot decrypt this ${what}: no vault password given could decrypt it (wrong password?); its vault id is '${label}', the vault ids tried: ${tried}`,
        where,
      );
    } catch (error) {
      if (error instanceof VaultFormatError) throw new VaultError(`cannot decrypt this ${what}: ${error.message}`, where, { cause: error });
      throw error;
    }
  }

  /** A decrypted value: from now on, and for whoever listens, a secret. */
  remember(plaintext: string): void {
    if (plaintext === '' || this.remembered.has(plaintext)) return;
    this.remembered.add(plaintext);
    for (const listener of this.listeners) listener(plaintext);
  }

  /** Every plaintext remembered so far, then each new one as it comes. */
  onPlaintext(listener: (plaintext: string) => void): void {
    for (const plaintext of this.remembered) listener(plaintext);
    this.listeners.add(listener);
  }

  get plaintexts(): string[] {
    return [...this.remembered];
  }
}
