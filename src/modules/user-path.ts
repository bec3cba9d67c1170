import type { TaskContext } from './module.ts';
import { runChecked } from './run-checked.ts';

/**
 * Ansible's `type: path` params expand `~` on the host (os.path.expanduser, as the user the
 * module runs as): `~` and `~/x` become that user's home. Other paths are returned as they are,
 * with no round trip.
 */
export async function expandUserPath(ctx: TaskContext, file: string): Promise<string> {
  if (file !== '~' && !file.startsWith('~/')) return file;
  const home = (await runChecked(ctx, ['sh', '-c', 'printf %s "$HOME"'])).stdout;
  return home ? `${home.replace(/\/+$/, '')}${file.slice(1)}` || '/' : file;
}
