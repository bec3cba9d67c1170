// The two contestants, each started as an operator would start it, timed from spawn to exit
// (process startup included: that is what an operator waits for), with its output kept so the
// recap can be checked.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
export const PLAYGRAPH_PLAYBOOK = path.join(REPO, 'bench', 'playbook.yaml');
export const ANSIBLE_PLAYBOOK = path.join(REPO, 'bench', 'ansible-playbook.yaml');
export const CLEANUP_PLAYBOOK = path.join(REPO, 'bench', 'cleanup.yaml');

/** What one benchmark run measures: the playbook each tool runs, and the tasks per host. */
export interface Scenario {
  name: 'four' | 'ordered';
  playgraphPlaybook: string;
  ansiblePlaybook: string;
  tasksPerHost: number;
  resultsFile: string;
}

export const SCENARIOS: Record<Scenario['name'], Scenario> = {
  // Four operations per host, playgraph's playbook with needs beside the Ansible one.
  four: { name: 'four', playgraphPlaybook: PLAYGRAPH_PLAYBOOK, ansiblePlaybook: ANSIBLE_PLAYBOOK, tasksPerHost: 4, resultsFile: path.join(REPO, 'bench', 'results', 'latest.md') },
  // Issue 8's: 20 ordered tasks per host, one Ansible playbook that both tools run unchanged.
  ordered: {
    name: 'ordered',
    playgraphPlaybook: path.join(REPO, 'bench', 'ordered.yaml'),
    ansiblePlaybook: path.join(REPO, 'bench', 'ordered.yaml'),
    tasksPerHost: 20,
    resultsFile: path.join(REPO, 'bench', 'results', 'ordered.md'),
  },
};
const PLAYGRAPH_CLI = path.join(REPO, 'bin', 'playgraph.js');

export type ToolName = 'playgraph' | 'ansible';

export interface Target {
  inventoryFile: string;
  knownHostsFile: string;
  /** Ansible host pattern for the first N hosts, understood by both tools. */
  limit: string;
  forks: number;
}

export interface Timed {
  ms: number;
  output: string;
}

/** Runs a command to its end; stdout and stderr together, as a terminal would show them. */
export function timedRun(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; signal: AbortSignal }): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { cwd: REPO, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const output = Buffer.concat(chunks).toString('utf8');
      if (code === 0) resolve({ ms, output });
      else reject(new Error(`${path.basename(file)} ${args.join(' ')} exited ${code}:\n${output.split('\n').slice(-25).join('\n')}`));
    });
  });
}

export function runPlaygraph(playbook: string, target: Target, signal: AbortSignal): Promise<Timed> {
  const args = [PLAYGRAPH_CLI, 'run', playbook, '-i', target.inventoryFile, '--known-hosts', target.knownHostsFile];
  args.push('--limit', target.limit, '--forks', String(target.forks), '--output', 'plain');
  return timedRun(process.execPath, args, { signal });
}

/**
 * One ansible-playbook run with the settings the benchmark promises: forks equal to ours,
 * pipelining, ControlPersist, the lab's host keys only, no interpreter discovery. Each run gets
 * its own ControlPath dir and its masters are stopped afterwards, so every run starts with cold
 * connections, as playgraph's do (a master left from the previous run would hand Ansible
 * ready-made connections playgraph never gets).
 */
export async function runAnsible(target: Target, signal: AbortSignal, playbook = ANSIBLE_PLAYBOOK): Promise<Timed> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'playgraph-bench-ansible-'));
  const controlDir = path.join(dir, 'cp');
  await mkdir(controlDir, { mode: 0o700 });
  const config = path.join(dir, 'ansible.cfg');
  await writeFile(config, ansibleConfig(target, controlDir));
  try {
    const env = { ...process.env, ANSIBLE_CONFIG: config, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: path.join(dir, 'tmp') };
    const args = ['-i', target.inventoryFile, '--limit', target.limit, playbook];
    return await timedRun('ansible-playbook', args, { env, signal });
  } finally {
    await stopControlMasters(controlDir);
    await rm(dir, { recursive: true, force: true });
  }
}

export function ansibleConfig(target: Target, controlDir: string): string {
  return [
    '[defaults]',
    `forks = ${target.forks}`,
    'host_key_checking = True',
    // The lab's hosts share the controller's /usr: the same python3, no discovery round trip.
    'interpreter_python = /usr/bin/python3',
    'retry_files_enabled = False',
    '',
    '[ssh_connection]',
    'pipelining = True',
    `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${target.knownHostsFile} -o StrictHostKeyChecking=yes`,
    `control_path_dir = ${controlDir}`,
    '',
  ].join('\n');
}

/** `ssh -O exit` on each master socket: the masters are ours, stopped by their own socket. */
async function stopControlMasters(controlDir: string): Promise<void> {
  const sockets = await readdir(controlDir).catch(() => [] as string[]);
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          const child = spawn('ssh', ['-o', `ControlPath=${path.join(controlDir, socket)}`, '-O', 'exit', 'bench-master'], { stdio: 'ignore' });
          child.once('close', () => resolve());
          child.once('error', () => resolve());
        }),
    ),
  );
}
