import { InputError, formatPosition } from '../errors.ts';
import { didYouMean } from '../modules/similar-names.ts';
import type { ParsedTask } from './task.ts';

// Ids are how `needs` and the graph name tasks: unique in the play across tasks, handlers and
// rollback. Without `id:`, a task is named by a slug of its name when that is unique (stable
// when tasks are added or moved), else by its place (`task3`, `handler1`, `rollback2`).

export interface PlaySections {
  tasks: ParsedTask[];
  handlers: ParsedTask[];
  rollback: ParsedTask[];
}

const PREFIX: Record<keyof PlaySections, string> = { tasks: 'task', handlers: 'handler', rollback: 'rollback' };

export function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function allTasks(sections: PlaySections): ParsedTask[] {
  return [...sections.tasks, ...sections.handlers, ...sections.rollback];
}

function checkExplicitIds(sections: PlaySections): Set<string> {
  const first = new Map<string, ParsedTask>();
  for (const task of allTasks(sections)) {
    if (task.explicitId === undefined) continue;
    const earlier = first.get(task.explicitId);
    if (earlier) {
      throw new InputError(
        `duplicate task id '${task.explicitId}' (first used at ${formatPosition(earlier.spec.keyPositions.id ?? earlier.spec.position)})`,
        task.spec.keyPositions.id ?? task.spec.position,
      );
    }
    first.set(task.explicitId, task);
  }
  return new Set(first.keys());
}

function assignIds(sections: PlaySections): void {
  const taken = checkExplicitIds(sections);
  const slugCounts = new Map<string, number>();
  for (const task of allTasks(sections)) {
    if (task.explicitId !== undefined || !task.spec.name) continue;
    const slug = slugOf(task.spec.name);
    slugCounts.set(slug, (slugCounts.get(slug) ?? 0) + 1);
  }
  for (const section of Object.keys(PREFIX) as (keyof PlaySections)[]) {
    sections[section].forEach((task, index) => {
      if (task.explicitId !== undefined) {
        task.spec.id = task.explicitId;
        return;
      }
      const slug = task.spec.name ? slugOf(task.spec.name) : '';
      let id = slug && slugCounts.get(slug) === 1 && !taken.has(slug) ? slug : `${PREFIX[section]}${index + 1}`;
      for (let n = 2; taken.has(id); n++) id = `${PREFIX[section]}${index + 1}-${n}`;
      taken.add(id);
      task.spec.id = id;
    });
  }
}

function checkNeeds(tasks: ParsedTask[], allowed: ParsedTask[], where: string): void {
  const ids = new Set(allowed.map((t) => t.spec.id));
  for (const task of tasks) {
    task.spec.needs.forEach((need, i) => {
      if (ids.has(need)) return;
      const byName = allowed.find((t) => t.spec.name === need);
      const hint = byName ? ` (that is a task name; its id is '${byName.spec.id}')` : didYouMean(need, ids);
      throw new InputError(`needs: no task with id '${need}' ${where}${hint}`, task.needsPositions[i] ?? task.spec.keyPositions.needs);
    });
  }
}

function checkNotify(tasks: ParsedTask[], handlers: ParsedTask[]): void {
  const targets = new Set(handlers.flatMap((h) => [h.spec.id, ...(h.spec.name ? [h.spec.name] : []), ...(h.spec.listen ?? [])]));
  for (const task of tasks) {
    task.spec.notify.forEach((target, i) => {
      if (targets.has(target)) return;
      throw new InputError(
        `notify: no handler named '${target}'${didYouMean(target, targets)}`,
        task.notifyPositions[i] ?? task.spec.keyPositions.notify,
      );
    });
  }
}

/** Give every task its id, then check that each `needs` and `notify` names something real. */
export function resolveTaskReferences(sections: PlaySections): void {
  assignIds(sections);
  // A task may need a handler (run after it, or after it was skipped as not notified): that is how
  // a playbook says "meet the nodes only after a config change has restarted them".
  checkNeeds(sections.tasks, [...sections.tasks, ...sections.handlers], 'among the play\'s tasks and handlers');
  checkNeeds(sections.handlers, [...sections.tasks, ...sections.handlers], 'among the play\'s tasks and handlers');
  checkNeeds(sections.rollback, sections.rollback, 'among the play\'s rollback tasks');
  checkNotify(allTasks(sections), sections.handlers);
}
