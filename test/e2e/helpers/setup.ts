// Runs in every e2e test file: whatever a test leaves running when it ends (a timeout, a failed
// assertion before the CLI finished) is stopped before the next test starts.
import { afterEach } from 'vitest';
import { stopStrayRuns } from './playgraph.ts';

// bin/playgraph.js runs dist/ by default; the e2e tests run the TypeScript sources through it,
// so they test the tree as it is without a build (cli-compiled-local.test.ts tests dist/).
process.env.PLAYGRAPH_FROM_SOURCE = '1';

afterEach(() => stopStrayRuns());
