import { tasksOf } from '../playbook/block.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';

// The waits a block adds to Ansible's order, per host: rescue starts once every task of the
// block is done, always once block and rescue are, and the task after the block once all of it
// is. Whether each then runs is decided by the scheduler from the block's outcome.

export interface BlockLinking {
  play: Play;
  included: ReadonlySet<string>;
  instances: Map<string, string[]>;
  linkNodes(fromIds: readonly string[], toIds: readonly string[]): void;
}

export function addBlockEdges(graph: BlockLinking): void {
  const nodesOf = (tasks: TaskSpec[]) => tasks.filter((t) => graph.included.has(t.id)).flatMap((t) => graph.instances.get(t.id) ?? []);
  const first = (tasks: TaskSpec[]) => tasks.find((t) => graph.included.has(t.id));
  for (const block of graph.play.blocks ?? []) {
    const body = tasksOf(block.block);
    const rescue = tasksOf(block.rescue);
    const always = tasksOf(block.always);
    const rescueStart = first(rescue);
    if (rescueStart) graph.linkNodes(nodesOf(body), graph.instances.get(rescueStart.id)!);
    const alwaysStart = first(always);
    if (alwaysStart) graph.linkNodes(nodesOf([...body, ...rescue]), graph.instances.get(alwaysStart.id)!);
    // The next task in Ansible's order waits for the whole block, not only its last task.
    const all = [...body, ...rescue, ...always];
    const lastIndex = graph.play.tasks.indexOf(all[all.length - 1]!);
    const next = graph.play.tasks.slice(lastIndex + 1).find((t) => graph.included.has(t.id));
    if (next?.followsPrevious) graph.linkNodes(nodesOf(all), graph.instances.get(next.id)!);
  }
}
