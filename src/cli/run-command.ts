import { setMaxListeners } from 'node:events';
import { createReporter } from '../report/create.ts';
import { executeRun } from '../run/execute.ts';
import { reportInputError, type CliIo } from './io.ts';
import { prepareSelection, type SelectionOptions } from './selection.ts';
import { openVault, vaultMasker } from './vault-options.ts';
import type { VaultKeyring } from '../vault/keyring.ts';

export interface RunCommandOptions extends SelectionOptions {
  check?: boolean;
  diff?: boolean;
  forks: number;
  output: 'auto' | 'tty' | 'plain' | 'json';
  knownHosts?: string;
  verbose?: boolean;
}

/**
 * `playgraph run`: everything is read and checked first (exit 4 on bad input, nothing touched),
 * then executed. Ctrl-C aborts in-flight work through the AbortSignal; the recap still prints.
 */
export async function runCommand(playbookFile: string, options: RunCommandOptions, io: CliIo): Promise<number> {
  let prepared;
  let vault: VaultKeyring | undefined;
  try {
    vault = await openVault(options, io);
    prepared = await prepareSelection(playbookFile, options, vault);
  } catch (error) {
    // What Vault decrypted before the error is a secret there too.
    return reportInputError(error, io, { json: options.output === 'json', masker: vaultMasker(vault) });
  }

  // The run decides which nodes carry file changes (--diff, or a task's own `diff:`); the
  // reporter shows whatever changes it is given.
  const reporter = createReporter(options.output, { stream: io.stdout, diff: true, verbose: options.verbose });
  const controller = new AbortController();
  // Every in-flight command listens for the abort (up to --forks at once, 50 by default); Node's
  // default cap of 10 would print a false "memory leak" warning on any run of more than 10 hosts.
  setMaxListeners(0, controller.signal);
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await executeRun(prepared, {
      checkMode: Boolean(options.check),
      diff: Boolean(options.diff),
      verbosity: options.verbose ? 1 : 0,
      forks: options.forks,
      signal: controller.signal,
      sink: reporter,
      knownHostsFile: options.knownHosts,
    });
    await reporter.done();
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
