// Issue 11: whole-process start-up of the CLI, as an operator waits for it, each time beside
// `node -e 0` in the same round so machine load moves both: `playgraph --version`, and a rerun
// with nothing to do of bench/startup.yaml on the local inventory. Compiled (dist/, what
// bin/playgraph.js runs) and from the sources through tsx (what every start cost before dist/).
//   npm run bench:startup -- [--runs 9]
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { REPO, timedRun } from './tools.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Number(values.runs);
const BIN = path.join(REPO, 'bin', 'playgraph.js');
const INVENTORY = path.join(REPO, 'inventory', 'local.yaml');
const PLAYBOOK = path.join(REPO, 'bench', 'startup.yaml');
const RESULTS = path.join(REPO, 'bench', 'results', 'startup.md');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const work = await mkdtemp(path.join(os.tmpdir(), 'playgraph-bench-startup-'));
const signal = new AbortController().signal;
const compiled = { ...process.env, PLAYGRAPH_FROM_SOURCE: '0' };
const sources = { ...process.env, PLAYGRAPH_FROM_SOURCE: '1' };
const runArgs = [BIN, 'run', PLAYBOOK, '-i', INVENTORY, '-e', `bench_dir=${work}`, '--output', 'plain'];

type Cell = 'node -e 0' | 'version (dist)' | 'rerun (dist)' | 'version (tsx, sources)' | 'rerun (tsx, sources)';
const cells: Array<[Cell, string[], NodeJS.ProcessEnv]> = [
  ['node -e 0', ['-e', '0'], process.env],
  ['version (dist)', [BIN, '--version'], compiled],
  ['rerun (dist)', runArgs, compiled],
  ['version (tsx, sources)', [BIN, '--version'], sources],
  ['rerun (tsx, sources)', runArgs, sources],
];

const loadBefore = load();
try {
  const first = await timedRun(process.execPath, runArgs, { env: compiled, signal }); // converge once
  if (!/changed=\d+/.test(first.output)) throw new Error(`no recap in the first run:\n${first.output}`);
  const times = new Map<Cell, number[]>(cells.map(([name]) => [name, []]));
  for (let round = 0; round < runs; round++) {
    // Interleaved, round by round, so a burst of load from another process hits every cell alike.
    for (const [name, args, env] of cells) {
      const { ms, output } = await timedRun(process.execPath, args, { env, signal });
      if (name.startsWith('rerun') && !/changed=0\b/.test(output)) throw new Error(`${name}: not a rerun with nothing to do:\n${output}`);
      times.get(name)!.push(ms);
    }
  }
  const base = median(times.get('node -e 0')!);
  const rows = cells.map(([name]) => {
    const ms = median(times.get(name)!);
    return `| ${name} | ${(ms / 1000).toFixed(3)} | ${(ms / base).toFixed(1)}x |`;
  });
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  const cpus = os.cpus();
  const report = [
    '# Start-up: the CLI against `node -e 0`',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus.length} x ${cpus[0]?.model ?? '?'}, Node ${process.version}, commit ${commit}`,
    `- load average before: ${loadBefore}; after: ${load()} (1, 5, 15 min)`,
    `- command: \`npm run bench:startup -- --runs ${runs}\``,
    '',
    `Median wall time of ${runs} runs per row, from spawn to exit, rows interleaved round by round.`,
    '"rerun" is `playgraph run bench/startup.yaml -i inventory/local.yaml` on a tree it already',
    'made (0 changed, checked); "dist" is bin/playgraph.js as shipped, "tsx, sources" the same',
    'bin with PLAYGRAPH_FROM_SOURCE=1 (what every start cost before the compiled CLI).',
    '',
    '| what | median (s) | / node -e 0 |',
    '| --- | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
  await mkdir(path.dirname(RESULTS), { recursive: true });
  await writeFile(RESULTS, report);
  process.stdout.write(report);
} finally {
  await rm(work, { recursive: true, force: true });
}
