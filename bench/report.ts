// The benchmark's result: medians per (hosts, run kind, tool), the ansible/playgraph ratio, and
// the facts of the machine it was measured on, as a markdown table.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import type { ToolName } from './tools.ts';

export type RunKind = 'first' | 'second';

export interface Sample {
  hosts: number;
  kind: RunKind;
  tool: ToolName;
  ms: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Row {
  hosts: number;
  kind: RunKind;
  playgraphMs: number;
  ansibleMs: number;
  /** ansible / playgraph: above 1 means playgraph is faster. */
  ratio: number;
}

export function summarise(samples: readonly Sample[]): Row[] {
  const rows: Row[] = [];
  const counts = [...new Set(samples.map((s) => s.hosts))].sort((a, b) => a - b);
  for (const hosts of counts) {
    for (const kind of ['first', 'second'] as const) {
      const of = (tool: ToolName) => samples.filter((s) => s.hosts === hosts && s.kind === kind && s.tool === tool).map((s) => s.ms);
      const playgraphMs = median(of('playgraph'));
      const ansibleMs = median(of('ansible'));
      rows.push({ hosts, kind, playgraphMs, ansibleMs, ratio: ansibleMs / playgraphMs });
    }
  }
  return rows;
}

export function table(rows: readonly Row[]): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  return [
    '| hosts | run | playgraph (s) | ansible-playbook (s) | ansible / playgraph |',
    '| ---: | --- | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.hosts} | ${r.kind} | ${seconds(r.playgraphMs)} | ${seconds(r.ansibleMs)} | ${r.ratio.toFixed(1)}x |`),
  ].join('\n');
}

/** First line a tool prints about itself, on stdout or stderr (`ssh -V` uses stderr). */
function firstLine(file: string, args: readonly string[]): string {
  const result = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  return text.split('\n').map((line) => line.trim()).find(Boolean) ?? 'unknown';
}

export function machineFacts(): string[] {
  const cpus = os.cpus();
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${os.release()}`,
    `playgraph: commit ${firstLine('git', ['rev-parse', '--short', 'HEAD'])}, Node ${process.version}`,
    `ansible: ${firstLine('ansible-playbook', ['--version'])}, ${firstLine('python3', ['--version'])}`,
    `ssh: ${firstLine('ssh', ['-V'])}`,
    // The machine may be shared (other test runs, compilers): the load says how quiet it was.
    `load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)`,
  ];
}
