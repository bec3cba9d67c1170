// vitest globalSetup for the e2e project: one lab for the whole run. Tests read it with
// `inject('lab')`; scripts and other processes read the same description from LAB_DESCRIPTION_FILE.
import { rm, writeFile } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { createLab, destroyLab, DEFAULT_LAB_NAME, type LabDescription } from './lab.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabDescription;
  }
}

/** Where the running e2e lab is described as JSON (outside the lab dir, for tools started by tests). */
export const LAB_DESCRIPTION_FILE = '/var/tmp/playgraph-e2e-lab.json';

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const hosts = Number(process.env.PLAYGRAPH_LAB_HOSTS ?? 3);
  await destroyLab(DEFAULT_LAB_NAME); // a lab left by an interrupted run
  const lab = await createLab({ hosts, name: DEFAULT_LAB_NAME });
  const { down, ...description } = lab;
  project.provide('lab', description);
  await writeFile(LAB_DESCRIPTION_FILE, JSON.stringify(description, null, 2) + '\n');

  let tornDown = false;
  const teardown = async (): Promise<void> => {
    if (tornDown) return;
    tornDown = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await down();
    await rm(LAB_DESCRIPTION_FILE, { force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void teardown().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return teardown;
}
