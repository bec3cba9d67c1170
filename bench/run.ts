// `npm run bench -- [--hosts 10,50] [--runs N] [--forks F]`: playgraph against ansible-playbook
// on the same lab hosts, the same four operations per host, first run (fresh hosts) and second
// run (nothing to do). Prints the median wall times and the ratio, writes bench/results/latest.md.
// Needs root (the lab) and Debian's ansible (`scripts/lab-deps.sh --with-ansible`). The lab is
// named `bench`, so it coexists with an e2e run's `default` lab; it is torn down at the end, also
// on failure and on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { acquireLabLock } from '../test/lab/lab-lock.ts';
import { createLab, destroyLab, type LabDescription } from '../test/lab/lab.ts';
import { parseRecap, recapProblem } from './recap.ts';
import { machineFacts, summarise, table, type RunKind, type Sample } from './report.ts';
import { CLEANUP_PLAYBOOK, REPO, SCENARIOS, runAnsible, runPlaygraph, type Scenario, type Target, type Timed, type ToolName } from './tools.ts';

const LAB_NAME = 'bench';
/** Set by Ctrl-C/SIGTERM: the run ends with 130 whatever error the abort surfaced as. */
let interrupted = false;

interface Options {
  hostCounts: number[];
  runs: number;
  forks: number;
  scenario: Scenario;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      hosts: { type: 'string', default: '10,50' },
      runs: { type: 'string', default: '5' },
      forks: { type: 'string', default: '50' },
      scenario: { type: 'string', default: 'four' },
    },
  });
  const hostCounts = values.hosts.split(',').map(Number);
  const runs = Number(values.runs);
  const forks = Number(values.forks);
  if (hostCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 200)) throw new Error(`--hosts: integers in 1..200, got ${values.hosts}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: a positive integer, got ${values.runs}`);
  if (!Number.isInteger(forks) || forks < 1) throw new Error(`--forks: a positive integer, got ${values.forks}`);
  const scenario = SCENARIOS[values.scenario as Scenario['name']];
  if (!scenario) throw new Error(`--scenario: one of ${Object.keys(SCENARIOS).join(', ')}, got ${values.scenario}`);
  return { hostCounts: [...new Set(hostCounts)].sort((a, b) => a - b), runs, forks, scenario };
}

function assertAnsible(): void {
  if (spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status === 0) return;
  throw new Error('ansible-playbook not found: install it with `scripts/lab-deps.sh --with-ansible`');
}

/** Runs `measure` and checks the tool's recap; a run that did not do the work is an error, not a number. */
async function checked(tool: ToolName, run: () => Promise<Timed>, expected: { hosts: number; changed: number; tasksPerHost: number }): Promise<number> {
  const { ms, output } = await run();
  const problem = recapProblem(parseRecap(output), { hosts: expected.hosts, changed: expected.changed, tasks: expected.hosts * expected.tasksPerHost });
  if (problem) throw new Error(`${tool}: unexpected recap (${problem}):\n${output.split('\n').slice(-15).join('\n')}`);
  return ms;
}

async function measure(lab: LabDescription, options: Options, signal: AbortSignal): Promise<Sample[]> {
  const samples: Sample[] = [];
  const all: Target = { inventoryFile: lab.inventoryFile, knownHostsFile: lab.knownHostsFile, limit: 'all', forks: options.forks };
  for (const hosts of options.hostCounts) {
    const target: Target = { ...all, limit: `redis[0:${hosts - 1}]` };
    for (let run = 1; run <= options.runs; run++) {
      for (const tool of ['playgraph', 'ansible'] as const) {
        signal.throwIfAborted();
        // Fresh hosts: whatever an earlier measurement created goes, on every lab host (not timed).
        await runPlaygraph(CLEANUP_PLAYBOOK, all, signal);
        const { scenario } = options;
        const once = () => (tool === 'playgraph' ? runPlaygraph(scenario.playgraphPlaybook, target, signal) : runAnsible(target, signal, scenario.ansiblePlaybook));
        for (const [kind, changed] of [['first', hosts * scenario.tasksPerHost], ['second', 0]] as Array<[RunKind, number]>) {
          const ms = await checked(tool, once, { hosts, changed, tasksPerHost: scenario.tasksPerHost });
          samples.push({ hosts, kind, tool, ms });
          console.error(`bench: ${hosts} hosts, run ${run}/${options.runs}, ${tool} ${kind}: ${(ms / 1000).toFixed(2)} s`);
        }
      }
    }
  }
  return samples;
}

function resultsMarkdown(options: Options, samples: readonly Sample[]): string {
  const raw = samples.map((s) => `${s.hosts} ${s.kind} ${s.tool} ${(s.ms / 1000).toFixed(3)}`);
  return [
    '# Benchmark: playgraph vs ansible-playbook',
    '',
    ...machineFacts().map((fact) => `- ${fact}`),
    `- command: \`npm run bench -- --scenario ${options.scenario.name} --hosts ${options.hostCounts.join(',')} --runs ${options.runs} --forks ${options.forks}\``,
    '',
    `Median wall time of ${options.runs} runs per cell, from process start to exit.`,
    options.scenario.name === 'four'
      ? 'Four operations per host (user, directory, file with content, command guarded by `creates`): bench/playbook.yaml and bench/ansible-playbook.yaml.'
      : '20 ordered tasks per host (a directory, 19 files), one playbook written for Ansible that both tools run unchanged: bench/ordered.yaml.',
    `"first" starts from fresh hosts (${options.scenario.tasksPerHost} changed per host, checked in the`,
    'recap), "second" reruns on the result (0 changed, checked). Ansible: forks equal to ours,',
    'pipelining, ControlMaster/ControlPersist=60s with cold masters at each run, no fact gathering.',
    '',
    table(summarise(samples)),
    '',
    '<details><summary>every sample (hosts, run, tool, seconds)</summary>',
    '',
    '```',
    ...raw,
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const options = readOptions(argv);
  assertAnsible();
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) console.error('bench: still tearing the lab down');
    else console.error(`bench: ${signal}; stopping and tearing the lab down`);
    interrupted = true;
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  // Kept for the whole run: a second Ctrl-C must not kill the teardown halfway.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const releaseLock = await acquireLabLock(LAB_NAME, {
    timeoutMs: 30 * 60_000,
    onWait: (owner) => console.error(`bench: waiting for pid ${owner}, which holds the ${LAB_NAME} lab`),
  });
  let samples: Sample[];
  try {
    await destroyLab(LAB_NAME); // left by a benchmark that was killed outright
    const largest = Math.max(...options.hostCounts);
    const started = Date.now();
    const { down: _down, ...lab } = await createLab({ hosts: largest, name: LAB_NAME });
    console.error(`bench: lab ${LAB_NAME} with ${largest} hosts on ${lab.network.subnet} up in ${Date.now() - started} ms`);
    samples = await measure(lab, options, controller.signal);
  } finally {
    await destroyLab(LAB_NAME).catch((error: unknown) => console.error(`bench: lab teardown failed: ${String(error)}`));
    await releaseLock();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const markdown = resultsMarkdown(options, samples);
  const resultsFile = options.scenario.resultsFile;
  await mkdir(path.dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, markdown);
  console.log(`\n${table(summarise(samples))}\n\nwritten to ${path.relative(REPO, resultsFile)}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (interrupted) console.error('bench: interrupted; the bench lab is torn down, no results written');
  else console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = interrupted ? 130 : 1;
});
