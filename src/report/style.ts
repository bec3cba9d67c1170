// Colors for human output, switched on or off by the caller (never guessed from process.stdout:
// reporters write to the stream they are given).

import { createColors } from 'colorette';
import type { NodeStatus } from '../run/events.ts';

export interface Palette {
  status(status: NodeStatus | 'would-change' | 'rescued' | 'undone', text: string): string;
  added(text: string): string;
  removed(text: string): string;
  hunk(text: string): string;
  heading(text: string): string;
  warning(text: string): string;
  dim(text: string): string;
}

/** Ansible's choices: green ok, yellow changed, red failed/unreachable, cyan skipped. */
export function palette(color: boolean): Palette {
  const c = createColors({ useColor: color });
  const byStatus: Record<NodeStatus | 'would-change' | 'rescued' | 'undone', (text: string) => string> = {
    ok: c.green,
    changed: c.yellow,
    'would-change': c.yellow,
    failed: c.red,
    unreachable: c.red,
    blocked: c.magenta,
    skipped: c.cyan,
    rescued: c.cyan,
    undone: c.magenta,
  };
  return {
    status: (status, text) => byStatus[status](text),
    added: c.green,
    removed: c.red,
    hunk: c.cyan,
    heading: c.bold,
    warning: c.magenta,
    dim: c.dim,
  };
}
