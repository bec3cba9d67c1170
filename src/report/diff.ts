// `--diff`: a file change as a unified diff. jsdiff computes and formats the patch; we drop its
// `====` separator and color each line by its kind.

import { formatPatch, structuredPatch } from 'diff';
import type { FileChange } from '../modules/module.ts';
import { palette } from './style.ts';

const CONTEXT_LINES = 3;

function changeVerb(change: FileChange): string {
  if (change.before === null) return 'created';
  if (change.after === null) return 'deleted';
  return 'changed';
}

/**
 * `--- before: path` / `+++ after: path` then the hunks. A new file is all `+`, a deleted one
 * all `-`; a binary (or too large) file is one line saying so, with no contents.
 */
export function renderFileDiff(change: FileChange, options: { color: boolean }): string {
  const style = palette(options.color);
  if (change.binary) {
    return style.dim(`Binary file ${change.path} ${changeVerb(change)} (contents not shown)`);
  }
  const patch = structuredPatch(
    `before: ${change.path}`,
    `after: ${change.path}`,
    change.before ?? '',
    change.after ?? '',
    undefined,
    undefined,
    { context: CONTEXT_LINES },
  );
  return formatPatch(patch)
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('==='))
    .map((line) => {
      if (line.startsWith('@@')) return style.hunk(line);
      if (line.startsWith('+')) return style.added(line);
      if (line.startsWith('-')) return style.removed(line);
      if (line.startsWith('\\')) return style.dim(line);
      return line;
    })
    .join('\n');
}
