// The guide's three-server inventory for the running lab (test/fixtures/lab/three-servers.yaml
// plus the lab's addresses and key), the password in a separate -e @secrets file, and a runner
// for playbooks/cluster.yaml against them through the real CLI.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { LabDescription } from '../../lab/lab.ts';
import { playgraph, REPO, type PlaygraphRun } from './playgraph.ts';

const LAYOUT_FILE = path.join(REPO, 'test', 'fixtures', 'lab', 'three-servers.yaml');
/**
 * Where a host looks after the controller's tarball, if that ever fails: a loopback port nothing
 * listens on. Without it redis.build would fall through to download.redis.io, and tests never
 * leave the machine.
 */
const NO_DOWNLOAD_URLS = ['http://127.0.0.1:9/redis-source-not-downloaded-in-tests.tar.gz'];
export const CLUSTER_PLAYBOOK = path.join(REPO, 'playbooks', 'cluster.yaml');

export interface LabLayout {
  hosts: Record<string, { redis_masters: number[]; redis_replicas: { port: number; replica_of: string }[] }>;
  vars: Record<string, unknown>;
}

export interface LabCluster {
  dir: string;
  inventoryFile: string;
  secretsFile: string;
  password: string;
  layout: LabLayout;
  /** Host name -> address, for the redis clients. */
  addresses: Map<string, string>;
  /** Runs playbooks/cluster.yaml with this inventory, the secrets, the lab's known_hosts, JSON output. */
  run(extra?: string[], options?: { inventory?: string; knownHosts?: string }): Promise<PlaygraphRun>;
  /** Another inventory of the same layout with per-host variables changed (wrong key, port...). */
  variant(name: string, hostVars: Record<string, Record<string, unknown>>): Promise<string>;
  remove(): Promise<void>;
}

export async function loadLayout(): Promise<LabLayout> {
  return parse(await readFile(LAYOUT_FILE, 'utf8')) as LabLayout;
}

function inventoryYaml(lab: LabDescription, layout: LabLayout, hostVars: Record<string, Record<string, unknown>> = {}): string {
  const hosts = Object.fromEntries(
    Object.entries(layout.hosts).map(([name, vars]) => {
      const host = lab.hosts.find((h) => h.name === name);
      if (!host) throw new Error(`lab inventory: the layout names ${name}, the lab has ${lab.hosts.map((h) => h.name).join(', ')}`);
      return [name, { ansible_host: host.address, ...vars, ...hostVars[name] }];
    }),
  );
  return stringify({
    all: { children: { redis: { hosts, vars: { ...layout.vars, redis_source_urls: NO_DOWNLOAD_URLS, ansible_ssh_private_key_file: lab.privateKeyFile } } } },
  });
}

export async function createLabCluster(lab: LabDescription): Promise<LabCluster> {
  const layout = await loadLayout();
  const dir = await mkdtemp(path.join(tmpdir(), 'pg-lab-cluster-'));
  const inventoryFile = path.join(dir, 'inventory.yaml');
  await writeFile(inventoryFile, inventoryYaml(lab, layout));
  // A fresh password per run, kept out of the inventory as the guide's README says.
  const password = `lab-${randomBytes(9).toString('base64url')}`;
  const secretsFile = path.join(dir, 'secrets.yaml');
  await writeFile(secretsFile, stringify({ redis_password: password }), { mode: 0o600 });
  const addresses = new Map(lab.hosts.map((h) => [h.name, h.address]));
  return {
    dir,
    inventoryFile,
    secretsFile,
    password,
    layout,
    addresses,
    run: (extra = [], options = {}) =>
      playgraph([
        'run', CLUSTER_PLAYBOOK,
        '-i', options.inventory ?? inventoryFile,
        '-e', `@${secretsFile}`,
        '--known-hosts', options.knownHosts ?? lab.knownHostsFile,
        '--output', 'json',
        ...extra,
      ]),
    variant: async (name, hostVars) => {
      const file = path.join(dir, `inventory-${name}.yaml`);
      await writeFile(file, inventoryYaml(lab, layout, hostVars));
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Every node of the layout as host/port/address, masters first. */
export function layoutNodes(cluster: Pick<LabCluster, 'layout' | 'addresses'>): { host: string; port: number; address: string; role: 'master' | 'replica'; replicaOf?: string }[] {
  const nodes = Object.entries(cluster.layout.hosts).flatMap(([host, vars]) => [
    ...vars.redis_masters.map((port) => ({ host, port, address: cluster.addresses.get(host)!, role: 'master' as const })),
    ...vars.redis_replicas.map((r) => ({ host, port: r.port, address: cluster.addresses.get(host)!, role: 'replica' as const, replicaOf: r.replica_of })),
  ]);
  return nodes.sort((a, b) => (a.role === b.role ? a.port - b.port : a.role === 'master' ? -1 : 1));
}
