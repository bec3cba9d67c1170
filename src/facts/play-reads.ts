import { readFileSync, statSync } from 'node:fs';
import { controllerFileCandidates } from '../modules/controller-files.ts';
import type { Play, TaskSpec } from '../playbook/types.ts';
import { factsDecision, type FactsDecision } from './reads.ts';

// The play's facts decision as the run is prepared: over the tasks that may run (--tags), with
// the template files those tasks render found where the template module finds them.

export interface PlayReadsInput {
  /** Task ids --tags/--skip-tags selected; undefined: every task. */
  selected?: ReadonlySet<string>;
  /** The inventory vars of each of the play's hosts. */
  hostVars: ReadonlyMap<string, unknown>;
  /** Where a task's controller files are looked for (src/run/search-path.ts). */
  searchPath(task: TaskSpec): string[];
}

/** The text of the template file a template task renders; undefined when its name is itself a template. */
function templateText(task: TaskSpec, searchPath: string[]): string | undefined {
  const src = (task.params as Record<string, unknown> | null)?.['src'];
  if (typeof src !== 'string' || /\{\{|\{%/.test(src)) return undefined;
  for (const candidate of controllerFileCandidates(searchPath, 'templates', src)) {
    try {
      if (statSync(candidate).isFile()) return readFileSync(candidate, 'utf8');
    } catch {
      // not this candidate
    }
  }
  // Not found: the template module's preflight says so before anything runs.
  return '';
}

export function playFactsDecision(play: Play, input: PlayReadsInput): FactsDecision {
  const selected = input.selected;
  const tasks = [...play.tasks.filter((task) => !selected || selected.has(task.id)), ...play.handlers, ...play.rollback];
  return factsDecision(play, { tasks, hostVars: input.hostVars, templateText: (task) => templateText(task, input.searchPath(task)) });
}
