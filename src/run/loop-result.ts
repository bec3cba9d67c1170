import type { Vars } from '../inventory/types.ts';
import type { FileChange } from '../modules/module.ts';
import { withoutInternals, type ItemResult, type RunInvocation } from './item-runner.ts';

// A node's items' results as one outcome and one registered result, as Ansible's TaskExecutor.run
// collates a loop's: `results` in item order (each with its loop variable, skipped ones saying
// so), `changed`/`failed` if any item's is, `skipped` if every item was, and its `msg`.

export interface NodeResult {
  status: 'ok' | 'changed' | 'failed' | 'skipped';
  registered: Vars;
  message?: string;
  files: FileChange[];
  planned: boolean;
}

const SKIPPED = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };

function text(message: unknown): string | undefined {
  return typeof message === 'string' && message !== '' ? message : undefined;
}

/** The outcome of the items that ran (`ran`, by item index) and those `when` skipped. */
export function collateResults(invocation: RunInvocation, ran: Map<number, ItemResult>): NodeResult {
  const results = [...ran.values()];
  const files = results.flatMap((result) => result.diffFiles ?? []);
  const planned = results.some((result) => result.planned);
  const failed = results.find((result) => result.failed);
  const changed = results.some((result) => result.changed);
  if (!invocation.looped) {
    const [result] = results;
    // A module may skip itself (debug under its verbosity): Ansible counts the result as skipped.
    const status = failed ? 'failed' : changed ? 'changed' : result!.skipped === true ? 'skipped' : 'ok';
    return { status, registered: withoutInternals(result!), message: text(result!.msg) ?? text(result!.message) ?? text(result!.skipped_reason), files, planned };
  }
  if (invocation.items.length === 0 && invocation.skippedItems.length === 0) {
    return { status: 'skipped', registered: { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] }, message: 'no items in the loop', files, planned };
  }

  const entries: { index: number; registered: Vars; part: string; failed: boolean }[] = [];
  for (const item of invocation.items) {
    const result = ran.get(item.index);
    if (!result) continue; // not reached: the run was aborted
    const message = text(result.msg);
    entries.push({ index: item.index, registered: { ...withoutInternals(result), ...item.resultFields }, part: `(item=${item.label})${message ? ` ${message}` : ''}`, failed: Boolean(result.failed) });
  }
  for (const item of invocation.skippedItems) {
    entries.push({ index: item.index, registered: { ...SKIPPED, ...item.resultFields }, part: `(item=${item.label}) skipped: condition false: ${item.condition}`, failed: false });
  }
  entries.sort((a, b) => a.index - b.index);
  const allSkipped = results.length === 0;
  const msg = failed ? 'One or more items failed' : allSkipped ? 'All items skipped' : 'All items completed';
  const registered = { results: entries.map((entry) => entry.registered), changed, failed: Boolean(failed), skipped: allSkipped, msg };
  if (allSkipped) {
    return { status: 'skipped', registered, message: `condition false: ${invocation.skippedItems[0]!.condition}`, files, planned };
  }
  const shown = failed ? entries.filter((entry) => entry.failed) : entries;
  return { status: failed ? 'failed' : changed ? 'changed' : 'ok', registered, message: shown.map((entry) => entry.part).join('; '), files, planned };
}
