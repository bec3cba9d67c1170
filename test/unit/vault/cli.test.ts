import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { encryptFiles, encryptString, vaultDir } from './ansible-vault.ts';

// The vault flags on `playgraph inventory` and `playgraph graph`, which read vars too: decrypted
// values are used, never shown; a wrong password is exit 4 with one line, never a stack trace.

let dir: string;
let pw: (name: string) => string;
const at = (...parts: string[]) => path.join(dir, ...parts);

beforeAll(async () => {
  ({ dir, passwordFile: pw } = await vaultDir({ main: 'cli-main-pw', wrong: 'not-it' }));
  await mkdir(at('group_vars'), { recursive: true });
  const [inline] = await Promise.all([
    encryptString('web*', 'target', pw('main')),
    encryptFiles({ [at('group_vars/all.yml')]: 'group_secret: shown-nowhere-4711\n' }, pw('main')),
  ]);
  await writeFile(at('hosts.yml'), 'all:\n  hosts:\n    web1:\n    db1:\n');
  // The play's hosts come from an inline vault value: `graph` needs the password to know them.
  await writeFile(at('play.yml'), `- hosts: "{{ target }}"\n  vars:\n${inline.trimEnd().split('\n').map((line) => `    ${line}`).join('\n')}\n  tasks:\n    - command: "true"\n`);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('vault flags on inventory and graph', () => {
  it('inventory --list decrypts group_vars and masks their values', async () => {
    const { code, out, err } = await cli('inventory', '-i', at('hosts.yml'), '--list', '--vault-password-file', pw('main'));
    expect(code, err).toBe(0);
    expect(JSON.parse(out)._meta.hostvars.web1.group_secret).toBe('********');
    expect(out).not.toContain('shown-nowhere-4711');
  });

  it('graph reads the play hosts from an inline vault value', async () => {
    const { code, out, err } = await cli('graph', at('play.yml'), '-i', at('hosts.yml'), '--vault-id', `default@${pw('main')}`);
    expect(code, err).toBe(0);
    expect(out).toContain('web1');
    expect(out).not.toContain('db1');
  });

  it('is exit 4 with one error line for a wrong or a missing password', async () => {
    const wrong = await cli('inventory', '-i', at('hosts.yml'), '--vault-password-file', pw('wrong'));
    expect(wrong.code).toBe(4);
    expect(wrong.err).toBe(`ERROR: ${at('group_vars/all.yml')}: cannot decrypt this file: no vault password given could decrypt it (wrong password?); its vault id is 'default', the vault ids tried: default\n`);
    const missing = await cli('graph', at('play.yml'), '-i', at('hosts.yml'), '--vault-password-file', at('no-such-file'));
    expect(missing.code).toBe(4);
    expect(missing.err).toContain(`[WARNING]: Error getting vault password file (default): the vault password file ${at('no-such-file')} was not found\n`);
    expect(missing.err).toContain(`ERROR: the vault password file ${at('no-such-file')} was not found\n`);
  });
});
