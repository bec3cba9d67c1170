// A cleanup runs every step even when one before it throws, then reports every failure at once.
import { describe, expect, it } from 'vitest';
import { cleanUpEach, LabCleanupError } from '../../../test/lab/lab-errors.ts';

describe('cleanUpEach', () => {
  it('runs the steps after a failing one and throws a LabCleanupError naming each failure', async () => {
    const ran: string[] = [];
    const error = await cleanUpEach('test cleanup', [
      () => ran.push('link up'),
      () => {
        throw new Error('wipe server1 failed');
      },
      async () => {
        ran.push('restore compiler');
        throw new Error('umount busy');
      },
      () => ran.push('remove dir'),
    ]).then(() => null, (e: unknown) => e);
    expect(ran).toEqual(['link up', 'restore compiler', 'remove dir']);
    expect(error).toBeInstanceOf(LabCleanupError);
    expect((error as Error).message).toBe('test cleanup finished with 2 failure(s): wipe server1 failed; umount busy');
    expect((error as LabCleanupError).failures).toHaveLength(2);
  });

  it('resolves when every step succeeds, skipping steps that have nothing to do', async () => {
    const ran: string[] = [];
    await expect(cleanUpEach('test cleanup', [() => ran.push('a'), () => undefined, async () => ran.push('b')])).resolves.toBeUndefined();
    expect(ran).toEqual(['a', 'b']);
  });
});
