import { homedir } from 'node:os';
import { InputError } from '../errors.ts';
import type { ConnectionSpec, InventoryHost } from './types.ts';

/**
 * How to reach a host, from its connection variables as Ansible's ssh/local connection
 * plugins read them. Where Ansible has an old alias (ansible_ssh_host, ansible_ssh_port,
 * ansible_ssh_user, ansible_private_key_file) it is read too; as in Ansible's config resolution
 * the later name in each list wins when both are set.
 *
 * localhost: Ansible creates an implicit `localhost` (connection local) only when it is NOT in
 * the inventory; a `localhost` or `127.0.0.1` listed in the inventory is an ordinary host and
 * connects over ssh unless it sets ansible_connection=local
 * (https://docs.ansible.com/ansible/latest/inventory/implicit_localhost.html). The implicit host's
 * `ansible_connection: local` is one of its vars (unlisted-hosts.ts), so this function never
 * special-cases names.
 */
const SSH_CONNECTIONS = new Set(['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'ansible.builtin.ssh', 'ansible.builtin.paramiko_ssh']);
const LOCAL_CONNECTIONS = new Set(['local', 'ansible.builtin.local']);

/** Every variable connectionSpecFor reads: a template in any of them must resolve before connecting. */
export const CONNECTION_VARIABLES = [
  'ansible_connection', 'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user',
  'ansible_ssh_user', 'ansible_private_key_file', 'ansible_ssh_private_key_file', 'ansible_become', 'ansible_become_user',
  'ansible_become_method',
] as const;

/** The become methods the connections can run (src/connect/remote-command.ts). */
const BECOME_METHODS = ['sudo', 'su'] as const;

/** `host.vars` are the host's variables as a task sees them (see src/run/host-connections.ts). */
export function connectionSpecFor(host: Pick<InventoryHost, 'name' | 'vars'>): ConnectionSpec {
  const vars = host.vars;
  const pick = (...names: string[]): unknown => {
    let found: unknown;
    for (const name of names) if (vars[name] !== undefined && vars[name] !== null) found = vars[name];
    return found;
  };
  const text = (name: string, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    throw new InputError(`host ${host.name}: ${name} must be a string, got ${JSON.stringify(value)}`);
  };

  const connection = text('ansible_connection', pick('ansible_connection')) ?? 'ssh';
  let kind: ConnectionSpec['kind'];
  if (SSH_CONNECTIONS.has(connection)) kind = 'ssh';
  else if (LOCAL_CONNECTIONS.has(connection)) kind = 'local';
  else throw new InputError(`host ${host.name}: ansible_connection '${connection}' is not supported (use ssh or local)`);

  const rawPort = pick('ansible_port', 'ansible_ssh_port');
  const port = rawPort === undefined ? 22 : Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InputError(`host ${host.name}: ansible_port must be a port number, got ${JSON.stringify(rawPort)}`);
  }

  const spec: ConnectionSpec = {
    kind,
    address: text('ansible_host', pick('ansible_host', 'ansible_ssh_host')) ?? host.name,
    port,
    become: ansibleBoolean(host.name, 'ansible_become', pick('ansible_become') ?? false),
  };
  const user = text('ansible_user', pick('ansible_user', 'ansible_ssh_user'));
  if (user !== undefined) spec.user = user;
  const key = text('ansible_ssh_private_key_file', pick('ansible_private_key_file', 'ansible_ssh_private_key_file'));
  if (key !== undefined) spec.privateKeyFile = expandHome(key);
  const becomeUser = text('ansible_become_user', pick('ansible_become_user'));
  if (becomeUser !== undefined) spec.becomeUser = becomeUser;
  const becomeMethod = text('ansible_become_method', pick('ansible_become_method'));
  if (becomeMethod !== undefined) spec.becomeMethod = becomeMethodOf(host.name, becomeMethod);
  return spec;
}

/** A become method the connections can run, or bad input naming the host. */
export function becomeMethodOf(hostName: string, method: string): 'sudo' | 'su' {
  if ((BECOME_METHODS as readonly string[]).includes(method)) return method as 'sudo' | 'su';
  throw new InputError(`host ${hostName}: become method '${method}' is not supported (${BECOME_METHODS.join(', ')} are)`);
}

/** Ansible's boolean() (module_utils/parsing/convert_bool.py), strict: anything else is an error. */
export function ansibleBoolean(hostName: string, name: string, value: unknown): boolean {
  const normalized = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if ([true, 1, 'y', 'yes', 'on', '1', 'true', 't'].includes(normalized as never)) return true;
  if ([false, 0, 'n', 'no', 'off', '0', 'false', 'f'].includes(normalized as never)) return false;
  throw new InputError(`host ${hostName}: ${name} must be a boolean (true/false/yes/no), got ${JSON.stringify(value)}`);
}

/** `~` and `~/...` are the user's home, as Python's os.path.expanduser does for the current user. */
function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return homedir() + path.slice(1);
  return path;
}
