// The lab's promises about its own life, on throwaway labs beside the run's (named labs get their
// own bridge and subnet): a torn-down lab leaves nothing, not even a process a test left running
// in it; a lab that fails halfway through its creation leaves nothing; one namespace whose
// processes will not go does not keep the rest of the lab alive; a non-root user is refused with
// a clear message before anything is touched, by the CLI and by the e2e global setup.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openConnection } from '../../src/connect/open.ts';
import { LabCleanupError } from '../lab/lab-errors.ts';
import { labNetwork, listNetns, netnsName, netnsPids, netnsPrefix, networkClash, vethName } from '../lab/lab-network.ts';
import { labLockFile } from '../lab/lab-lock.ts';
import { createLab, destroyLab, DEFAULT_LAB_NAME, labDir, listLabs, type Lab } from '../lab/lab.ts';
import { processKey } from '../lab/leftovers.ts';
import { run, runQuietly } from '../lab/run-command.ts';
import { mountHungFilesystem } from './helpers/lab-hung-fs.ts';
import { labTraces } from './helpers/lab-traces.ts';
import { REPO } from './helpers/playgraph.ts';

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/** A lab name of our own whose subnet no lab on this machine (nor the usual default and bench) uses. */
async function throwawayName(purpose: string): Promise<string> {
  const taken = [...(await listLabs()), DEFAULT_LAB_NAME, 'bench'];
  for (let i = 0; ; i++) {
    const name = `e2e-${purpose}-${i}`;
    if (!taken.includes(name) && !networkClash(name, taken)) return name;
  }
}

/** Whatever a test leaves (a lab, a dummy link, a process) is removed after it, pass or fail. */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function ownLab(name: string): void {
  cleanups.push(() => destroyLab(name));
}

/** Runs a command as nobody; resolves with its exit and output, killing it after boundMs (a hang). */
function asNobody(argv: string[], boundMs: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', [...NOBODY, 'env', 'HOME=/nonexistent', ...argv], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const kill = setTimeout(() => child.kill('SIGKILL'), boundMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(kill);
      resolve({ code, signal, stderr });
    });
  });
}

describe('destroyLab', () => {
  it('leaves no namespace, link, sshd, dir, nor a process a test left running inside a host', async () => {
    const name = await throwawayName('down');
    ownLab(name);
    const lab = await createLab({ hosts: 2, name });
    // A detached process started over SSH outlives its session, as a daemon a test forgot would.
    const conn = openConnection('server2', { kind: 'ssh', address: lab.hosts[1]!.address, port: 22, user: 'root', privateKeyFile: lab.privateKeyFile, become: false }, { knownHostsFile: lab.knownHostsFile });
    try {
      expect((await conn.exec({ shell: 'setsid sleep 3600 </dev/null >/dev/null 2>&1 & echo started' })).stdout).toBe('started\n');
    } finally {
      await conn.close();
    }
    const orphans: string[] = [];
    for (const pid of await netnsPids(lab.hosts[1]!.netns)) {
      if ((await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).startsWith('sleep\u00003600')) orphans.push((await processKey(pid))!);
    }
    expect(orphans, 'the orphan runs in server2').toHaveLength(1);
    const before = await labTraces(name);
    for (const expected of [`network namespace ${lab.hosts[0]!.netns}`, `network link ${labNetwork(name).bridge}`, `network link ${vethName(name, 2)}`, `directory ${lab.dir}`]) {
      expect(before, 'what the lab had').toContain(expected);
    }
    expect(before.filter((t) => t.includes('sshd -D')), 'two sshds').toHaveLength(2);

    await destroyLab(name);
    expect(await labTraces(name)).toEqual([]);
    expect(await processKey(orphans[0]!.split(':')[0]!), 'the orphan sleep').not.toBe(orphans[0]);
  });

  it('removes every namespace, the bridge and the dir even when a process in one namespace cannot be killed, then reports it', { timeout: 60_000 }, async () => {
    const name = await throwawayName('stuck');
    ownLab(name);
    const lab = await createLab({ hosts: 2, name });
    const stuck = lab.hosts[0]!.netns;
    const hung = await mountHungFilesystem();
    cleanups.push(() => hung.stop());
    // A process of server1 waits on a filesystem that never answers: SIGKILL cannot end it.
    const waiter = spawn('ip', ['netns', 'exec', stuck, 'stat', path.join(hung.mountpoint, 'never')], { stdio: 'ignore' });
    await hung.requestHeld();
    expect(await netnsPids(stuck)).toContain(waiter.pid);

    const error = await destroyLab(name).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(LabCleanupError);
    expect((error as Error).message).toContain(`processes ${waiter.pid} in ${stuck} did not exit`);
    expect((error as LabCleanupError).failures).toHaveLength(1);
    // Everything else went, the stuck namespace's name and veth included; the process is still there, killed but not dead.
    expect(await labTraces(name)).toEqual([]);
    expect((await readFile(`/proc/${waiter.pid}/stat`, 'utf8')).split(') ')[1]?.[0], 'uninterruptible sleep').toBe('D');
    await hung.stop(); // the filesystem goes away: the killed process ends at last
    await expect.poll(() => processKey(waiter.pid!), { timeout: 10_000 }).toBeNull();
  });
});

