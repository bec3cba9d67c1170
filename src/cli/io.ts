import { InputError, PlaygraphError } from '../errors.ts';
import type { SecretMasker } from '../run/secrets.ts';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Prints an error from reading the inputs as one paragraph and returns its exit code: 4 for bad
 * input. Unexpected errors are re-thrown so main() shows their stack. Secrets are masked when
 * a masker already knows them.
 */
export function reportInputError(error: unknown, io: CliIo, masker?: SecretMasker): number {
  if (!(error instanceof PlaygraphError)) throw error;
  const message = masker ? masker.mask(error.message) : error.message;
  io.stderr.write(`ERROR: ${message}\n`);
  return error instanceof InputError ? 4 : 1;
}
