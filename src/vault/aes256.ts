import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { VaultFormatError, parsePayload } from './envelope.ts';

// Ansible's VaultAES256 (ansible/parsing/vault/__init__.py): PBKDF2-HMAC-SHA256 with 10000
// iterations derives 80 bytes from the password and the vault's salt: an AES-256 key, an HMAC
// key and the CTR counter's initial block. The HMAC-SHA256 of the ciphertext proves the password
// before anything is decrypted; the plaintext was PKCS7-padded to AES's 16-byte block.

const KEY_LENGTH = 32;
const IV_LENGTH = 16;
const ITERATIONS = 10000;

function deriveKeys(password: Buffer, salt: Buffer): { cipherKey: Buffer; hmacKey: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, 'sha256');
  return {
    cipherKey: derived.subarray(0, KEY_LENGTH),
    hmacKey: derived.subarray(KEY_LENGTH, 2 * KEY_LENGTH),
    iv: derived.subarray(2 * KEY_LENGTH),
  };
}

function unpad(padded: Buffer): Buffer {
  const count = padded.length === 0 ? 0 : padded[padded.length - 1];
  const valid = count >= 1 && count <= 16 && count <= padded.length && padded.subarray(padded.length - count).every((byte) => byte === count);
  if (!valid) throw new VaultFormatError('Vault decryption error: invalid PKCS7 padding');
  return padded.subarray(0, padded.length - count);
}

/**
 * The plaintext of an AES256 vault payload, or undefined when this password is not the one (its
 * HMAC does not match): the caller tries the next password, as Ansible does.
 */
export function decryptAes256(payload: string, password: Buffer): Buffer | undefined {
  const { salt, hmac, ciphertext } = parsePayload(payload);
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (hmac.length !== expected.length || !timingSafeEqual(hmac, expected)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', cipherKey, iv);
  return unpad(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}
