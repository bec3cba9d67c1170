import type { SourcePosition } from '../errors.ts';
import type { TaskSpec } from './types.ts';

/** Where the task's module key stands (as written: `file`, `core.file`), for param and module errors. */
export function moduleKeyPosition(task: TaskSpec): SourcePosition {
  const positions = task.keyPositions;
  const short = task.module.replace(/^core\./, '');
  return positions[task.module] ?? positions[short] ?? positions[`ansible.builtin.${short}`] ?? task.position;
}
