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
 * Teardown removed what it could but some steps failed; `failures` holds each step's error. The
 * teardown never stops at the first failure: one stuck namespace must not keep the others, the
 * bridge and the lab dir alive.
 */
export class LabCleanupError extends LabError {
  readonly failures: readonly unknown[];
  constructor(labName: string, failures: readonly unknown[]) {
    const reasons = failures.map((f) => (f instanceof Error ? f.message : String(f)));
    super(`lab ${labName}: teardown finished with ${failures.length} failure(s): ${reasons.join('; ')}`);
    this.failures = failures;
  }
}
