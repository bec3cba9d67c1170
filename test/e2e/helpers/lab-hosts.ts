// What a lab host runs and holds, seen from the controller: its processes (by network namespace),
// its redis-servers, its link, and the redis files a test put there, so each test file can start
// from clean hosts and leave them clean.
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, readlink, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LabHost } from '../../lab/lab-host.ts';
import { netnsPids, vethName } from '../../lab/lab-network.ts';
import { ensureRedisBinaries } from '../../helpers/redis-binaries.ts';

const execFileAsync = promisify(execFile);

/** `pid command-line` of every process in the host's namespace, sorted (sshd included). */
export async function hostProcesses(host: LabHost): Promise<string[]> {
  const lines: string[] = [];
  for (const pid of await netnsPids(host.netns)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
    if (cmdline !== null) lines.push(`${pid} ${cmdline.split('\0').filter(Boolean).join(' ')}`);
  }
  return lines.sort();
}

/** Pids in the host's namespace whose executable is `name` (redis-server, make, cc1...). */
export async function hostPidsOf(host: LabHost, name: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await netnsPids(host.netns)) {
    const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (path.basename(exe.replace(/ \(deleted\)$/, '')) === name || comm === name) pids.push(pid);
  }
  return pids;
}

/** SIGKILLs the named processes of a host and waits until they are gone (a crash, not a shutdown). */
export async function killOnHost(host: LabHost, name: string): Promise<number> {
  const pids = await hostPidsOf(host, name);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const deadline = Date.now() + 10_000;
  while ((await hostPidsOf(host, name)).length > 0) {
    if (Date.now() > deadline) throw new Error(`${host.name}: ${name} still running after SIGKILL`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return pids.length;
}

/** The controller-side end of the host's veth: down = the host drops off the network. */
export async function setHostLink(labName: string, host: LabHost, state: 'up' | 'down'): Promise<void> {
  const index = Number(/(\d+)$/.exec(host.name)![1]);
  await execFileAsync('ip', ['link', 'set', vethName(labName, index), state]);
}

/**
 * Stops the host's redis-servers and removes what the cluster playbook installed there: the
 * binaries and build tree in its /usr/local, the node dirs in its /opt.
 */
export async function wipeRedis(host: LabHost, baseDir: string): Promise<void> {
  await killOnHost(host, 'redis-server');
  await rm(path.join(host.root, 'usr-local', 'src'), { recursive: true, force: true });
  await rm(path.join(host.root, 'usr-local', 'bin'), { recursive: true, force: true });
  await rm(path.join(host.root, baseDir.replace(/^\/opt\//, 'opt/')), { recursive: true, force: true });
}

/**
 * Puts the cached Redis build (test/helpers/redis-binaries.ts) into the host's /usr/local/bin,
 * as if an earlier run had built it there, for tests that are not about the build.
 */
export async function seedRedisBinaries(host: LabHost): Promise<void> {
  const binaries = ensureRedisBinaries();
  const target = path.join(host.root, 'usr-local', 'bin');
  await mkdir(target, { recursive: true });
  await cp(path.join(binaries.prefix, 'bin'), target, { recursive: true, verbatimSymlinks: true });
}
