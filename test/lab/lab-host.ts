// One lab host: private directories on the controller mounted over /root, /home, /opt,
// /usr/local and /tmp inside a private mount namespace, /etc as a copy-on-write overlay of the
// controller's /etc (a full copy costs ~1 s of cp per host; the overlay is instant and just as
// private: what the host writes lands in its own etc/), and its own sshd on its own address.
// /usr and /var stay shared (compilers and libraries come from the controller).
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { LabError } from './lab-errors.ts';
import { run } from './run-command.ts';

export interface LabHost {
  /** Inventory name: server1..serverN. */
  name: string;
  address: string;
  netns: string;
  /** The host's private directories on the controller (etc/ = its changes to /etc, root/, home/, opt/, usr-local/, tmp/). */
  root: string;
}

/** A non-root account with passwordless sudo on every host, to exercise `become` over SSH. */
export const DEPLOY_USER = { name: 'pgdeploy', uid: 2000, gid: 2000 } as const;

/** Private directory (under the host root) -> where it is mounted inside the host. */
const PRIVATE_MOUNTS: ReadonlyArray<readonly [string, string]> = [
  ['root', '/root'],
  ['home', '/home'],
  ['opt', '/opt'],
  ['usr-local', '/usr/local'],
  ['tmp', '/tmp'],
];

export function sshdPidFile(host: LabHost): string {
  return path.join(host.root, 'sshd.pid');
}

export function hostPublicKeyFile(host: LabHost): string {
  return path.join(host.root, 'ssh', 'ssh_host_ed25519_key.pub');
}

/** Builds the host's private tree: its own identity in /etc, empty home dirs, keys. */
export async function prepareHostFiles(host: LabHost, allHosts: readonly LabHost[], clientPublicKey: string): Promise<void> {
  for (const dir of [...PRIVATE_MOUNTS.map(([d]) => d), 'etc', 'etc-work']) await mkdir(path.join(host.root, dir), { recursive: true });
  await chmod(path.join(host.root, 'tmp'), 0o1777);
  await chmod(path.join(host.root, 'root'), 0o700);
  await personaliseEtc(host, allHosts);

  const sshDir = path.join(host.root, 'ssh');
  await mkdir(sshDir, { recursive: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', host.name, '-f', path.join(sshDir, 'ssh_host_ed25519_key')]);
  await writeFile(path.join(sshDir, 'sshd_config'), sshdConfig(host));

  await installAuthorizedKey(path.join(host.root, 'root'), clientPublicKey, 0, 0);
  const deployHome = path.join(host.root, 'home', DEPLOY_USER.name);
  await mkdir(deployHome, { recursive: true });
  await chown(deployHome, DEPLOY_USER.uid, DEPLOY_USER.gid);
  await installAuthorizedKey(deployHome, clientPublicKey, DEPLOY_USER.uid, DEPLOY_USER.gid);
  await writeFile(path.join(host.root, 'start-sshd.sh'), startScript(host));
}

/** Writes the host's versions of a few /etc files into its overlay upper dir. */
async function personaliseEtc(host: LabHost, allHosts: readonly LabHost[]): Promise<void> {
  const upper = path.join(host.root, 'etc');
  const extend = async (file: string, extra: string, mode: number): Promise<void> => {
    const original = await readFile(path.join('/etc', file), 'utf8').catch(() => '');
    const text = original === '' || original.endsWith('\n') ? original : `${original}\n`;
    await writeFile(path.join(upper, file), text + extra, { mode });
    const owner = await stat(path.join('/etc', file)).catch(() => null);
    if (owner) await chown(path.join(upper, file), owner.uid, owner.gid); // /etc/shadow is root:shadow
  };
  await writeFile(path.join(upper, 'hostname'), `${host.name}\n`);
  await extend('hosts', `# playgraph lab\n${allHosts.map((h) => `${h.address} ${h.name}`).join('\n')}\n`, 0o644);
  const { name, uid, gid } = DEPLOY_USER;
  await extend('passwd', `${name}:x:${uid}:${gid}::/home/${name}:/bin/sh\n`, 0o644);
  await extend('group', `${name}:x:${gid}:\n`, 0o644);
  // '*' = no password login; OpenSSH (UsePAM no) only treats a leading '!' as a locked account.
  await extend('shadow', `${name}:*:19000:0:99999:7:::\n`, 0o640);
  await mkdir(path.join(upper, 'sudoers.d'), { recursive: true, mode: 0o755 });
  await writeFile(path.join(upper, 'sudoers.d', name), `${name} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
}

async function installAuthorizedKey(home: string, publicKey: string, uid: number, gid: number): Promise<void> {
  const sshDir = path.join(home, '.ssh');
  await mkdir(sshDir, { recursive: true, mode: 0o700 });
  const file = path.join(sshDir, 'authorized_keys');
  await writeFile(file, publicKey.trimEnd() + '\n', { mode: 0o600 });
  await chown(sshDir, uid, gid);
  await chown(file, uid, gid);
}

function sshdConfig(host: LabHost): string {
  const sshDir = path.join(host.root, 'ssh');
  return [
    `# playgraph lab host ${host.name}`,
    'Port 22',
    `ListenAddress ${host.address}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(sshDir, 'ssh_host_ed25519_key')}`,
    `PidFile ${sshdPidFile(host)}`,
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'Subsystem sftp internal-sftp',
    // A benchmark opens many connections at once; the default 10:30:100 drops some of them.
    'MaxStartups 200',
    'LogLevel ERROR',
    '',
  ].join('\n');
}

/** Runs inside `unshare --mount --uts`: mounts the private dirs, names the host, execs sshd. */
function startScript(host: LabHost): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const mounts = PRIVATE_MOUNTS.map(([dir, target]) => `mount --bind ${q(path.join(host.root, dir))} ${target}`);
  const etcOverlay = `lowerdir=/etc,upperdir=${path.join(host.root, 'etc')},workdir=${path.join(host.root, 'etc-work')}`;
  return [
    'set -e',
    `mount -t overlay playgraph-etc -o ${q(etcOverlay)} /etc`,
    ...mounts,
    `hostname ${q(host.name)}`,
    `exec /usr/sbin/sshd -D -f ${q(path.join(host.root, 'ssh', 'sshd_config'))} -E ${q(path.join(host.root, 'sshd.log'))}`,
    '',
  ].join('\n');
}

/**
 * Starts sshd in the host's namespaces, detached from this process so a test runner can exit
 * without taking the lab with it (the lab is torn down explicitly, by pid and by namespace).
 */
export async function startSshd(host: LabHost): Promise<number> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation dir
  const child = spawn(
    'ip',
    ['netns', 'exec', host.netns, 'unshare', '--mount', '--uts', '--propagation', 'private', 'sh', path.join(host.root, 'start-sshd.sh')],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new LabError(`lab: sshd for ${host.name} exited (${code}); see ${path.join(host.root, 'sshd.log')}`)));
    child.once('error', reject);
  });
  await Promise.race([waitForSshBanner(host.address, 22, 10_000), exited]);
  child.removeAllListeners('exit');
  return child.pid ?? -1;
}

async function waitForSshBanner(address: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await readsBanner(address, port)) return;
    if (Date.now() > deadline) throw new LabError(`lab: no sshd answered on ${address}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readsBanner(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
