import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../../src/connect/semaphore.ts';

describe('Semaphore', () => {
  it('never lets more than capacity holders in, and hands slots over in order', async () => {
    const semaphore = new Semaphore(2);
    let inside = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const release = await semaphore.acquire();
        inside++;
        peak = Math.max(peak, inside);
        order.push(i);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        release();
        release(); // a second release must not free a second slot
      }),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(semaphore.inUse).toBe(0);
  });
});
