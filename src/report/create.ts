// Picks the reporter for the CLI, as lage does from TTY and CI variables.

import { maskingSink, type SecretMasker } from '../run/secrets.ts';
import { JsonLinesReporter } from './json.ts';
import { PlainReporter } from './plain.ts';
import type { Reporter } from './reporter.ts';
import { TtyReporter } from './tty.ts';

export type ReporterKind = 'auto' | 'tty' | 'plain' | 'json';

export interface CreateReporterOptions {
  stream: NodeJS.WritableStream;
  diff: boolean;
  /** Default: on for the TTY reporter unless NO_COLOR is set, off for plain lines. */
  color?: boolean;
  verbose?: boolean;
  /** When given, every event is masked before the reporter sees it (secrets added later count). */
  masker?: SecretMasker;
  /** The environment to read CI and NO_COLOR from; process.env unless a caller needs otherwise. */
  env?: Record<string, string | undefined>;
}

function isTty(stream: NodeJS.WritableStream): boolean {
  return (stream as Partial<NodeJS.WriteStream>).isTTY === true;
}

/** Any non-empty CI value but "false"/"0" means a CI runner, where a live view only adds noise. */
function isCi(env: Record<string, string | undefined>): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** `auto` is the TTY view on a terminal outside CI, plain lines otherwise. */
export function createReporter(kind: ReporterKind, options: CreateReporterOptions): Reporter {
  const env = options.env ?? process.env;
  const chosen = kind === 'auto' ? (isTty(options.stream) && !isCi(env) ? 'tty' : 'plain') : kind;
  const common = { stream: options.stream, diff: options.diff, verbose: options.verbose };
  let reporter: Reporter;
  if (chosen === 'json') {
    reporter = new JsonLinesReporter({ stream: options.stream });
  } else if (chosen === 'tty') {
    reporter = new TtyReporter({ ...common, color: options.color ?? !env.NO_COLOR });
  } else {
    reporter = new PlainReporter({ ...common, color: options.color ?? false });
  }
  const masker = options.masker;
  if (!masker) return reporter;
  const masked = maskingSink(reporter, masker);
  return { emit: (event) => masked.emit(event), done: () => reporter.done() };
}
