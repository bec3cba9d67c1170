// redis.start: start each node of this host from its config (`<base_dir>/<port>.conf`, redis.config's
// layout) unless a redis-server already runs from that config, and wait until it answers PING.
// `restart: true` (a handler after a config change) restarts the nodes that run an older config
// than their file (started before it last changed), one at a time, never a master and its replica
// together, waiting for each to be back in its cluster before the next. A node `start` has just
// started from the new file is left alone: the first run restarts nothing.
// A node that exits while it starts (port taken, dir not writable) fails the wait at once, with
// the last warnings of its logfile.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ConnectError, TaskError } from '../../src/errors.ts';
import { defineModule, type TaskContext } from '../../src/modules/module.ts';
import { nodeLayout } from './config-layout.ts';
import { callText, closeClient, openNodeClient, RedisAuthError } from './lib/client.ts';
import { readConfigAge, runsOldConfig, type ConfigAge } from './lib/config-age.ts';
import { resolvePassword } from './lib/cluster-session.ts';
import { pollUntil } from '../../src/modules/wait.ts';
import { parseClusterInfo, parseInfo } from './lib/info.ts';
import { pairKey, restartOrder, restartPending, type RestartNode, type RestartProbe } from './lib/restart-order.ts';
import { daemonizeFailure, judgeStart, markStart, observeStart, type StartMark } from './lib/start-watch.ts';
import { withRunLock } from './lib/run-lock.ts';
import { checkPlayTopology, nodesOnHost, topologyFromPlay } from './topology.ts';

const params = z.object({
  ports: z.array(z.number().int()).optional().describe("Only these ports of this host (default: every node the play's topology puts here)"),
  base_dir: z.string().min(1).default('/var/lib/redis-cluster').describe('As redis.config: configs are BASE/<port>.conf'),
  prefix: z.string().min(1).default('/usr/local').describe('Install prefix: the server is PREFIX/bin/redis-server'),
  password: z.string().optional().describe('Redis password (default: host variable redis_password); sent with AUTH only'),
  allow_same_host: z.boolean().default(false).describe('As redis.config, when resolving the topology'),
  local_address: z.string().default('127.0.0.1').describe('Address the nodes answer on from their own host'),
  restart: z
    .boolean()
    .default(false)
    .describe('Restart running nodes that started before their config file last changed (handler after a config change), one at a time'),
  timeout: z.number().positive().default(60).describe('Seconds to wait for each node to answer (and rejoin, on restart)'),
});
type StartParams = z.infer<typeof params>;

export type NodeRuntime =
  | { state: 'down'; reason: string }
  | { state: 'up'; configFile: string; pid: number; probe: RestartProbe; age?: ConfigAge };

interface HostNode extends RestartNode {
  configFile: string;
  pidfile: string;
  logfile: string;
}

export interface StartPlan {
  start: string[];
  restart: string[];
  running: string[];
}

/**
 * From each node's runtime: which to start, which already run from their config, and in restart
 * mode which run an older config than their file (`age`, read only in restart mode); a port held
 * by another config is an error.
 */
export function planStart(nodes: readonly (RestartNode & { configFile: string })[], runtime: ReadonlyMap<string, NodeRuntime>, restart: boolean): StartPlan {
  const plan: StartPlan = { start: [], restart: [], running: [] };
  for (const node of restartOrder(nodes)) {
    const now = runtime.get(node.ref)!;
    if (now.state === 'down') plan.start.push(node.ref);
    else if (now.configFile !== node.configFile) {
      throw new TaskError(`${node.ref}: port ${node.port} is served by a redis-server started from ${now.configFile || 'no config file'}, not ${node.configFile}`);
    } else if (restart && runsOldConfig(now.age ?? {})) plan.restart.push(node.ref);
    else plan.running.push(node.ref);
  }
  return plan;
}

