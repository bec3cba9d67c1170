import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, extname, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { isVaultText } from './envelope.ts';
import { DEFAULT_LABEL } from './envelope.ts';
import { VaultKeyring, type VaultSecret } from './keyring.ts';

// Where vault passwords come from, as ansible/cli/__init__.py (setup_vault_secrets) and
// ansible/parsing/vault/__init__.py (FileVaultSecret, ScriptVaultSecret, PromptVaultSecret)
// take them: ANSIBLE_VAULT_IDENTITY_LIST and each --vault-id [label@]source first, then each
// --vault-password-file and ANSIBLE_VAULT_PASSWORD_FILE, then --ask-vault-pass's prompt.

export interface VaultPasswordOptions {
  /** --vault-id, each `[label@]FILE`, `[label@]prompt`. */
  vaultIds?: string[];
  /** --vault-password-file, each a file or an executable script. */
  vaultPasswordFiles?: string[];
  /** --ask-vault-pass. */
  askVaultPass?: boolean;
}

export interface VaultPasswordEnvironment {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Asks the user for a password without echoing it. */
  prompt(message: string): Promise<string>;
  /** A source that gave no password, while others may (Ansible warns and goes on). */
  warn(message: string): void;
}

const truthy = (value: string | undefined) => value !== undefined && /^(?:1|true|yes|on|y|t)$/i.test(value.trim());

/** The `label@source` slugs in the order Ansible builds them (build_vault_ids). */
function vaultIdSlugs(options: VaultPasswordOptions, env: NodeJS.ProcessEnv, defaultLabel: string): string[] {
  const fromEnv = (env.ANSIBLE_VAULT_IDENTITY_LIST ?? '').split(',').map((slug) => slug.trim()).filter(Boolean);
  const files = [...(options.vaultPasswordFiles ?? []), ...(env.ANSIBLE_VAULT_PASSWORD_FILE ? [env.ANSIBLE_VAULT_PASSWORD_FILE] : [])];
  const slugs = [...fromEnv, ...(options.vaultIds ?? []), ...files.map((file) => `${defaultLabel}@${file}`)];
  if (options.askVaultPass || truthy(env.ANSIBLE_ASK_VAULT_PASS)) slugs.push(`${defaultLabel}@prompt_ask_vault_pass`);
  return slugs;
}

/** CLI.split_vault_id: the label is what comes before the first `@`, if there is one. */
function splitSlug(slug: string): { label?: string; source: string } {
  const at = slug.indexOf('@');
  return at < 0 ? { source: slug } : { label: slug.slice(0, at), source: slug.slice(at + 1) };
}

function runScript(file: string, args: string[]): Promise<Buffer> {
  return new Promise((resolveRun, reject) => {
    // stderr is the user's: a script may ask them something there, as Ansible leaves it.
    const child = execFile(file, args, { encoding: 'buffer', maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (!error) return resolveRun(stdout);
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number') {
        const client = args.length > 0;
        reject(new InputError(
          client && code === 2
            ? `vault password client script ${file} did not find a secret for vault-id=${args[1]}`
            : `vault password script ${file} returned non-zero (${code})`,
        ));
      } else {
        reject(new InputError(`problem running vault password script ${file} (${error.message}); if it is not a script, remove its executable bit`));
      }
    });
    child.stderr?.pipe(process.stderr);
  });
}

/** Python's bytes.strip(chars): the given bytes off both ends (never a UTF-8 byte taken for whitespace). */
function stripBytes(bytes: Buffer, chars: readonly number[]): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && chars.includes(bytes[start])) start++;
  while (end > start && chars.includes(bytes[end - 1])) end--;
  return bytes.subarray(start, end);
}
const NEWLINES = [0x0a, 0x0d];
const ASCII_WHITESPACE = [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d];

/** A password file's password: its content stripped, or an executable's output (get_file_vault_secret). */
async function filePassword(path: string, label: string, known: VaultSecret[]): Promise<Buffer> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError(`the vault password file ${path} was not found`);
  }
  if (info.mode & 0o111) {
    // A name ending in -client (before its extension) is a client script: it is told the vault id.
    const client = basename(path, extname(path)).endsWith('-client');
    const password = stripBytes(await runScript(path, client ? ['--vault-id', label] : []), NEWLINES);
    if (password.length === 0) throw new InputError(`invalid vault password was provided from script (${path})`);
    return password;
  }
  let content: Buffer;
  try {
    content = stripBytes(await readFile(path), ASCII_WHITESPACE);
  } catch (error) {
    throw new InputError(`could not read vault password file ${path}: ${(error as Error).message}`);
  }
  // A password file may itself be a vault, opened by a password given before it.
  const text = content.toString('utf8');
  const bytes = isVaultText(text) ? Buffer.from(new VaultKeyring(known).decrypt(text, { file: path }, 'vault password file'), 'utf8') : content;
  const password = stripBytes(bytes, NEWLINES);
  if (password.length === 0) throw new InputError(`invalid vault password was provided from file (${path})`);
  return password;
}

function expandPath(path: string, cwd: string): string {
  return resolve(cwd, path.replace(/^~(?=\/|$)/, homedir()));
}

/**
 * The keyring of every password given. As Ansible: a password file that cannot be read is a
 * warning while another source gives a password, and the error itself when none does; a prompt
 * that gets nothing is an error.
 */
export async function loadVaultKeyring(options: VaultPasswordOptions, environment: VaultPasswordEnvironment): Promise<VaultKeyring> {
  const defaultLabel = environment.env.ANSIBLE_VAULT_IDENTITY || DEFAULT_LABEL;
  const secrets: VaultSecret[] = [];
  let lastError: InputError | undefined;
  for (const slug of vaultIdSlugs(options, environment.env, defaultLabel)) {
    const { label: given, source } = splitSlug(slug);
    const label = given || defaultLabel;
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      const message = source === 'prompt' ? `Vault password (${label}): ` : 'Vault password: ';
      const password = stripBytes(Buffer.from(await environment.prompt(message), 'utf8'), ASCII_WHITESPACE);
      if (password.length === 0) throw new InputError('invalid vault password was provided (an empty one, at the prompt)');
      secrets.push({ label, password });
      continue;
    }
    try {
      secrets.push({ label, password: await filePassword(expandPath(source, environment.cwd), label, secrets) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      environment.warn(`Error getting vault password file (${label}): ${error.message}`);
      lastError = error;
    }
  }
  if (lastError && secrets.length === 0) throw lastError;
  return new VaultKeyring(secrets, truthy(environment.env.ANSIBLE_VAULT_ID_MATCH));
}
