import type { GraphNode, PlayGraph } from '../graph/types.ts';
import { tasksOf } from '../playbook/block.ts';
import type { BlockItem, BlockSpec, TaskSpec } from '../playbook/types.ts';
import { outcomePasses, type NodeOutcome } from './outcome.ts';

// How blocks decide what runs, per host, from the outcomes so far (Ansible's semantics):
// - a failure inside a block is seen from outside only as the block's result: the block passes
//   when its tasks did, or when they failed and its rescue passed, and its always passed too;
// - rescue runs only when the block failed; always runs whether or not it did;
// - neither runs in a block that never started (an earlier failure stopped the host before it).

/** A block whose rescue passed on a host: the failures it rescued no longer fail the host. */
export interface RescuedBlock {
  block: BlockSpec;
  host: string;
  /** The failed nodes the rescue made good. */
  failedNodes: string[];
  /** The block's nodes the failure kept from running: Ansible neither runs nor counts them. */
  blockedNodes: string[];
}

export class BlockGates {
  private readonly blocks: Map<string, BlockSpec>;
  private readonly rescued = new Set<string>();

  constructor(
    private readonly graph: PlayGraph,
    private readonly outcomes: Map<string, NodeOutcome>,
  ) {
    this.blocks = new Map((graph.play.blocks ?? []).map((block) => [block.id, block]));
  }

  private nodeOf(task: TaskSpec, host: string): string | undefined {
    const id = task.runOnce ? task.id : `${task.id}@${host}`;
    return this.graph.nodes.has(id) ? id : undefined;
  }

  private nodesOf(items: readonly BlockItem[], host: string): string[] {
    return tasksOf(items).flatMap((task) => this.nodeOf(task, host) ?? []);
  }

  /** The block started on the host: some task of its body ran or was skipped, none all blocked. */
  private entered(block: BlockSpec, host: string): boolean {
    const body = this.nodesOf(block.block, host);
    return body.length === 0 || body.some((id) => this.outcomes.get(id)?.status !== 'blocked');
  }

  private partPassed(items: readonly BlockItem[], host: string): boolean {
    return items.every((item) => {
      if (item.kind === 'block') return this.blockPassed(item.block, host);
      const id = this.nodeOf(item.task, host);
      if (id === undefined) return true; // left out by --tags: taken as satisfied, as needs are
      const outcome = this.outcomes.get(id);
      return outcome !== undefined && outcomePasses(outcome);
    });
  }

  blockPassed(block: BlockSpec, host: string): boolean {
    if (!this.entered(block, host)) return false;
    const body = this.partPassed(block.block, host) || (block.rescue.length > 0 && this.partPassed(block.rescue, host));
    return body && this.partPassed(block.always, host);
  }

  private complete(block: BlockSpec, host: string): boolean {
    const all = [...this.nodesOf(block.block, host), ...this.nodesOf(block.rescue, host), ...this.nodesOf(block.always, host)];
    return all.every((id) => this.outcomes.has(id));
  }

  /** Whether `dep`'s outcome lets `node` run, seen through the blocks between them. */
  dependencyPasses(node: GraphNode, dep: GraphNode): boolean {
    const from = dep.task.blocks ?? [];
    const to = node.task.blocks ?? [];
    let i = 0;
    while (i < from.length && i < to.length && from[i].block === to[i].block && from[i].part === to[i].part) i += 1;
    const normal = () => outcomePasses(this.outcomes.get(dep.id)!);
    if (i >= from.length) return normal();
    if (i < to.length && from[i].block === to[i].block) {
      // Rescue after the block, always after either: the gate decides, failures do not block.
      if (to[i].part === 'always' || (from[i].part === 'block' && to[i].part === 'rescue')) return true;
      return normal();
    }
    const block = this.blocks.get(from[i].block)!;
    return this.complete(block, dep.host) ? this.blockPassed(block, dep.host) : normal();
  }

  /** What the node's own blocks decide instead of running it, if anything. */
  gate(node: GraphNode): NodeOutcome | undefined {
    for (const membership of node.task.blocks ?? []) {
      if (membership.part === 'block') continue;
      const block = this.blocks.get(membership.block)!;
      const label = block.name ? `"${block.name}"` : block.id;
      if (!this.entered(block, node.host)) return { status: 'blocked', message: `block ${label} did not start` };
      if (membership.part === 'rescue' && this.partPassed(block.block, node.host)) {
        // Ansible neither shows nor counts a rescue that had nothing to rescue.
        return { status: 'skipped', message: `rescue of block ${label} not needed`, uncounted: true };
      }
    }
    return undefined;
  }

  /** Blocks that `node`, just ended, completes as rescued on its host (each reported once). */
  rescuedBy(node: GraphNode): RescuedBlock[] {
    const found: RescuedBlock[] = [];
    for (const membership of node.task.blocks ?? []) {
      if (membership.part !== 'rescue') continue;
      const block = this.blocks.get(membership.block)!;
      const key = `${block.id}\0${node.host}`;
      if (this.rescued.has(key)) continue;
      const rescueNodes = this.nodesOf(block.rescue, node.host);
      if (!rescueNodes.every((id) => this.outcomes.has(id))) continue;
      if (!this.entered(block, node.host) || this.partPassed(block.block, node.host) || !this.partPassed(block.rescue, node.host)) continue;
      this.rescued.add(key);
      const failedNodes = this.nodesOf(block.block, node.host).filter((id) => {
        const outcome = this.outcomes.get(id);
        return outcome?.status === 'failed' && !outcome.ignoredError && !outcome.rescued;
      });
      for (const id of failedNodes) this.outcomes.get(id)!.rescued = true;
      const blockedNodes = this.nodesOf(block.block, node.host).filter((id) => this.outcomes.get(id)?.status === 'blocked');
      found.push({ block, host: node.host, failedNodes, blockedNodes });
    }
    return found;
  }
}