function hostNodes(ctx: TaskContext, p: StartParams): HostNode[] {
  const topology = topologyFromPlay(ctx.play.hosts, { allowSameHost: p.allow_same_host });
  const mine = nodesOnHost(topology, ctx.host.name).filter((n) => !p.ports || p.ports.includes(n.port));
  const known = new Set(mine.map((n) => n.port));
  // Ports asked for that the topology does not list still start, as lone masters.
  const extra = (p.ports ?? []).filter((port) => !known.has(port)).map((port) => ({ ref: `${ctx.host.name}:${port}`, port, role: 'master' as const }));
  return [...mine, ...extra].map((n) => {
    const { configFile, pidfile, logfile } = nodeLayout(ctx.host.name, p.base_dir, n.port);
    return { ...n, configFile, pidfile, logfile };
  });
}

async function openLocal(ctx: TaskContext, p: StartParams, node: HostNode, password?: string): Promise<Redis> {
  return openNodeClient({ ref: node.ref, address: p.local_address, port: node.port }, { password, via: ctx.conn, timeoutMs: 5000 });
}

export async function readRuntime(ctx: TaskContext, p: StartParams, node: HostNode, password?: string): Promise<NodeRuntime> {
  let client: Redis;
  try {
    client = await openLocal(ctx, p, node, password);
  } catch (error) {
    if (error instanceof ConnectError && !(error instanceof RedisAuthError)) return { state: 'down', reason: error.message };
    throw error;
  }
  try {
    const answersPing = await client.ping().then((r) => r === 'PONG', () => false);
    const info = parseInfo(await callText(client, 'INFO'));
    // While it loads its AOF a node answers INFO but refuses CLUSTER INFO (LOADING): not back yet.
    const cluster = answersPing && info.cluster_enabled === '1' ? parseClusterInfo(await callText(client, 'CLUSTER', 'INFO')) : undefined;
    return {
      state: 'up',
      configFile: info.config_file ?? '',
      pid: Number(info.process_id),
      probe: {
        answersPing,
        clusterKnownNodes: cluster?.knownNodes ?? 0,
        clusterStateOk: cluster?.state === 'ok',
        replica: info.role === 'slave',
        ...(info.master_link_status !== undefined ? { masterLinkUp: info.master_link_status === 'up' } : {}),
        connectedReplicas: Number(info.connected_slaves ?? 0),
      },
    };
  } finally {
    await closeClient(client);
  }
}

/** Messages built from what a server printed or logged carry no password, even one it echoed. */
function withoutPassword(text: string, password?: string): string {
  return password ? text.split(password).join('********') : text;
}

/** Launches the node; the mark says where its log lines of this start begin. */
async function startNode(ctx: TaskContext, p: StartParams, node: HostNode, password?: string): Promise<StartMark> {
  const mark = await markStart(ctx.conn, node.logfile, ctx.become);
  // --daemonize yes whatever the config says: a foreground server would hold the exec open forever.
  const command = [`${p.prefix.replace(/\/+$/, '')}/bin/redis-server`, node.configFile, '--daemonize', 'yes'];
  const result = await ctx.conn.exec(command, { become: ctx.become, signal: ctx.signal });
  if (result.code !== 0) throw new TaskError(withoutPassword(`${node.ref} ${daemonizeFailure(result.code, result.stderr || result.stdout)}`, password));
  return mark;
}

/**
 * Waits until the node started at `mark` answers PING and `ready` finds nothing pending; fails at
 * once when the process it started is gone.
 */
async function waitStarted(
  ctx: TaskContext,
  p: StartParams,
  node: HostNode,
  mark: StartMark,
  ready: (now: NodeRuntime) => string[],
  password?: string,
): Promise<void> {
  let failure: string | undefined;
  const problems = await pollUntil(
    async () => {
      const now = await readRuntime(ctx, p, node, password);
      const answersPing = now.state === 'up' && now.probe.answersPing;
      const seen = answersPing ? { process: 'alive' as const, logTail: [] } : await observeStart(ctx.conn, mark, { become: ctx.become, signal: ctx.signal });
      const verdict = judgeStart({ answersPing, ...seen });
      if (verdict.kind === 'ok') return ready(now);
      if (verdict.kind === 'wait') return [verdict.problem];
      failure = verdict.reason;
      return [];
    },
    p.timeout * 1000,
    ctx.signal,
  );
  if (failure !== undefined) throw new TaskError(withoutPassword(`${node.ref} ${failure}`, password));
  if (problems.length > 0) throw new TaskError(`${node.ref}: ${problems.join('; ')} after ${p.timeout}s`);
}

