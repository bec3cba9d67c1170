import type { Recap, RunEvent, RunEventSink } from './events.ts';
import { emptyHostRecap, tallyNode, tallyRescue, tallyUndone } from './recap.ts';

/**
 * Counts node outcomes per host as events pass, and hands each node-end on with its host's
 * counts so far (`hostRecap`), so reporters show the run's own numbers instead of counting.
 */
export class RecapCollector implements RunEventSink {
  readonly recap: Recap = {};
  private readonly undone = new Set<string>();
  constructor(private readonly next: RunEventSink) {}

  addHosts(hosts: string[]): void {
    for (const host of hosts) this.recap[host] ??= emptyHostRecap();
  }

  emit(event: RunEvent): void {
    if (event.type === 'node-end') {
      const row = event.uncounted ? (this.recap[event.node.host] ??= emptyHostRecap()) : tallyNode(this.recap, event.node.host, event.status, event.ignoredError);
      this.next.emit({ ...event, hostRecap: { ...row } });
      return;
    }
    if (event.type === 'block-rescued') tallyRescue(this.recap, event.host, event.failedNodes.length, event.blockedNodes?.length ?? 0);
    // A node's change undone once counts once, however many of its loop items were undone.
    if (event.type === 'rollback-node' && event.status === 'rolled-back' && !this.undone.has(event.node.nodeId)) {
      this.undone.add(event.node.nodeId);
      tallyUndone(this.recap, event.node.host);
    }
    this.next.emit(event);
  }
}
