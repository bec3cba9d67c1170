import type { TaskSpec } from './types.ts';

// Ansible's tag selection (ansible/playbook/taggable.py, evaluate_tags), special tags included:
// `always` runs unless skipped by name (or by another of its tags), `never` runs only when asked
// for by one of its tags, `all`/`tagged`/`untagged` select by whether a task has tags at all.

export interface TagOptions {
  tags?: string[];
  skipTags?: string[];
}

/** A task with no tags is `untagged`, as in Ansible, so `--tags untagged` can select it. */
function effectiveTags(task: TaskSpec): Set<string> {
  return new Set(task.tags.length > 0 ? task.tags : ['untagged']);
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const tag of a) if (b.has(tag)) return true;
  return false;
}

function isTagged(tags: Set<string>): boolean {
  return !(tags.size === 1 && tags.has('untagged'));
}

export function shouldRun(task: TaskSpec, onlyTags: Set<string>, skipTags: Set<string>): boolean {
  const tags = effectiveTags(task);
  let run: boolean;
  if (tags.has('always')) run = true;
  else if (onlyTags.has('all') && !tags.has('never')) run = true;
  else if (intersects(tags, onlyTags)) run = true;
  else run = onlyTags.has('tagged') && isTagged(tags) && !tags.has('never');

  if (run && skipTags.size > 0) {
    if (skipTags.has('all')) run = tags.has('always') && !skipTags.has('always');
    else if (intersects(tags, skipTags)) run = false;
    else if (skipTags.has('tagged') && isTagged(tags)) run = false;
  }
  return run;
}

/** `--tags a,b` arrives as one argument or several; both spellings split the same way. */
function tagSet(values: string[] | undefined, fallback: string[]): Set<string> {
  const tags = (values ?? []).flatMap((value) => value.split(',')).map((tag) => tag.trim()).filter(Boolean);
  return new Set(tags.length > 0 ? tags : fallback);
}

/** Ids of the tasks that `--tags`/`--skip-tags` select (default: all but `never` tasks). */
export function selectTasks(tasks: TaskSpec[], options: TagOptions): Set<string> {
  const onlyTags = tagSet(options.tags, ['all']);
  const skipTags = tagSet(options.skipTags, []);
  return new Set(tasks.filter((task) => shouldRun(task, onlyTags, skipTags)).map((task) => task.id));
}
