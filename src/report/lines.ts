// Ansible-like wording for events, shared by the plain reporter (which prints every event as it
// comes) and the TTY reporter (which prints the notable ones after its live view ends).

import type { NodeRef, RunEvent } from '../run/events.ts';
import { renderFileDiff } from './diff.ts';
import { formatRecap } from './recap.ts';
import { palette } from './style.ts';

export interface LineOptions {
  color: boolean;
  /** Show file changes as unified diffs under their node's line. */
  diff: boolean;
  /** Also show node starts, info logs and durations. */
  verbose: boolean;
}

type NodeEndEvent = Extract<RunEvent, { type: 'node-end' }>;

/** `build (Build redis from source)`, or just `build` when the task has no separate name. */
export function describeNode(node: NodeRef): string {
  return node.taskName && node.taskName !== node.taskId ? `${node.taskId} (${node.taskName})` : node.taskId;
}

/** Later lines of a multi-line message (a command's stderr) indented under their event's line. */
function continued(message: string): string {
  return message.replace(/\n/g, '\n    ');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The outcome word(s): `changed`, `would change`, `would run (after: x, y)`, `failed (ignored)`. */
function outcomeWords(event: NodeEndEvent): string {
  if (event.status === 'changed' && event.planned) {
    return event.after?.length ? `would run (after: ${event.after.join(', ')})` : 'would change';
  }
  if (event.status === 'failed' && event.ignoredError) return 'failed (ignored)';
  return event.status;
}

function outcomeMessage(event: NodeEndEvent): string | undefined {
  if (event.status === 'blocked') return event.message ? `blocked by ${event.message}` : undefined;
  return event.message;
}

/** A shown result as Ansible's default callback prints it: JSON, keys sorted, indented by 4. */
function shownJson(result: Record<string, unknown>): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted((value as Record<string, unknown>)[key])]));
    }
    return value;
  };
  return JSON.stringify(sorted(result), null, 4);
}

export function formatNodeEnd(event: NodeEndEvent, options: LineOptions): string[] {
  const style = palette(options.color);
  const words = outcomeWords(event);
  const styleAs = event.status === 'changed' && event.planned ? 'would-change' : event.status;
  let line = `[${event.node.host}] ${style.status(styleAs, `${words}:`)} ${describeNode(event.node)}`;
  const message = outcomeMessage(event);
  if (message) line += ` — ${continued(message)}`;
  if (event.assumedNeeds?.length) {
    line += style.dim(` (not selected, taken as done: ${event.assumedNeeds.join(', ')})`);
  }
  if (options.verbose) line += style.dim(` [${seconds(event.durationMs)}]`);
  if (event.result) line += ` => ${shownJson(event.result)}`;
  const lines = [line];
  if (options.diff) {
    for (const change of event.files ?? []) lines.push(renderFileDiff(change, { color: options.color }));
  }
  return lines;
}

/** The lines one event prints as, possibly none (node starts and info logs unless verbose). */
export function formatEvent(event: RunEvent, options: LineOptions): string[] {
  const style = palette(options.color);
  switch (event.type) {
    case 'run-start': {
      const mode = event.checkMode ? ' (check mode: nothing will be changed)' : '';
      return [style.heading(`PLAYBOOK [${event.playbook}] ${count(event.hosts.length, 'host')}, ${count(event.nodes, 'task')}${mode}`)];
    }
    case 'play-start': {
      const heading = ['', style.heading(`PLAY [${event.name}] ${event.hosts.join(', ')}`)];
      if (event.skipped) return [...heading, style.dim(`skipping: ${event.skipped}`)];
      return event.facts ? [...heading, style.dim(event.facts)] : heading;
    }
    case 'node-start':
      return options.verbose ? [`[${event.node.host}] ${style.dim('started:')} ${describeNode(event.node)}`] : [];
    case 'node-log':
      if (event.level === 'warn') {
        return [`[${event.node.host}] ${style.warning('[WARNING]:')} ${describeNode(event.node)} — ${continued(event.message)}`];
      }
      return options.verbose ? [`[${event.node.host}] ${describeNode(event.node)}: ${continued(event.message)}`] : [];
    case 'node-end':
      // What Ansible neither shows nor counts (a handler not notified, a rescue not needed).
      return event.uncounted && !options.verbose ? [] : formatNodeEnd(event, options);
    case 'block-rescued': {
      const failed = event.failedNodes.length > 0 ? ` — rescued ${event.failedNodes.join(', ')}` : '';
      return [`[${event.host}] ${style.status('rescued', 'rescued:')} block ${event.block}${failed}`];
    }
    case 'rollback-start':
      return ['', style.heading(`ROLLBACK: ${event.reason}`)];
    case 'rollback-node': {
      const words = { 'rolled-back': 'rolled back', failed: 'rollback failed', refused: 'rollback refused' }[event.status];
      const styled = event.status === 'rolled-back' ? style.status('changed', `${words}:`) : style.status('failed', `${words}:`);
      const message = event.message ? ` — ${continued(event.message)}` : '';
      return [`[${event.node.host}] ${styled} ${describeNode(event.node)}${message}`];
    }
    case 'run-end': {
      const lines = ['', style.heading('PLAY RECAP'), formatRecap(event.recap, { color: options.color })];
      const ending = event.aborted ? 'aborted after' : 'finished in';
      lines.push('', style.dim(`${ending} ${seconds(event.durationMs)}, exit code ${event.exitCode}`));
      return lines;
    }
  }
}
