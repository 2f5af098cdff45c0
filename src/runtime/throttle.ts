/*
 * The speed limit of a hart: at most `instructionsPerSecond` instructions
 * per second (0 = no limit), as a budget that refills with time. Falling
 * far behind (a long sleep, a pause) does not build up a burst.
 */

/** Longest backlog the budget keeps, in milliseconds of the limit. */
const MAX_BACKLOG_MS = 100;

export class Throttle {
  private limit = 0;
  private startMs = 0;
  private granted = 0;

  /** Sets the limit (0 = none) and starts counting afresh at `nowMs`. */
  setLimit(instructionsPerSecond: number, nowMs: number): void {
    this.limit = instructionsPerSecond;
    this.restart(nowMs);
  }

  get limited(): boolean {
    return this.limit > 0;
  }

  /** Starts counting afresh (after a pause or a sleep). */
  restart(nowMs: number): void {
    this.startMs = nowMs;
    this.granted = 0;
  }

  /** Instructions the hart may run now (Infinity without a limit). */
  budget(nowMs: number): number {
    if (this.limit <= 0) return Infinity;
    const due = Math.floor(((nowMs - this.startMs) * this.limit) / 1000);
    const backlog = Math.max(1, (this.limit * MAX_BACKLOG_MS) / 1000);
    if (due - this.granted > backlog) {
      // Too far behind: forget the debt rather than race to catch up.
      this.granted = due - Math.floor(backlog);
    }
    return due - this.granted;
  }

  /** Books `count` instructions as run. */
  spend(count: number): void {
    this.granted += count;
  }

  /** Milliseconds until the next instruction is due (0 without a limit). */
  msUntilNext(nowMs: number): number {
    if (this.limit <= 0) return 0;
    const dueAt = this.startMs + ((this.granted + 1) * 1000) / this.limit;
    return Math.max(0, dueAt - nowMs);
  }
}
