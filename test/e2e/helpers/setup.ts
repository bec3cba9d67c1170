// Runs in every e2e test file: whatever a test leaves running when it ends (a timeout, a failed
// assertion before the CLI finished) is stopped before the next test starts.
import { afterEach } from 'vitest';
import { stopStrayRuns } from './playgraph.ts';

afterEach(() => stopStrayRuns());
