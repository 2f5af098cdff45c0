/*
 * A spinlock in a device's shared state word.
 *
 * Devices are run by whichever hart touches them, each hart in its own
 * worker, and the host feeds console input from yet another thread. A device
 * whose registers change together (a FIFO and its count, the PLIC's pending
 * and claimed bits) takes its lock around each access. Holders never block
 * or call out while holding it, so spinning is short; Atomics.wait is not
 * allowed on the main thread anyway.
 */

/** Acquires the lock at `state[index]` (0 = free, 1 = held). */
export function lockState(state: Int32Array, index: number): void {
  while (Atomics.compareExchange(state, index, 0, 1) !== 0) {
    // Another thread is inside the device for a few hundred nanoseconds.
  }
}

/** Releases the lock; the atomic store publishes the writes made under it. */
export function unlockState(state: Int32Array, index: number): void {
  Atomics.store(state, index, 0);
}
