/*
 * The most recent bytes of a stream, kept up to a limit in the chunks
 * they came in: console output for a terminal that opens later, or for a
 * socket client that has not connected yet.
 */
export class RecentBytes {
  private kept: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  /** Keeps `chunk`, dropping the oldest bytes beyond the limit. */
  push(chunk: Uint8Array): void {
    this.kept.push(chunk);
    this.size += chunk.length;
    while (this.size > this.limit) {
      const excess = this.size - this.limit;
      const oldest = this.kept[0];
      if (oldest.length <= excess) this.kept.shift();
      else this.kept[0] = oldest.subarray(excess);
      this.size -= Math.min(oldest.length, excess);
    }
  }

  /** What is kept, oldest first. */
  chunks(): readonly Uint8Array[] {
    return this.kept;
  }

  get length(): number {
    return this.size;
  }

  clear(): void {
    this.kept = [];
    this.size = 0;
  }
}
