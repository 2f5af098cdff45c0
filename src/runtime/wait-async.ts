/*
 * Atomics.waitAsync for threads that must not block (the page's main
 * thread): resolves when another thread notifies the word, when the word
 * no longer holds `value`, or after `timeoutMs`. (The project's TypeScript
 * lib predates ES2024, which types it.)
 */
type WaitResult = 'ok' | 'not-equal' | 'timed-out';

interface AtomicsWithWaitAsync {
  waitAsync(array: Int32Array, index: number, value: number, timeout?: number):
    { async: false; value: WaitResult } | { async: true; value: Promise<WaitResult> };
}

export function waitAsync(array: Int32Array, index: number, value: number, timeoutMs = Infinity): Promise<WaitResult> {
  const result = (Atomics as unknown as AtomicsWithWaitAsync).waitAsync(array, index, value, timeoutMs);
  return result.async ? result.value : Promise.resolve(result.value);
}

/**
 * Resolves once `array[index]` reaches `target` (compared as a sequence
 * number that may wrap around), or rejects after `timeoutMs`.
 */
export async function waitForSequence(array: Int32Array, index: number, target: number, timeoutMs: number,
  what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = Atomics.load(array, index);
    if (((value - target) | 0) >= 0) return;
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`${what}: no answer within ${timeoutMs} ms`);
    await waitAsync(array, index, value, left);
  }
}
