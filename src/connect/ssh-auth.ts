// Which credentials to offer, in ssh's order: the inventory's ansible_ssh_private_key_file alone
// when given; otherwise the ssh-agent, then ~/.ssh/id_ed25519 and ~/.ssh/id_rsa.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ssh2, { type AgentAuthMethod, type PublicKeyAuthMethod } from 'ssh2';
import { ConnectError } from '../errors.ts';

// ssh2 is CommonJS and defines `utils` in a way Node's ESM named-export detection misses.
const { utils } = ssh2;

export interface AuthPlan {
  methods: Array<PublicKeyAuthMethod | AgentAuthMethod>;
  /** For messages: what was offered ("key /path", "ssh-agent"). */
  offered: string[];
}

export async function planAuth(hostName: string, username: string, privateKeyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<AuthPlan> {
  if (privateKeyFile) {
    const file = expandHome(privateKeyFile);
    const key = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new ConnectError(hostName, `cannot read private key ${file} (ansible_ssh_private_key_file): ${error.code ?? error.message}`);
    });
    assertUsableKey(hostName, file, key);
    return { methods: [{ type: 'publickey', username, key }], offered: [`key ${file}`] };
  }
  const methods: Array<PublicKeyAuthMethod | AgentAuthMethod> = [];
  const offered: string[] = [];
  if (env.SSH_AUTH_SOCK) {
    methods.push({ type: 'agent', username, agent: env.SSH_AUTH_SOCK });
    offered.push('ssh-agent');
  }
  for (const name of ['id_ed25519', 'id_rsa']) {
    const file = path.join(os.homedir(), '.ssh', name);
    const key = await readFile(file).catch(() => null);
    // Passphrase-protected default keys are skipped, as there is no one to ask for the passphrase.
    if (key && !(utils.parseKey(key) instanceof Error)) {
      methods.push({ type: 'publickey', username, key });
      offered.push(`key ${file}`);
    }
  }
  if (methods.length === 0) {
    throw new ConnectError(hostName, 'no credentials to offer: set ansible_ssh_private_key_file, start an ssh-agent, or create ~/.ssh/id_ed25519');
  }
  return { methods, offered };
}

function assertUsableKey(hostName: string, file: string, key: Buffer): void {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) {
    const why = /passphrase/i.test(parsed.message) ? 'it is passphrase-protected (load it into ssh-agent instead)' : parsed.message;
    throw new ConnectError(hostName, `cannot use private key ${file}: ${why}`);
  }
}

function expandHome(file: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(os.homedir(), file.slice(1)) : file;
}
