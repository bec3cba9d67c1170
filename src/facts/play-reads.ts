import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
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

function readFile(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** `{% include/import/extends/from 'name' %}` with a literal name: the other templates a template reads. */
const TEMPLATE_REFERENCE = /\{%-?\s*(?:include|import|extends|from)\s+["']([^"']+)["']/g;

/** `lookup('template', 'name')` / `query(...)` with a literal name, in any string of the task. */
const TEMPLATE_LOOKUP = /\b(?:lookup|query|q)\(\s*["']template["']\s*,\s*["']([^"']+)["']/g;

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(strings);
}

/** The templates a task renders: a template task's src, and what its strings look up. */
function renderedTemplates(task: TaskSpec): string[] | undefined {
  const names = strings([task.params, task.when, task.loop, task.vars]).flatMap((text) => [...text.matchAll(TEMPLATE_LOOKUP)].map((match) => match[1]!));
  if (task.module !== 'core.template') return names;
  const src = (task.params as Record<string, unknown> | null)?.['src'];
  return typeof src === 'string' ? [src, ...names] : undefined;
}

/**
 * The text of the template files a task renders (a template task's src, a template lookup) and
 * of the templates they include (found beside them or where the task's own are looked for);
 * undefined when a name is itself a template, so that it may read anything.
 */
function templateText(task: TaskSpec, searchPath: string[]): string | undefined {
  const names = renderedTemplates(task);
  if (names === undefined) return undefined;
  const texts: string[] = [];
  const seen = new Set<string>();
  const pending: { name: string; from: string[] }[] = names.map((name) => ({ name, from: searchPath }));
  while (pending.length > 0) {
    const { name, from } = pending.pop()!;
    if (/\{\{|\{%/.test(name)) return undefined;
    const file = controllerFileCandidates(from, 'templates', name).find((candidate) => readFile(candidate) !== undefined);
    // Not found: the template module's preflight says so before anything runs.
    if (!file || seen.has(file)) continue;
    seen.add(file);
    const text = readFile(file) ?? '';
    texts.push(text);
    for (const match of text.matchAll(TEMPLATE_REFERENCE)) pending.push({ name: match[1]!, from: [dirname(file), ...searchPath] });
  }
  return texts.join('\n');
}

export function playFactsDecision(play: Play, input: PlayReadsInput): FactsDecision {
  const selected = input.selected;
  const tasks = [...play.tasks.filter((task) => !selected || selected.has(task.id)), ...play.handlers, ...play.rollback];
  return factsDecision(play, { tasks, hostVars: input.hostVars, templateText: (task) => templateText(task, input.searchPath(task)) });
}
