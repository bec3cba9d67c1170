// Waiting with the run's abort signal, for modules (part of their SDK): a sleep, a promise raced
// with the signal, and a poll until a probe reports no problems. The one place these live.
import { AbortedError } from '../errors.ts';

/** Waits `ms`, or rejects with AbortedError as soon as the run is aborted. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `promise`, or a rejection with the signal's reason as soon as the run is aborted (the promise itself goes on). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Polls `probe` until it returns no problems, the deadline passes or the run is aborted; returns
 * the last problems (empty when the wait succeeded), so the caller says what was still wrong.
 */
export async function pollUntil(probe: () => Promise<string[]>, timeoutMs: number, signal?: AbortSignal, intervalMs = 250): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problems = await probe();
    if (problems.length === 0 || Date.now() >= deadline || signal?.aborted) return problems;
    if (!signal) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      continue;
    }
    try {
      await abortableSleep(intervalMs, signal);
    } catch (error) {
      if (error instanceof AbortedError) return problems;
      throw error;
    }
  }
}