describe('createLab', () => {
  it('that fails halfway (an interface name already taken) leaves nothing behind', { timeout: 60_000 }, async () => {
    const name = await throwawayName('half');
    ownLab(name);
    // Something else on the machine holds host 3's veth name: hosts 1 and 2 come up, host 3 fails
    // after its namespace exists.
    const taken = vethName(name, 3);
    await run('ip', ['link', 'add', taken, 'type', 'bridge']); // any kind of link will do; this kernel may lack dummy
    cleanups.push(() => runQuietly('ip', ['link', 'del', taken]));

    // What of the lab existed while createLab ran (cheap polls, so a short-lived sshd is seen):
    // proof that it failed halfway, not up front.
    const seen = new Set<string>();
    let creating = true;
    const watcher = (async () => {
      while (creating) {
        for (const netns of await listNetns(netnsPrefix(name))) {
          seen.add(`namespace ${netns}`);
          if ((await netnsPids(netns)).length > 0) seen.add(`processes in ${netns}`);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const error = await createLab({ hosts: 3, name }).then((lab: Lab) => lab, (e: unknown) => e);
    creating = false;
    await watcher;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`cannot add the veth ${taken} of ${netnsName(name, 'server3')}`);
    const [server1, server3] = [netnsName(name, 'server1'), netnsName(name, 'server3')];
    expect([...seen].sort(), 'server1 started its sshd and server3 had its namespace before the failure').toEqual(expect.arrayContaining([`namespace ${server1}`, `processes in ${server1}`, `namespace ${server3}`]));
    // Only the interface the test itself made is left.
    expect(await labTraces(name)).toEqual([`network link ${taken}`]);
  });
});

describe('without root', () => {
  it('`lab up` refuses with a clear message and a failing exit, and creates nothing', async () => {
    const name = await throwawayName('nobody');
    ownLab(name);
    const result = await asNobody([process.execPath, '--import', 'tsx', 'test/lab/cli.ts', 'up', '1', name], 60_000);
    expect(result.signal).toBeNull();
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim()).toBe('the playgraph lab needs root (network namespaces, bridges, bind mounts); run the e2e tests or `npm run lab` as root, e.g. with sudo');
    expect(await labTraces(name)).toEqual([]);
  });

  it('the e2e global setup refuses at once, before waiting for (or taking) the lab lock this run holds', async () => {
    const lock = labLockFile(DEFAULT_LAB_NAME);
    const owner = await readFile(lock, 'utf8');
    const setup = path.join(REPO, 'test', 'lab', 'global-setup.ts');
    const script = `const m = await import(${JSON.stringify(setup)}); await m.setup({ provide() {} });`;
    // Bound: a setup that waits for the lock instead would sit there for 30 minutes.
    const result = await asNobody([process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], 60_000);
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('LabNeedsRootError: the playgraph lab needs root');
    expect(result.stderr).not.toContain('waiting for another test run');
    expect(await readFile(lock, 'utf8'), 'the lock is still this run\'s').toBe(owner);
    expect(existsSync(labDir(DEFAULT_LAB_NAME)), 'the run\'s lab is still there').toBe(true);
  });
});
