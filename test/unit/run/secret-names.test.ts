import { describe, expect, it } from 'vitest';
import { MASK } from '../../../src/run/secrets.ts';
import { isSecretName, nameWords, redactSecretAssignments } from '../../../src/run/secret-names.ts';

// Issue 9's names: those that printed in clear, and those that masked every `1` and `app`.
const secretNames = [
  'db_pwd', 'apikey', 'api_key', 'apiKey', 'credentials', 'aws_credential', 'ssh_key', 'access_key', 'auth_key',
  'redis_password', 'ansible_become_password', 'ansible_become_pass', 'ansible_ssh_pass', 'ansible_password',
  'app_token', 'api-tokens', 'client.secret', 'clientSecret', 'DB_PASSWD', 'passwords', 'secrets', 'aws_secret_key',
  'ssh_private_key', 'privateKey', 'AWSAccessKey', 'vault_db_password', 'redis_requirepass', 'key_passphrase',
];
const ordinaryNames = [
  'passenger_count', 'tokenizer', 'passwordless_sudo_enabled_flag_x', 'compass', 'bypass_cache', 'secretary',
  'ansible_ssh_private_key_file', 'ssh_key_path', 'vault_password_file', 'token_url', 'password_length', 'keys',
  'ssh_public_key', 'ssh_key.pub', 'secret_name', 'key', 'monkey', 'api', 'ansible_host', 'authors', 'credential_dir', 'pass_count',
];

describe('isSecretName', () => {
  it.each(secretNames)('%s holds a secret', (name) => expect(isSecretName(name)).toBe(true));
  it.each(ordinaryNames)('%s does not', (name) => expect(isSecretName(name)).toBe(false));
});

describe('nameWords', () => {
  it.each([
    ['db_pwd', ['db', 'pwd']],
    ['apiKey', ['api', 'key']],
    ['AWSAccessKey', ['aws', 'access', 'key']],
    ['client.secret-id', ['client', 'secret', 'id']],
    ['HTTPProxyPassword2', ['http', 'proxy', 'password2']],
  ])('%s splits into %j', (name, words) => expect(nameWords(name)).toEqual(words));
});

describe('redactSecretAssignments', () => {
  it.each([
    [`Error parsing host definition 'web1 ansible_become_password='s3cr et': No closing quotation`,
      `Error parsing host definition 'web1 ansible_become_password='${MASK}': No closing quotation`],
    ['web1 ansible_host=10.0.0.1 db_pwd=hunter2 port=22', `web1 ansible_host=10.0.0.1 db_pwd=${MASK} port=22`],
    ['Expected key=value, got: api_token abc123', `Expected key=value, got: api_token ${MASK}`],
    ['{"apikey": "k-1", "count": 1}', `{"apikey": "${MASK}", "count": 1}`],
    ['passenger_count=1 tokenizer=app', 'passenger_count=1 tokenizer=app'],
    ['password="unclosed to the end', `password="${MASK}`],
  ])('%s', (text, redacted) => expect(redactSecretAssignments(text)).toBe(redacted));
});

describe('redactSecretAssignments in a file (strict: = or : only)', () => {
  it.each([
    ['db_password=old-one\nport=5432\n', `db_password=${MASK}\nport=5432\n`],
    ['[client]\npassword = "x y"\nuser = app\n', `[client]\npassword = "${MASK}"\nuser = app\n`],
    ['api_key: k-1\nnested_secret:\n  a: 1\n', `api_key: ${MASK}\nnested_secret:\n  a: 1\n`],
    ['PasswordAuthentication no\nPort 22\n', 'PasswordAuthentication no\nPort 22\n'],
  ])('%j', (text, redacted) => expect(redactSecretAssignments(text, { strict: true })).toBe(redacted));
});
