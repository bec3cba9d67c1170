import type { Recap, RunEvent, RunEventSink } from './events.ts';
import { emptyHostRecap } from '../report/recap.ts';

/** Counts node outcomes per host as events pass, then forwards them unchanged. */
export class RecapCollector implements RunEventSink {
  readonly recap: Recap = {};
  constructor(private readonly next: RunEventSink) {}

  addHosts(hosts: string[]): void {
    for (const host of hosts) this.recap[host] ??= emptyHostRecap();
  }

  emit(event: RunEvent): void {
    if (event.type === 'node-end') {
      const counts = (this.recap[event.node.host] ??= emptyHostRecap());
      // A failure that ignore_errors accepted does not fail the run (Ansible's "ignored").
      counts[event.ignoredError ? 'ok' : event.status]++;
    }
    this.next.emit(event);
  }
}
