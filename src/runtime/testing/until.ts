/*
 * Waiting in tests of a running machine: a condition polled between the
 * machine's slices of work (the thread machine runs in the test's own
 * thread), failing after a time rather than hanging.
 */

/** Resolves once `condition()` holds, checking every 5 ms; rejects after `timeoutMs`. */
export function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (condition()) resolve();
      else if (performance.now() - started > timeoutMs) reject(new Error('timed out'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}
