import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RunEvent } from '../../../src/run/events.ts';

export const REPO = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(REPO, 'bin', 'playgraph.js');

export interface PlaygraphRun {
  code: number;
  stdout: string;
  stderr: string;
  /** With `--output json`: the events, parsed. */
  events: RunEvent[];
}

/** CLIs started by tests and still running: a test that timed out must not leave one behind. */
const running = new Set<ChildProcess>();

/** Stops every CLI a test started that is still running (SIGTERM: it aborts and prints its recap). */
export async function stopStrayRuns(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('close', () => (clearTimeout(kill), resolve()));
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Runs the real CLI (bin/playgraph.js) as a user would, in its own process. */
export function playgraph(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<PlaygraphRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child);
      const events = args.includes('json')
        ? stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as RunEvent)
        : [];
      resolve({ code: code ?? -1, stdout, stderr, events });
    });
  });
}

export type NodeEnd = Extract<RunEvent, { type: 'node-end' }>;

export function nodeEnds(run: PlaygraphRun): NodeEnd[] {
  return run.events.filter((event): event is NodeEnd => event.type === 'node-end');
}

export type NodeLog = Extract<RunEvent, { type: 'node-log' }>;

export function nodeLogs(run: PlaygraphRun): NodeLog[] {
  return run.events.filter((event): event is NodeLog => event.type === 'node-log');
}

/** `task@host` -> status, for compact assertions. */
export function statuses(run: PlaygraphRun): Record<string, string> {
  return Object.fromEntries(nodeEnds(run).map((event) => [`${event.node.taskId}@${event.node.host}`, event.status]));
}

export function recapTotals(run: PlaygraphRun): Record<string, number> {
  const end = run.events.find((event) => event.type === 'run-end');
  if (!end || end.type !== 'run-end') throw new Error(`no run-end event; stderr:\n${run.stderr}\nstdout:\n${run.stdout}`);
  const totals: Record<string, number> = {};
  for (const counts of Object.values(end.recap)) for (const [key, value] of Object.entries(counts)) totals[key] = (totals[key] ?? 0) + value;
  return totals;
}
