// One line per event as it happens, Ansible-like, for logs, CI and pipes; in --check, the plan
// per host in graph order.

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
  /** In --check the plan is printed per host, in graph order, when each play ends. */
  private plan: Map<string, string[]> | undefined;

  constructor(options: PlainReporterOptions) {
    this.stream = options.stream;
    this.lineOptions = { diff: options.diff, color: options.color ?? false, verbose: options.verbose ?? false };
  }

  emit(event: RunEvent): void {
    if (event.type === 'run-start' && event.checkMode) this.plan = new Map(event.hosts.map((host) => [host, []]));
    if (event.type === 'play-start' || event.type === 'rollback-start' || event.type === 'run-end') this.flushPlan();
    const lines = formatEvent(event, this.lineOptions);
    if (lines.length === 0) return;
    // A node ends only after its needs, so arrival order per host is graph order.
    const planned = event.type === 'node-end' ? this.plan : undefined;
    if (planned && event.type === 'node-end') {
      const hostLines = planned.get(event.node.host) ?? [];
      hostLines.push(...lines);
      planned.set(event.node.host, hostLines);
      return;
    }
    this.stream.write(`${lines.join('\n')}\n`);
  }

  private flushPlan(): void {
    if (!this.plan) return;
    for (const [host, lines] of this.plan) {
      if (lines.length > 0) this.stream.write(`${lines.join('\n')}\n`);
      this.plan.set(host, []);
    }
  }

  /** Every line is written as its event arrives (in --check, when its play ends). */
  async done(): Promise<void> {
    this.flushPlan();
  }
}
