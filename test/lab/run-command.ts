// Runs the lab's host-side tools (ip, ssh-keygen, cp) and fails loudly with their stderr: a lab
// that half-starts is worse than one that refuses to start.
import { execFile } from 'node:child_process';
import { LabError } from './lab-errors.ts';

export async function run(file: string, args: readonly string[], options: { input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new LabError(`lab: ${file} ${args.join(' ')} failed: ${String(stderr).trim() || error.message}`));
        return;
      }
      resolve(String(stdout));
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like run, but a failure is expected during cleanup (the thing may already be gone). */
export async function runQuietly(file: string, args: readonly string[]): Promise<string> {
  try {
    return await run(file, args);
  } catch {
    return '';
  }
}

/**
 * Runs `work` over items with at most `limit` in flight (50 hosts must not fork 50 cp at once).
 * On a failure no new item starts, and it rejects only once the running ones have finished, so
 * the caller's cleanup never races a half-done setup.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failure) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(workers);
  if (failure) throw (failure as { error: unknown }).error;
}