async function waitFor(ctx: TaskContext, p: StartParams, node: HostNode, pending: (now: NodeRuntime) => string[], password?: string) {
  const problems = await pollUntil(async () => pending(await readRuntime(ctx, p, node, password)), p.timeout * 1000, ctx.signal);
  if (problems.length > 0) throw new TaskError(`${node.ref}: ${problems.join('; ')} after ${p.timeout}s`);
}

async function restartNode(ctx: TaskContext, p: StartParams, node: HostNode, password?: string): Promise<void> {
  const before = await readRuntime(ctx, p, node, password);
  if (before.state === 'down') {
    await waitStarted(ctx, p, node, await startNode(ctx, p, node, password), () => [], password);
    return;
  }
  const client = await openLocal(ctx, p, node, password);
  try {
    // The connection drops as the server exits: that is the expected answer.
    await client.call('SHUTDOWN').catch(() => undefined);
  } finally {
    await closeClient(client);
  }
  await waitFor(ctx, p, node, (now) => (now.state === 'down' ? [] : ['still running']), password);
  const mark = await startNode(ctx, p, node, password);
  await waitStarted(ctx, p, node, mark, (now) => (now.state === 'up' ? restartPending(before.probe, now.probe) : ['does not answer']), password);
}

export const taskModule = defineModule({
  name: 'redis.start',
  summary: 'Start the redis nodes of this host from their configs and wait until they answer; restart one at a time',
  params,
  preflight: checkPlayTopology,
  async check(ctx, p) {
    const password = resolvePassword(ctx, p.password);
    const nodes = hostNodes(ctx, p);
    if (nodes.length === 0) return { status: 'ok', reason: 'no redis node on this host' };
    const runtime = new Map<string, NodeRuntime>();
    for (const node of nodes) {
      const now = await readRuntime(ctx, p, node, password);
      if (p.restart && now.state === 'up' && now.configFile === node.configFile) {
        now.age = await readConfigAge(ctx.conn, node, now.pid, { become: ctx.become, signal: ctx.signal });
      }
      runtime.set(node.ref, now);
    }
    const plan = planStart(nodes, runtime, p.restart);
    if (plan.start.length === 0 && plan.restart.length === 0) {
      const since = p.restart ? ' (each started after its config last changed)' : '';
      return { status: 'ok', reason: `running: ${plan.running.join(', ')}${since}` };
    }
    const parts = [];
    if (plan.start.length > 0) parts.push(`start ${plan.start.join(', ')}`);
    if (plan.restart.length > 0) parts.push(`restart ${plan.restart.join(', ')} one at a time`);
    return { status: 'change', description: parts.join('; '), state: plan };
  },
  async apply(ctx, p, plan) {
    const password = resolvePassword(ctx, p.password);
    const byRef = new Map(hostNodes(ctx, p).map((n) => [n.ref, n]));
    const marks = new Map<string, StartMark>();
    for (const ref of plan.start) {
      const node = byRef.get(ref)!;
      ctx.log.info(`${ref}: redis-server ${node.configFile}`);
      marks.set(ref, await startNode(ctx, p, node, password));
    }
    for (const ref of plan.start) await waitStarted(ctx, p, byRef.get(ref)!, marks.get(ref)!, () => [], password);
    for (const ref of plan.restart) {
      const node = byRef.get(ref)!;
      await withRunLock(ctx, pairKey(node), async () => {
        ctx.log.info(`${ref}: restart`);
        await restartNode(ctx, p, node, password);
      });
    }
    return { changed: true, result: { started: plan.start, restarted: plan.restart } };
  },
});
