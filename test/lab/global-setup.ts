// vitest globalSetup for the e2e project: one lab for the whole run. Tests read it with
// `inject('lab')`; scripts and other processes read the same description from LAB_DESCRIPTION_FILE.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { acquireLabLock, labLockFile } from './lab-lock.ts';
import { assertRoot, createLab, destroyLab, DEFAULT_LAB_NAME, LAB_DESCRIPTION_FILE, type LabDescription } from './lab.ts';

export { LAB_DESCRIPTION_FILE };

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabDescription;
  }
}

/** Another run on this machine holds the lab: wait for it rather than tear its lab down. */
const LOCK_TIMEOUT_MS = 30 * 60_000;

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Before the lock: a non-root run must be refused at once, not wait 30 min for a root run's lab
  // (or take the lock and stall the next root run).
  assertRoot();
  const hosts = Number(process.env.PLAYGRAPH_LAB_HOSTS ?? 3);
  const releaseLock = await acquireLabLock(DEFAULT_LAB_NAME, {
    timeoutMs: LOCK_TIMEOUT_MS,
    onWait: (owner) => console.error(`e2e: waiting for another test run (pid ${owner}) to finish with the lab`),
  });
  let tornDown = false;
  const teardown = async (): Promise<void> => {
    if (tornDown) return;
    tornDown = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    try {
      await destroyLab(DEFAULT_LAB_NAME);
      await rm(LAB_DESCRIPTION_FILE, { force: true });
    } finally {
      await releaseLock();
    }
  };
  // vitest exits 1 ms after SIGINT/SIGTERM without running teardowns, so the lab is handed to a
  // detached cleaner that outlives this process; it takes over the lock so no new run starts on
  // the lab it is removing.
  const onSignal = (): void => {
    if (tornDown) return;
    tornDown = true;
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const cleaner = spawn(process.execPath, ['--import', 'tsx', cli, 'cleanup-after-run', DEFAULT_LAB_NAME], { detached: true, stdio: 'ignore' });
    cleaner.unref();
    if (cleaner.pid) writeFileSync(labLockFile(DEFAULT_LAB_NAME), `${cleaner.pid}\n`);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await destroyLab(DEFAULT_LAB_NAME); // left by a run that was killed before its teardown
    const { down: _down, ...description } = await createLab({ hosts, name: DEFAULT_LAB_NAME });
    project.provide('lab', description);
    await writeFile(LAB_DESCRIPTION_FILE, JSON.stringify(description, null, 2) + '\n');
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
