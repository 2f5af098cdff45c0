/*
 * Byte rings in shared memory that carry a UART's bytes between the harts
 * and the page: the transmit ring (harts write, the page reads) and the
 * receive ring (the page writes, a hart's worker moves the bytes into the
 * UART's FIFO as it has room).
 *
 * Head and tail count bytes forever (modulo 2^32); the capacity is a power
 * of two. One side only ever moves the head, the other the tail, so a
 * single writer and a single reader need no lock. Several harts can write
 * the transmit ring, and several workers can drain the receive ring, so
 * those sides take the ring's lock word (held for a few instructions).
 */

/** One direction of a console: a view of its bytes and its header words. */
export class ByteRing {
  private readonly mask: number;

  /**
   * `header[headIndex]`, `header[tailIndex]` and `header[lockIndex]` are
   * this ring's words; `bytes` its storage (a power-of-two length).
   */
  constructor(
    private readonly header: Int32Array,
    private readonly headIndex: number,
    private readonly tailIndex: number,
    private readonly lockIndex: number,
    private readonly bytes: Uint8Array,
  ) {
    if ((bytes.length & (bytes.length - 1)) !== 0) throw new Error('a ring holds a power-of-two number of bytes');
    this.mask = bytes.length - 1;
  }

  get capacity(): number {
    return this.bytes.length;
  }

  /** Bytes waiting to be read. */
  count(): number {
    return (Atomics.load(this.header, this.tailIndex) - Atomics.load(this.header, this.headIndex)) >>> 0;
  }

  /** Room for more bytes. */
  space(): number {
    return this.bytes.length - this.count();
  }

  /** The tail's current value (for Atomics.wait / waitAsync on it). */
  tail(): number {
    return Atomics.load(this.header, this.tailIndex);
  }

  /** Index of the tail word in the header, to wait on. */
  get tailWord(): number {
    return this.tailIndex;
  }

  /** Index of the head word in the header, to wait on. */
  get headWord(): number {
    return this.headIndex;
  }

  /**
   * Writer side: appends as many of `source[from..to)` as fit; returns how
   * many. Notifies a reader waiting on the tail word if the ring was empty.
   */
  write(source: ArrayLike<number>, from = 0, to = source.length): number {
    const head = Atomics.load(this.header, this.headIndex);
    let tail = Atomics.load(this.header, this.tailIndex);
    const space = this.bytes.length - ((tail - head) >>> 0);
    const n = Math.min(space, to - from);
    for (let i = 0; i < n; i++) {
      this.bytes[tail & this.mask] = source[from + i];
      tail = (tail + 1) | 0;
    }
    if (n > 0) {
      Atomics.store(this.header, this.tailIndex, tail);
      Atomics.notify(this.header, this.tailIndex);
    }
    return n;
  }

  /** Writer side: appends one byte; false if the ring is full. */
  push(byte: number): boolean {
    const head = Atomics.load(this.header, this.headIndex);
    const tail = Atomics.load(this.header, this.tailIndex);
    if (((tail - head) >>> 0) >= this.bytes.length) return false;
    this.bytes[tail & this.mask] = byte;
    Atomics.store(this.header, this.tailIndex, (tail + 1) | 0);
    if (tail === head) Atomics.notify(this.header, this.tailIndex);
    return true;
  }

  /** Reader side: removes and returns every waiting byte (a fresh array), or undefined if none. */
  readAll(): Uint8Array | undefined {
    let head = Atomics.load(this.header, this.headIndex);
    const tail = Atomics.load(this.header, this.tailIndex);
    const n = (tail - head) >>> 0;
    if (n === 0) return undefined;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.bytes[head & this.mask];
      head = (head + 1) | 0;
    }
    Atomics.store(this.header, this.headIndex, head);
    Atomics.notify(this.header, this.headIndex); // a writer may wait for room
    return out;
  }

  /** Reader side: the next byte without removing it, or -1 if the ring is empty. */
  peek(): number {
    const head = Atomics.load(this.header, this.headIndex);
    if (head === Atomics.load(this.header, this.tailIndex)) return -1;
    return this.bytes[head & this.mask];
  }

  /** Reader side: drops the byte peek() returned. */
  drop(): void {
    Atomics.add(this.header, this.headIndex, 1);
    Atomics.notify(this.header, this.headIndex);
  }

  /** Takes the ring's lock (spins: holders keep it for a few instructions). */
  lock(): void {
    while (Atomics.compareExchange(this.header, this.lockIndex, 0, 1) !== 0) {
      // another hart is appending a byte
    }
  }

  /** Takes the lock if it is free; returns whether it did. */
  tryLock(): boolean {
    return Atomics.compareExchange(this.header, this.lockIndex, 0, 1) === 0;
  }

  unlock(): void {
    Atomics.store(this.header, this.lockIndex, 0);
  }

  /** Empties the ring (only while nobody uses it, e.g. at power-on). */
  clear(): void {
    Atomics.store(this.header, this.headIndex, 0);
    Atomics.store(this.header, this.tailIndex, 0);
    Atomics.store(this.header, this.lockIndex, 0);
  }
}
