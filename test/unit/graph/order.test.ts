// Ansible's order from data: playbook YAML in, the graph's edges out. A task without `needs`
// follows the task before it on the same host; `needs` replaces that edge; hosts never wait for
// each other unless a run_once task joins them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlayGraph } from '../../../src/graph/build.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import { selectTasks } from '../../../src/playbook/tags.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-order-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;

async function edgesOf(tasks: string, hosts = ['h1', 'h2'], tags?: string[]): Promise<string[]> {
  const file = path.join(scratch, `play${count++}.yaml`);
  writeFileSync(file, `- hosts: all\n  tasks:\n${tasks}`);
  const play = (await loadPlaybook(file)).plays[0]!;
  const graph = buildPlayGraph(0, play, hosts, { selected: selectTasks(play.tasks, { tags }) });
  return graph.edges.map(([from, to]) => `${from} -> ${to}`).sort();
}

describe('task order', () => {
  it('chains tasks without needs in file order, per host, with no edge across hosts', async () => {
    const edges = await edgesOf('    - id: a\n      command: "true"\n    - id: b\n      command: "true"\n    - id: c\n      command: "true"\n');
    expect(edges).toEqual(['a@h1 -> b@h1', 'a@h2 -> b@h2', 'b@h1 -> c@h1', 'b@h2 -> c@h2']);
  });

  it('orders tasks without ids (as an Ansible playbook has them) by their place in the file', async () => {
    const edges = await edgesOf('    - name: first\n      command: "true"\n    - name: second\n      command: "true"\n', ['h1']);
    expect(edges).toEqual(['first@h1 -> second@h1']);
  });

  it('takes needs: [a] instead of the edge to the task before', async () => {
    const edges = await edgesOf('    - id: a\n      command: "true"\n    - id: b\n      command: "true"\n    - id: c\n      command: "true"\n      needs: [a]\n', ['h1']);
    expect(edges).toEqual(['a@h1 -> b@h1', 'a@h1 -> c@h1']);
  });

  it('gives needs: [] no edge at all: it starts as soon as a slot is free', async () => {
    const edges = await edgesOf('    - id: a\n      command: "true"\n    - id: b\n      command: "true"\n      needs: []\n    - id: c\n      command: "true"\n', ['h1']);
    // c still follows b, the task before it.
    expect(edges).toEqual(['b@h1 -> c@h1']);
  });

  it('passes over tasks --tags left out: the next selected task follows the last selected one', async () => {
    const tasks = '    - id: a\n      command: "true"\n      tags: [x]\n    - id: b\n      command: "true"\n    - id: c\n      command: "true"\n      tags: [x]\n';
    expect(await edgesOf(tasks, ['h1'], ['x'])).toEqual(['a@h1 -> c@h1']);
  });

  it('joins every host at a run_once task, before and after it', async () => {
    const tasks = '    - id: a\n      command: "true"\n    - id: once\n      command: "true"\n      run_once: true\n    - id: b\n      command: "true"\n';
    expect(await edgesOf(tasks)).toEqual(['a@h1 -> once', 'a@h2 -> once', 'once -> b@h1', 'once -> b@h2']);
  });
});

describe('playbooks/cluster.yaml keeps its parallelism', () => {
  it('starts build, tune and config at once; start waits for all three', async () => {
    const play = (await loadPlaybook('playbooks/cluster.yaml')).plays[0]!;
    const graph = buildPlayGraph(0, play, ['server1']);
    const into = (id: string) => graph.edges.filter(([, to]) => to === `${id}@server1`).map(([from]) => from).sort();
    expect(into('build')).toEqual([]);
    expect(into('tune')).toEqual([]);
    expect(into('config')).toEqual([]);
    expect(into('start')).toEqual(['build@server1', 'config@server1', 'tune@server1']);
  });
});
