// One line per event as it happens, Ansible-like, for logs, CI and pipes.

import type { RunEvent } from '../run/events.ts';
import { formatEvent, type LineOptions } from './lines.ts';
import type { Reporter } from './reporter.ts';

export interface PlainReporterOptions {
  stream: NodeJS.WritableStream;
  diff: boolean;
  color?: boolean;
  verbose?: boolean;
}

export class PlainReporter implements Reporter {
  private readonly stream: NodeJS.WritableStream;
  private readonly lineOptions: LineOptions;

  constructor(options: PlainReporterOptions) {
    this.stream = options.stream;
    this.lineOptions = { diff: options.diff, color: options.color ?? false, verbose: options.verbose ?? false };
  }

  emit(event: RunEvent): void {
    const lines = formatEvent(event, this.lineOptions);
    if (lines.length > 0) this.stream.write(`${lines.join('\n')}\n`);
  }

  /** Every line is written as its event arrives; nothing is held back. */
  async done(): Promise<void> {}
}
