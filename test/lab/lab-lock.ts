// One e2e run per lab at a time. Several test runs on one machine (developers, CI retries) would
// otherwise destroy each other's lab as "stale". The lock file holds the owner's pid; a lock whose
// owner is dead is stale and taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { LabError } from './lab-errors.ts';

const POLL_MS = 500;

export function labLockFile(name: string): string {
  return `/var/tmp/playgraph-lab-${name}.lock`;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until this process holds the lab's lock; returns the release function. */
export async function acquireLabLock(name: string, options: { timeoutMs: number; onWait?: (ownerPid: number) => void }): Promise<() => Promise<void>> {
  const file = labLockFile(name);
  const deadline = Date.now() + options.timeoutMs;
  let reported = false;
  for (;;) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return async () => {
        const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
        if (owner === process.pid) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (!owner || !isAlive(owner)) {
      await rm(file, { force: true }); // stale: its run was killed without cleaning up
      continue;
    }
    if (!reported) {
      reported = true;
      options.onWait?.(owner);
    }
    if (Date.now() > deadline) throw new LabError(`lab ${name} is still in use by pid ${owner} (lock ${file})`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
