import type { GraphNode } from '../graph/types.ts';
import type { Play } from '../playbook/types.ts';
import type { NodeOutcome } from './outcome.ts';

// When one host's failure ends the play for all (Ansible's linear strategy rules, applied as
// nodes end): any_errors_fatal on the first failure, max_fail_percentage once more than that
// share of the batch failed. A failure a block's rescue may still make good does not count yet,
// as a host in rescue is not failed for Ansible. The play then starts nothing more on any host.

function hasRescue(play: Play, node: GraphNode): boolean {
  const blocks = new Map((play.blocks ?? []).map((block) => [block.id, block]));
  return (node.task.blocks ?? []).some((m) => m.part === 'block' && (blocks.get(m.block)?.rescue.length ?? 0) > 0);
}

export class PlayFailurePolicy {
  private readonly failedHosts = new Set<string>();
  private reason: string | undefined;

  constructor(
    private readonly play: Play,
    private readonly batchHosts: readonly string[],
  ) {}

  observe(node: GraphNode, outcome: NodeOutcome): void {
    const failed = (outcome.status === 'failed' && !outcome.ignoredError) || outcome.status === 'unreachable';
    if (!failed || hasRescue(this.play, node)) return;
    this.failedHosts.add(node.host);
    if (this.reason) return;
    if (this.play.anyErrorsFatal || node.task.anyErrorsFatal) {
      this.reason = `any_errors_fatal: ${node.id} ${outcome.status}`;
      return;
    }
    const limit = this.play.maxFailPercentage;
    if (limit !== undefined && (this.failedHosts.size / this.batchHosts.length) * 100 > limit) {
      this.reason = `max_fail_percentage ${limit}% exceeded: ${this.failedHosts.size} of ${this.batchHosts.length} hosts failed`;
    }
  }

  /** Why the play stopped for every host, once it has. */
  stopReason(): string | undefined {
    return this.reason;
  }
}
