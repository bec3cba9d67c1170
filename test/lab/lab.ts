// The multi-host lab: N hosts, each a network namespace with its own sshd, private /etc, /root,
// /home, /opt, /usr/local and /tmp, reachable from the controller at 10.231.L.(10+N) on the lab's
// own bridge pgbrL (L = 0 for the default lab, a hash of the name otherwise; lab-network.ts), so
// labs of different names coexist. All state lives under one directory per lab so an interrupted
// run can be cleaned up.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { LabCleanupError, LabError, LabNeedsRootError } from './lab-errors.ts';
import { DEPLOY_USER, hostPublicKeyFile, prepareHostFiles, startSshd, type LabHost } from './lab-host.ts';
import {
  createHostNetwork,
  deleteBridge,
  deleteHostNetwork,
  ensureBridge,
  hostAddress,
  labNetwork,
  listNetns,
  MAX_HOSTS_PER_LAB,
  netnsName,
  netnsPids,
  netnsPrefix,
  networkClash,
  unusedAddress,
  vethName,
} from './lab-network.ts';
import { forEachLimited, run } from './run-command.ts';

export type { LabHost } from './lab-host.ts';

/** What tests need to know about a running lab; plain data, so it can cross to test workers. */
export interface LabDescription {
  name: string;
  dir: string;
  hosts: LabHost[];
  inventoryFile: string;
  knownHostsFile: string;
  privateKeyFile: string;
  /** A non-root user with passwordless sudo on every host. */
  deployUser: string;
  /** The lab's bridge and subnet (10.231.L.0/24), its own: other labs use other ones. */
  network: { bridge: string; subnet: string; controllerAddress: string; /** in the subnet, held by nobody */ unusedAddress: string };
}

export interface Lab extends LabDescription {
  down(): Promise<void>;
}

export const DEFAULT_LAB_NAME = 'default';
/** Where the e2e run's lab is described as JSON (outside the lab dir, for tools started by tests). */
export const LAB_DESCRIPTION_FILE = '/var/tmp/playgraph-e2e-lab.json';
const LAB_ROOT = '/var/tmp';
/** Parallel host setups: enough to start 50 hosts in seconds without a fork storm. */
const SETUP_CONCURRENCY = 12;

export function labDir(name: string = DEFAULT_LAB_NAME): string {
  return path.join(LAB_ROOT, `playgraph-lab-${name}`);
}

export function labDescriptionFile(name: string = DEFAULT_LAB_NAME): string {
  return path.join(labDir(name), 'lab.json');
}

/** Throws LabNeedsRootError unless this process is root; call it before touching anything. */
export function assertRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() === 0) return;
  throw new LabNeedsRootError();
}

const LAB_NAME = /^[a-z0-9][a-z0-9-]{0,20}$/;

function assertName(name: string): void {
  if (!LAB_NAME.test(name)) throw new LabError(`lab: name ${JSON.stringify(name)} must be [a-z0-9-], at most 21 chars`);
}

export async function createLab(options: { hosts: number; name?: string }): Promise<Lab> {
  assertRoot();
  const name = options.name ?? DEFAULT_LAB_NAME;
  assertName(name);
  if (!Number.isInteger(options.hosts) || options.hosts < 1 || options.hosts > MAX_HOSTS_PER_LAB) {
    throw new LabError(`lab: hosts must be an integer in 1..${MAX_HOSTS_PER_LAB}, got ${options.hosts}`);
  }
  const dir = labDir(name);
  if (existsSync(dir) || (await listNetns(netnsPrefix(name))).length > 0) {
    throw new LabError(`lab: a lab named ${name} already exists (${dir}); run \`npm run lab -- down ${name}\` first`);
  }
  const clash = networkClash(name, await listLabs());
  if (clash) {
    const { subnet } = labNetwork(name);
    throw new LabError(`lab: ${name} would share ${subnet} with the running lab ${clash}; pick another lab name`);
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    return await buildLab(name, dir, options.hosts);
  } catch (error) {
    // Clean up, but report the failure that stopped the lab, not a cleanup hiccup after it.
    await destroyLab(name).catch(() => undefined);
    throw error;
  }
}

