// serial, strategy, max_fail_percentage and any_errors_fatal from data; serial batching is
// checked against Ansible's own PlaybookExecutor._get_serialized_batches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { batchGraph } from '../../../src/graph/batch.ts';
import { drawGraphs } from '../../../src/graph/draw.ts';
import { buildPlayGraph } from '../../../src/graph/build.ts';
import { loadPlaybook } from '../../../src/playbook/load.ts';
import { serialBatches } from '../../../src/playbook/play-strategy.ts';
import { PlayFailurePolicy } from '../../../src/run/play-failure.ts';
import { ansiblePython } from './jinja-oracle/oracle.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'playgraph-strategy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
async function loadPlay(yaml: string) {
  const file = path.join(scratch, `play${count++}.yaml`);
  writeFileSync(file, yaml);
  return (await loadPlaybook(file, { rolesPath: [] })).plays[0]!;
}
const tasks = '  tasks:\n    - id: a\n      command: "true"\n    - id: b\n      command: "true"\n';

const cases: [number, (number | string)[]][] = [
  [10, []], [10, [3]], [10, ['30%']], [10, [1, '50%']], [5, ['10%']], [7, [2, 3]], [3, [0]], [4, ['100%']], [10, [1, 2, '20%']], [1, ['50%']],
];
const python = ansiblePython();

describe.runIf(python !== undefined || process.env.CI !== undefined)('serial batches', () => {
  it('match Ansible\'s own batching', () => {
    const ansible = JSON.parse(execFileSync(python!, ['test/unit/playbook/serial-oracle/batches-with-ansible.py'], { input: JSON.stringify(cases), encoding: 'utf8' })) as number[][];
    const ours = cases.map(([n, serial]) => serialBatches(Array.from({ length: n }, (_, i) => `h${i + 1}`), serial).map((batch) => batch.length));
    expect(ours).toEqual(ansible);
  });
});

describe('play strategy keywords', () => {
  it('reads serial, strategy, max_fail_percentage and any_errors_fatal', async () => {
    const play = await loadPlay(`- hosts: all\n  serial: [1, "50%"]\n  strategy: linear\n  max_fail_percentage: 25\n  any_errors_fatal: true\n${tasks}`);
    expect([play.serial, play.strategy, play.maxFailPercentage, play.anyErrorsFatal]).toEqual([[1, '50%'], 'linear', 25, true]);
  });

  it('gives the play\'s tags to every task and reads the task keywords throttle and any_errors_fatal', async () => {
    const play = await loadPlay(`- hosts: all\n  tags: [web]\n  remote_user: deploy\n  tasks:\n    - id: a\n      command: "true"\n      tags: own\n      throttle: 2\n      any_errors_fatal: true\n`);
    expect(play.tasks[0]).toMatchObject({ tags: ['own', 'web'], throttle: 2, anyErrorsFatal: true });
    expect(play.remoteUser).toBe('deploy');
  });

  it.each([
    ['  strategy: host_pinned\n', "strategy 'host_pinned' is not supported"],
    ['  serial: lots\n', 'serial takes a number of hosts'],
    ['  max_fail_percentage: 150\n', 'max_fail_percentage must be a number from 0 to 100'],
  ])('refuses %j', async (line, message) => {
    const error = await loadPlay(`- hosts: all\n${line}${tasks}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });

  it('orders every host\'s next task after all hosts\' task under linear, without blocking edges across hosts', async () => {
    const graph = buildPlayGraph(0, await loadPlay(`- hosts: all\n  strategy: linear\n${tasks}`), ['h1', 'h2']);
    expect(graph.edges.map((e) => e.join(' -> ')).sort()).toEqual(['a@h1 -> b@h1', 'a@h2 -> b@h2']);
    expect(graph.orderEdges!.map((e) => e.join(' -> ')).sort()).toEqual(['a@h1 -> b@h1', 'a@h1 -> b@h2', 'a@h2 -> b@h1', 'a@h2 -> b@h2']);
  });

  it('draws linear\'s order-only edges dotted, apart from the dependencies', async () => {
    const graph = buildPlayGraph(0, await loadPlay(`- hosts: all\n  strategy: linear\n${tasks}`), ['h1', 'h2']);
    const mermaid = drawGraphs([graph], 'mermaid');
    expect(mermaid.match(/-\.->/g)).toHaveLength(2);
    expect(mermaid.match(/ --> /g)).toHaveLength(2);
    expect(drawGraphs([graph], 'dot').match(/style=dotted/g)).toHaveLength(2);
  });

  it('cuts a batch\'s graph to its hosts, a run_once node moving to the batch\'s first host', async () => {
    const play = await loadPlay(`- hosts: all\n  tasks:\n    - id: a\n      command: "true"\n    - id: once\n      command: "true"\n      run_once: true\n`);
    const batch = batchGraph(buildPlayGraph(0, play, ['h1', 'h2', 'h3']), ['h2', 'h3']);
    expect([...batch.nodes.keys()].sort()).toEqual(['a@h2', 'a@h3', 'once']);
    expect(batch.nodes.get('once')!.host).toBe('h2');
    expect(batch.edges.map((e) => e.join(' -> ')).sort()).toEqual(['a@h2 -> once', 'a@h3 -> once']);
  });
});

describe('PlayFailurePolicy', () => {
  const node = (host: string, extra = {}) => ({ id: `a@${host}`, host, runOnce: false, section: 'tasks', assumedNeeds: [], notifiedBy: [], task: { id: 'a', ...extra } }) as never;
  const failed = { status: 'failed' as const };

  it('ends the play at the first failure with any_errors_fatal, not at an ignored one', async () => {
    const policy = new PlayFailurePolicy(await loadPlay(`- hosts: all\n  any_errors_fatal: true\n${tasks}`), ['h1', 'h2']);
    policy.observe(node('h1'), { status: 'failed', ignoredError: true });
    expect(policy.stopReason()).toBeUndefined();
    policy.observe(node('h2'), failed);
    expect(policy.stopReason()).toBe('any_errors_fatal: a@h2 failed');
  });

  it('ends the play once more than max_fail_percentage of the batch failed', async () => {
    const policy = new PlayFailurePolicy(await loadPlay(`- hosts: all\n  max_fail_percentage: 50\n${tasks}`), ['h1', 'h2', 'h3', 'h4']);
    policy.observe(node('h1'), failed);
    policy.observe(node('h2'), failed);
    expect(policy.stopReason()).toBeUndefined(); // 50% is not more than 50%
    policy.observe(node('h3'), { status: 'unreachable' });
    expect(policy.stopReason()).toBe('max_fail_percentage 50% exceeded: 3 of 4 hosts failed');
  });

  it('does not count a failure a block\'s rescue may still make good', async () => {
    const play = await loadPlay(`- hosts: all\n  any_errors_fatal: true\n  tasks:\n    - block:\n        - id: a\n          command: "false"\n      rescue:\n        - command: "true"\n`);
    const policy = new PlayFailurePolicy(play, ['h1']);
    policy.observe({ ...(node('h1') as object), task: play.tasks[0] } as never, failed);
    expect(policy.stopReason()).toBeUndefined();
  });
});
