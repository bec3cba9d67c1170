import type { Recap, RunEvent, RunEventSink } from './events.ts';
import { emptyHostRecap, tallyNode } from '../report/recap.ts';

/** Counts node outcomes per host as events pass, then forwards them unchanged. */
export class RecapCollector implements RunEventSink {
  readonly recap: Recap = {};
  constructor(private readonly next: RunEventSink) {}

  addHosts(hosts: string[]): void {
    for (const host of hosts) this.recap[host] ??= emptyHostRecap();
  }

  emit(event: RunEvent): void {
    if (event.type === 'node-end') {
      // A failure that ignore_errors accepted does not fail the run (Ansible's "ignored").
      tallyNode(this.recap, event.node.host, event.ignoredError ? 'ok' : event.status);
    }
    this.next.emit(event);
  }
}
