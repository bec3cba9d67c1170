// Handlers' flush points from data: playbook YAML in, the graph's handler nodes and edges out.
// Ansible runs notified handlers once per host at the end of pre_tasks, of tasks, of post_tasks
// and at each meta: flush_handlers, in the handler list's order, before the next section starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { buildPlayGraph } from '../../../src/graph/build.ts';
import type { PlayGraph } from '../../../src/graph/types.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-handlers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;

async function graphOf(playYaml: string, hosts = ['h1']): Promise<PlayGraph> {
  const file = path.join(scratch, `play${count++}.yaml`);
  writeFileSync(file, `- hosts: all\n${playYaml}`);
  const play = (await loadPlaybook(file)).plays[0]!;
  return buildPlayGraph(0, play, hosts);
}

const edges = (graph: PlayGraph) => graph.edges.map(([from, to]) => `${from} -> ${to}`).sort();
const into = (graph: PlayGraph, nodeId: string) => graph.edges.filter(([, to]) => to === nodeId).map(([from]) => from).sort();

const cmd = (id: string, extra = '') => `    - id: ${id}\n      command: "true"\n${extra}`;
const handler = (id: string, extra = '') => `    - id: ${id}\n      name: ${id}\n      command: "true"\n${extra}`;

describe('handler flush points', () => {
  it('runs a handler after every task of the section on its host, not right after its notifier', async () => {
    const graph = await graphOf(`  tasks:\n${cmd('a', '      notify: h\n')}${cmd('b')}  handlers:\n${handler('h')}`, ['h1', 'h2']);
    expect(edges(graph)).toEqual(['a@h1 -> b@h1', 'a@h1 -> h@h1', 'a@h2 -> b@h2', 'a@h2 -> h@h2', 'b@h1 -> h@h1', 'b@h2 -> h@h2']);
    expect(graph.nodes.get('h@h1')!.notifiedBy).toEqual(['a@h1']);
  });

  it('is notified once per host however many tasks notify it', async () => {
    const graph = await graphOf(`  tasks:\n${cmd('a', '      notify: h\n')}${cmd('b', '      notify: [h]\n')}  handlers:\n${handler('h')}`);
    expect([...graph.nodes.keys()].filter((id) => id.startsWith('h'))).toEqual(['h@h1']);
    expect(graph.nodes.get('h@h1')!.notifiedBy).toEqual(['a@h1', 'b@h1']);
  });

  it('runs handlers in the order of the handler list, not of notification', async () => {
    const graph = await graphOf(`  tasks:\n${cmd('a', '      notify: second\n')}${cmd('b', '      notify: first\n')}  handlers:\n${handler('first')}${handler('second')}`);
    expect(into(graph, 'second@h1')).toEqual(['a@h1', 'b@h1', 'first@h1']);
    expect(into(graph, 'first@h1')).toEqual(['a@h1', 'b@h1']);
  });

  it('flushes at the end of pre_tasks, before the first task, and again after tasks', async () => {
    const graph = await graphOf(
      `  pre_tasks:\n${cmd('p', '      notify: h\n')}  tasks:\n${cmd('t', '      notify: h\n')}  post_tasks:\n${cmd('q')}  handlers:\n${handler('h')}`,
    );
    expect(into(graph, 'h@h1')).toEqual(['p@h1']);
    expect(into(graph, 't@h1')).toEqual(['h@h1', 'p@h1']);
    expect(into(graph, 'h#2@h1')).toEqual(['h@h1', 't@h1']);
    expect(into(graph, 'q@h1')).toEqual(['h#2@h1', 't@h1']);
    expect(graph.nodes.get('h#2@h1')!.notifiedBy).toEqual(['t@h1']);
  });

  it('flushes at meta: flush_handlers, and the task after it waits for that flush', async () => {
    const graph = await graphOf(
      `  tasks:\n${cmd('a', '      notify: h\n')}    - meta: flush_handlers\n${cmd('b')}${cmd('c', '      notify: h\n')}  handlers:\n${handler('h')}`,
    );
    expect(into(graph, 'h@h1')).toEqual(['a@h1']);
    expect(into(graph, 'b@h1')).toEqual(['a@h1', 'h@h1']);
    expect(into(graph, 'h#2@h1')).toEqual(['b@h1', 'c@h1', 'h@h1']);
  });

  it('notifies every handler that listens to a topic', async () => {
    const graph = await graphOf(
      `  tasks:\n${cmd('a', '      notify: restart web\n')}  handlers:\n${handler('nginx', '      listen: restart web\n')}${handler('php', '      listen: [restart web, other]\n')}${handler('unrelated')}`,
    );
    expect([...graph.nodes.keys()].sort()).toEqual(['a@h1', 'nginx@h1', 'php@h1']);
    expect(into(graph, 'php@h1')).toEqual(['a@h1', 'nginx@h1']);
  });

  it("keeps a handler's own needs in place of the list order", async () => {
    const graph = await graphOf(
      `  tasks:\n${cmd('a', '      notify: [x, y]\n')}${cmd('b')}  handlers:\n${handler('x')}${handler('y', '      needs: [b]\n')}`,
    );
    expect(into(graph, 'y@h1')).toEqual(['a@h1', 'b@h1']);
  });

  it('runs a handler a task needs right after its notifier (playgraph order, asked for by needs)', async () => {
    const graph = await graphOf(
      `  tasks:\n${cmd('config', '      notify: restart\n      needs: []\n')}${cmd('start', '      needs: []\n')}${cmd('meet', '      needs: [start, restart]\n')}  handlers:\n${handler('restart', '      needs: [start]\n')}`,
    );
    expect(into(graph, 'restart@h1')).toEqual(['config@h1', 'start@h1']);
    expect(into(graph, 'meet@h1')).toEqual(['restart@h1', 'start@h1']);
  });

  it('joins every host to a run_once handler', async () => {
    const graph = await graphOf(`  tasks:\n${cmd('a', '      notify: h\n')}  handlers:\n${handler('h', '      run_once: true\n')}`, ['h1', 'h2']);
    expect(into(graph, 'h')).toEqual(['a@h1', 'a@h2']);
    expect(graph.nodes.get('h')!.notifiedBy).toEqual(['a@h1', 'a@h2']);
  });
});

describe('flush points as the loader reads them', () => {
  it('numbers pre_tasks, tasks and post_tasks, and each meta: flush_handlers, as flush groups', async () => {
    const file = path.join(scratch, 'groups.yaml');
    writeFileSync(file, `- hosts: all\n  post_tasks:\n${cmd('q')}  tasks:\n${cmd('t1')}    - meta: flush_handlers\n${cmd('t2')}  pre_tasks:\n${cmd('p')}`);
    const play = (await loadPlaybook(file)).plays[0]!;
    expect(play.tasks.map((t) => [t.id, t.flushGroup])).toEqual([['p', 0], ['t1', 1], ['t2', 2], ['q', 3]]);
  });

  it.each([
    [`  tasks:\n    - meta: flush_handlers\n      when: x\n`, "meta: flush_handlers takes no 'when'"],
    [`  tasks: []\n  handlers:\n    - meta: flush_handlers\n`, 'meta: flush_handlers belongs in pre_tasks, tasks or post_tasks'],
    [`  tasks:\n${cmd('a', '      notify: nobody listens\n')}  handlers:\n${handler('h', '      listen: somebody\n')}`, "notify: no handler named 'nobody listens'"],
  ])('refuses %j', async (playYaml, message) => {
    const file = path.join(scratch, `bad${count++}.yaml`);
    writeFileSync(file, `- hosts: all\n${playYaml}`);
    const error = await loadPlaybook(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });
});
