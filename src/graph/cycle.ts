/**
 * Finds one cycle in a directed graph, returned as its path with the first node repeated last
 * (`a -> b -> a`), so the error can show the user exactly which needs loop. Iterative DFS so a
 * long chain of needs cannot overflow the stack.
 */
export function findCycle(nodes: string[], edges: [string, string][]): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const node of nodes) next.set(node, []);
  for (const [from, to] of edges) next.get(from)!.push(to);

  const state = new Map<string, 'open' | 'done'>();
  for (const start of nodes) {
    if (state.has(start)) continue;
    const stack: { node: string; index: number }[] = [{ node: start, index: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const targets = next.get(frame.node)!;
      if (frame.index >= targets.length) {
        state.set(frame.node, 'done');
        stack.pop();
        continue;
      }
      const target = targets[frame.index++]!;
      const seen = state.get(target);
      if (seen === 'open') {
        const from = stack.findIndex((entry) => entry.node === target);
        return [...stack.slice(from).map((entry) => entry.node), target];
      }
      if (seen === undefined) {
        state.set(target, 'open');
        stack.push({ node: target, index: 0 });
      }
    }
  }
  return undefined;
}
