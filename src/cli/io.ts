import { InputError, PlaygraphError } from '../errors.ts';
import { EXIT_BAD_INPUT } from '../run/recap.ts';
import type { SecretMasker } from '../run/secrets.ts';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Prints an error from reading the inputs as one paragraph and returns its exit code: 4 for bad
 * input. Unexpected errors are re-thrown so main() shows their stack. Secrets are masked when
 * a masker already knows them. With `json`, the error is also one JSON event on stdout
 * (`{"type":"input-error",...}`), so a machine reading --output json sees why nothing ran.
 */
export function reportInputError(error: unknown, io: CliIo, options: { masker?: SecretMasker; json?: boolean } = {}): number {
  if (!(error instanceof PlaygraphError)) throw error;
  const message = options.masker ? options.masker.mask(error.message) : error.message;
  const exitCode = error instanceof InputError ? EXIT_BAD_INPUT : 1;
  io.stderr.write(`ERROR: ${message}\n`);
  if (options.json) {
    const position = error instanceof InputError ? error.position : undefined;
    io.stdout.write(`${JSON.stringify({ type: 'input-error', message, ...(position ? { position } : {}), exitCode })}\n`);
  }
  return exitCode;
}
