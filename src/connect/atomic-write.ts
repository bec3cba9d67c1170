// The one write-then-rename sequence, over whichever file API a connection has (Node fs, SFTP):
// write a temp file beside the target, set its mode, rename it over the target. A crash or abort
// leaves the old file intact and at most a stray temp file, never a truncated target.
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export interface FileOps {
  /** Permission bits of an existing path, or null when it does not exist. */
  modeOf(path: string): Promise<number | null>;
  write(path: string, data: Buffer, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** Replaces `to` if it exists (POSIX rename semantics). */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const DEFAULT_FILE_MODE = 0o644;

export function tempPathBeside(target: string): string {
  return path.posix.join(path.posix.dirname(target), `.${path.posix.basename(target)}.playgraph-${randomBytes(6).toString('hex')}`);
}

/** Mode: the given one, else the existing file's (a rewrite keeps permissions), else 0644. */
export async function writeAtomically(ops: FileOps, target: string, data: Buffer, mode?: number): Promise<void> {
  const finalMode = mode ?? (await ops.modeOf(target)) ?? DEFAULT_FILE_MODE;
  const temp = tempPathBeside(target);
  try {
    await ops.write(temp, data, 0o600);
    await ops.chmod(temp, finalMode); // explicit: the create mode is masked by the umask
    await ops.rename(temp, target);
  } catch (error) {
    await ops.unlink(temp).catch(() => undefined);
    throw error;
  }
}
