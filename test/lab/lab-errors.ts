// The lab's own errors, in playgraph's hierarchy so a test can tell a lab failure from anything else.
import { PlaygraphError } from '../../src/errors.ts';

export class LabError extends PlaygraphError {}

/** Refused before anything was touched: the lab needs root. */
export class LabNeedsRootError extends LabError {
  constructor() {
    super('the playgraph lab needs root (network namespaces, bridges, bind mounts); run the e2e tests or `npm run lab` as root, e.g. with sudo');
  }
}

/**
 * A cleanup (a lab's teardown, a test's) removed what it could but some steps failed; `failures`
 * holds each step's error. Cleanups never stop at the first failure: one stuck namespace must not
 * keep the others, the bridge and the lab dir alive.
 */
export class LabCleanupError extends LabError {
  readonly failures: readonly unknown[];
  constructor(what: string, failures: readonly unknown[]) {
    const reasons = failures.map((f) => (f instanceof Error ? f.message : String(f)));
    super(`${what} finished with ${failures.length} failure(s): ${reasons.join('; ')}`);
    this.failures = failures;
  }
}

/** Runs every step, each whatever the others did, then throws a LabCleanupError if any failed. */
export async function cleanUpEach(what: string, steps: ReadonlyArray<() => unknown>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new LabCleanupError(what, failures);
}
