// Realistic event sequences, as reporters get them (the run's events passed through its recap
// collector, which gives each node-end its host's counts), for the reporter tests.

import type { FileChange } from '../../../src/modules/module.ts';
import type { NodeRef, Recap, RunEvent } from '../../../src/run/events.ts';
import { RecapCollector } from '../../../src/run/recap-collector.ts';

/** The events as the run's recap collector hands them on to a reporter. */
function counted(events: RunEvent[]): RunEvent[] {
  const out: RunEvent[] = [];
  const collector = new RecapCollector({ emit: (event) => out.push(event) });
  for (const event of events) collector.emit(event);
  return out;
}

export const PASSWORD = 's3cr3t-Pa55';
export const PLAYBOOK = 'playbooks/cluster.yaml';

export function node(taskId: string, host: string, taskName = '', module = 'redis.' + taskId): NodeRef {
  return { nodeId: `Redis cluster/${taskId}@${host}`, playIndex: 0, taskId, taskName, module, host };
}

const build1 = node('build', 'server1', 'Build redis from source');
const build2 = node('build', 'server2', 'Build redis from source');
const config1 = node('config', 'server1', 'Write node configs');
const config2 = node('config', 'server2', 'Write node configs');
const tune1 = node('tune', 'server1', 'Tune the kernel', 'kernel.tune');
const start1 = node('start', 'server1', 'Start nodes');
const start2 = node('start', 'server2', 'Start nodes');
const wait2 = node('wait', 'server2', '', 'redis.wait');

export const configChange: FileChange = {
  path: '/etc/redis/7300.conf',
  before: 'port 7300\nmaxmemory 300mb\nappendonly yes\n',
  after: `port 7300\nmaxmemory 350mb\nappendonly yes\nrequirepass ${PASSWORD}\nmasterauth ${PASSWORD}\n`,
};

export const applyRecap: Recap = {
  server1: { ok: 1, changed: 2, failed: 0, blocked: 0, skipped: 1, rescued: 0, unreachable: 0, undone: 0 },
  server2: { ok: 1, changed: 0, failed: 1, blocked: 1, skipped: 0, rescued: 0, unreachable: 1, undone: 0 },
};

/** Two hosts: every outcome, a warning, a diff and an error message holding the password, a rollback. */
export const applyRun: RunEvent[] = counted([
  { type: 'run-start', playbook: PLAYBOOK, checkMode: false, hosts: ['server1', 'server2'], nodes: 8 },
  { type: 'play-start', playIndex: 0, name: 'Redis cluster', hosts: ['server1', 'server2'] },
  { type: 'node-start', node: build1 },
  { type: 'node-start', node: build2 },
  { type: 'node-end', node: build2, status: 'ok', message: 'redis 7.0.15 already installed', durationMs: 310 },
  { type: 'node-log', node: build1, level: 'info', message: 'make -j2 in /usr/local/src/redis-7.0.15' },
  { type: 'node-end', node: build1, status: 'changed', message: 'built and installed redis 7.0.15', durationMs: 95_400 },
  { type: 'node-start', node: tune1 },
  { type: 'node-end', node: tune1, status: 'skipped', message: 'when: tune_kernel was false', durationMs: 1 },
  { type: 'node-start', node: config1 },
  { type: 'node-end', node: config1, status: 'changed', message: 'write /etc/redis/7300.conf', files: [configChange], durationMs: 120 },
  { type: 'node-start', node: config2 },
  { type: 'node-log', node: config2, level: 'warn', message: `masterauth ${PASSWORD} differs from requirepass` },
  {
    type: 'node-end',
    node: config2,
    status: 'failed',
    message: `server2: command failed (exit 1): redis-cli -a ${PASSWORD} ping\nNOAUTH Authentication required.`,
    durationMs: 80,
  },
  { type: 'node-end', node: start2, status: 'blocked', message: 'Redis cluster/config@server2', durationMs: 0 },
  { type: 'node-start', node: start1 },
  { type: 'node-end', node: start1, status: 'ok', message: '7300 already running', durationMs: 40 },
  { type: 'node-start', node: wait2 },
  { type: 'node-end', node: wait2, status: 'unreachable', message: 'server2: connect ECONNREFUSED 10.0.0.2:22', durationMs: 3000 },
  { type: 'rollback-start', reason: 'config failed on server2' },
  { type: 'rollback-node', node: config1, status: 'rolled-back' },
  { type: 'rollback-node', node: start1, status: 'refused', message: 'node 7300 held keys before the run' },
  { type: 'run-end', recap: applyRecap, exitCode: 3, aborted: false, durationMs: 99_000 },
]);

/** `--check`: a planned new file with the password in it, a task that runs after a planned change. */
export const checkRun: RunEvent[] = counted([
  { type: 'run-start', playbook: PLAYBOOK, checkMode: true, hosts: ['server1'], nodes: 3 },
  { type: 'play-start', playIndex: 0, name: 'Redis cluster', hosts: ['server1'] },
  { type: 'node-end', node: build1, status: 'ok', assumedNeeds: ['fetch'], durationMs: 5 },
  {
    type: 'node-end',
    node: config1,
    status: 'changed',
    planned: true,
    message: 'create /etc/redis/7300.conf',
    files: [{ path: '/etc/redis/7300.conf', before: null, after: `port 7300\nrequirepass ${PASSWORD}\n` }],
    durationMs: 30,
  },
  { type: 'node-end', node: start1, status: 'changed', planned: true, after: ['build', 'config'], durationMs: 0 },
  {
    type: 'run-end',
    recap: { server1: { ok: 1, changed: 2, failed: 0, blocked: 0, skipped: 0, rescued: 0, unreachable: 0, undone: 0 } },
    exitCode: 0,
    aborted: false,
    durationMs: 1200,
  },
]);
