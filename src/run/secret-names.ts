// Which variable names hold secrets. A name marks a secret by its words, not its letters:
// `db_pwd`, `apiKey` and `credentials` do, `passenger_count` and `tokenizer` do not, because a
// loose substring match both missed real secrets and turned every `1` and `app` into asterisks.

export const SECRET_MASK = '********';

/** One word of a name that marks a secret (a plural `s` is allowed too). */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'token', 'credential',
  'apikey', 'privatekey', 'accesskey', 'authkey', 'secretkey',
  // Redis's own words for its passwords (`redis_requirepass`, `masterauth`).
  'requirepass', 'masterauth',
]);

/**
 * Two words in a row that mark a secret. `ssh_key` is one: such a variable holds a key itself
 * (issue 9 saw one printed in clear); `ansible_ssh_private_key_file` is a path, see below.
 */
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'auth key', 'secret key', 'ssh key']);

/**
 * A last word that makes the name describe a secret rather than hold one: `ssh_key_file`,
 * `vault_password_file` and `token_url` name where it is, `password_length` how long, `ssh_key.pub`
 * is the public half, `secret_name` names a (Kubernetes) secret.
 */
const DESCRIBING_WORDS = new Set(['file', 'path', 'dir', 'filename', 'name', 'url', 'uri', 'length', 'len', 'count', 'size', 'ttl', 'pub', 'public']);

/** The words of a name: split at `_`, `-`, `.`, spaces and camelCase humps, lowercased. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.\-]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

/** Whether a variable with this name holds a secret (see the word lists above). */
export function isSecretName(name: string): boolean {
  const words = nameWords(name).map(singular);
  if (words.length === 0 || DESCRIBING_WORDS.has(words[words.length - 1])) return false;
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  return words.slice(1).some((word, index) => SECRET_PAIRS.has(`${words[index]} ${word}`));
}

/**
 * After a name: `=value`, `: value`, ` = value` or ` value`, the value bare or quoted (an unclosed
 * quote runs to the end of the line); a closing quote of a quoted name (`"password": "x"`) first.
 */
const ASSIGNED_VALUE = /(["']?(?:\s*[=:]\s*|\s+))('[^'\n]*'?|"[^"\n]*"?|[^\s'",}\]]+)/y;
/** The same with `=` or `:` only: in a file's text `PasswordAuthentication no` is a setting, not a password. */
const ASSIGNED_VALUE_STRICT = /(["']?\s*[=:][ \t]*)('[^'\n]*'?|"[^"\n]*"?|[^\s'",}\]]+)/y;
const NAME = /[A-Za-z_][\w.\-]*/g;

/**
 * The text with the value of every secret-named assignment in it replaced by the mask. Used where
 * text holds values the run may not know: an inventory line that does not parse, and (`strict`,
 * `=` or `:` only) a file's old and new contents in --diff, whose old password the run may
 * never have been told (it was rotated, or set by hand).
 */
export function redactSecretAssignments(text: string, options: { strict?: boolean } = {}): string {
  const assignedValue = options.strict ? ASSIGNED_VALUE_STRICT : ASSIGNED_VALUE;
  let out = '';
  let copied = 0;
  for (const match of text.matchAll(NAME)) {
    const start = match.index;
    if (start < copied || !isSecretName(match[0])) continue;
    assignedValue.lastIndex = start + match[0].length;
    const assigned = assignedValue.exec(text);
    if (!assigned) continue;
    const value = assigned[2];
    const quote = value[0] === "'" || value[0] === '"' ? value[0] : '';
    const closed = quote !== '' && value.length > 1 && value.endsWith(quote);
    out += text.slice(copied, assignedValue.lastIndex - value.length) + quote + SECRET_MASK + (closed ? quote : '');
    copied = assignedValue.lastIndex;
  }
  return out + text.slice(copied);
}