async function buildLab(name: string, dir: string, count: number): Promise<Lab> {
  const privateKeyFile = path.join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `playgraph-lab-${name}`, '-f', privateKeyFile]);
  const clientPublicKey = await readFile(`${privateKeyFile}.pub`, 'utf8');

  const network = labNetwork(name);
  const hosts: LabHost[] = Array.from({ length: count }, (_, i) => {
    const hostName = `server${i + 1}`;
    return { name: hostName, address: hostAddress(network, i + 1), netns: netnsName(name, hostName), root: path.join(dir, 'hosts', hostName) };
  });
  await ensureBridge(network);
  await forEachLimited(hosts, SETUP_CONCURRENCY, async (host) => {
    const index = hosts.indexOf(host) + 1;
    await prepareHostFiles(host, hosts, clientPublicKey);
    await createHostNetwork(network, host.netns, vethName(name, index), host.address);
    await startSshd(host);
  });

  const knownHostsFile = path.join(dir, 'known_hosts');
  const knownLines = await Promise.all(
    hosts.map(async (host) => {
      const [type, key] = (await readFile(hostPublicKeyFile(host), 'utf8')).trim().split(/\s+/);
      return `${host.address},${host.name} ${type} ${key}`;
    }),
  );
  await writeFile(knownHostsFile, knownLines.join('\n') + '\n');

  const inventoryFile = path.join(dir, 'inventory.yaml');
  await writeFile(inventoryFile, inventoryYaml(hosts, privateKeyFile, knownHostsFile));

  const description: LabDescription = {
    name,
    dir,
    hosts,
    inventoryFile,
    knownHostsFile,
    privateKeyFile,
    deployUser: DEPLOY_USER.name,
    network: { bridge: network.bridge, subnet: network.subnet, controllerAddress: network.controllerAddress, unusedAddress: unusedAddress(network) },
  };
  await writeFile(path.join(dir, 'lab.json'), JSON.stringify(description, null, 2) + '\n');
  return { ...description, down: () => destroyLab(name) };
}

function inventoryYaml(hosts: readonly LabHost[], privateKeyFile: string, knownHostsFile: string): string {
  const hostEntries = Object.fromEntries(
    hosts.map((h) => [h.name, { ansible_host: h.address, ansible_user: 'root', ansible_ssh_private_key_file: privateKeyFile }]),
  );
  return stringify({
    all: {
      children: { redis: { hosts: hostEntries } },
      // For Ansible itself (benchmarks): trust exactly the lab's host keys, nothing else.
      vars: { ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHostsFile} -o StrictHostKeyChecking=yes` },
    },
  });
}

/** Reads a running lab's description, or null when none is up under that name. */
export async function readLab(name: string = DEFAULT_LAB_NAME): Promise<LabDescription | null> {
  try {
    return JSON.parse(await readFile(labDescriptionFile(name), 'utf8')) as LabDescription;
  } catch {
    return null;
  }
}

/**
 * Stops everything a lab (possibly half-created, possibly from an interrupted run) started:
 * sshd by pid file, then every process left in its namespaces (orphaned commands included),
 * then the namespaces (which takes their veths), the lab's bridge, and the dir. The bridge stays
 * when another lab's name maps to it: that is the clash createLab refused, whose cleanup lands here.
 */
export async function destroyLab(name: string = DEFAULT_LAB_NAME): Promise<void> {
  assertRoot();
  assertName(name);
  const dir = labDir(name);
  const namespaces = await listNetns(netnsPrefix(name));
  for (const netns of namespaces) {
    const pidFile = path.join(dir, 'hosts', netns.slice(netnsPrefix(name).length), 'sshd.pid');
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    if (pid > 0) killQuietly(pid);
  }
  // Every step runs whatever the others did; the failures are reported together at the end.
  const kills = await Promise.allSettled(namespaces.map(killNamespaceProcesses));
  const failures: unknown[] = kills.flatMap((k) => (k.status === 'rejected' ? [k.reason] : []));
  // A namespace with processes left still loses its name and its veth.
  for (const netns of namespaces) await deleteHostNetwork(netns);
  if (!networkClash(name, await listLabs())) await deleteBridge(labNetwork(name));
  await rm(dir, { recursive: true, force: true }).catch((error: unknown) => failures.push(error));
  if (failures.length > 0) throw new LabCleanupError(`lab ${name}: teardown`, failures);
}

/** How long the processes of a namespace get to die after SIGKILL before teardown gives up on them. */
const PROCESS_EXIT_TIMEOUT_MS = 5000;

async function killNamespaceProcesses(netns: string): Promise<void> {
  const deadline = Date.now() + PROCESS_EXIT_TIMEOUT_MS;
  for (;;) {
    const pids = await netnsPids(netns);
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new LabError(`lab: processes ${pids.join(' ')} in ${netns} did not exit within ${PROCESS_EXIT_TIMEOUT_MS} ms of SIGKILL`);
    for (const pid of pids) killQuietly(pid);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Names of labs with state on this machine (directories or namespaces), for `lab status`/cleanup. */
export async function listLabs(): Promise<string[]> {
  const names = new Set<string>();
  for (const netns of await listNetns('pglab-')) {
    const match = /^pglab-(.+)-server\d+$/.exec(netns);
    if (match) names.add(match[1]);
  }

  for (const entry of await readdir(LAB_ROOT).catch(() => [] as string[])) {
    // Lock files (playgraph-lab-NAME.lock) sit beside the dirs; their names are not lab names.
    const name = entry.slice('playgraph-lab-'.length);
    if (entry.startsWith('playgraph-lab-') && LAB_NAME.test(name)) names.add(name);
  }
  return [...names].sort();
}

