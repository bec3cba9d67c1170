// vitest globalSetup for the e2e project: one lab for the whole run. Tests read it with
// `inject('lab')`; scripts and other processes read the same description from LAB_DESCRIPTION_FILE.
import { rm, writeFile } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { acquireLabLock } from './lab-lock.ts';
import { createLab, destroyLab, DEFAULT_LAB_NAME, type LabDescription } from './lab.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabDescription;
  }
}

/** Where the running e2e lab is described as JSON (outside the lab dir, for tools started by tests). */
export const LAB_DESCRIPTION_FILE = '/var/tmp/playgraph-e2e-lab.json';

/** Another run on this machine holds the lab: wait for it rather than tear its lab down. */
const LOCK_TIMEOUT_MS = 30 * 60_000;

export async function setup(project: TestProject): Promise<() => Promise<void>> {
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
  const onSignal = (signal: NodeJS.Signals): void => {
    void teardown().finally(() => process.kill(process.pid, signal));
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
