// JSON Lines: each event as it is, one object per line, for machines (`jq`, CI annotations).
// Events reach reporters already masked (see src/run/secrets.ts), so they are written unchanged.

import type { RunEvent } from '../run/events.ts';
import type { Reporter } from './reporter.ts';

export class JsonLinesReporter implements Reporter {
  private readonly stream: NodeJS.WritableStream;

  constructor(options: { stream: NodeJS.WritableStream }) {
    this.stream = options.stream;
  }

  emit(event: RunEvent): void {
    this.stream.write(`${JSON.stringify(event)}\n`);
  }

  async done(): Promise<void> {}
}
