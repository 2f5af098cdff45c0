/*
 * Console input typed or piped on the host, held until the guest's UART
 * (or the ring in front of it) has room: input is never dropped, however
 * far ahead of the guest it arrives.
 */
export class InputQueue {
  private bytes: number[] = [];
  private head = 0;
  /** No more input will come (from the main source: stdin, for UART0). */
  ended = false;
  /** Other sources that may still send (ConsoleStream.holdInputOpen). */
  private holds = 0;

  push(chunk: Uint8Array | string): void {
    if (typeof chunk === 'string') chunk = new TextEncoder().encode(chunk);
    for (const byte of chunk) this.bytes.push(byte);
  }

  /** Says input may still come until the returned function is called (more calls do nothing). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
    };
  }

  /** A source that may still send holds the input open. */
  get held(): boolean {
    return this.holds > 0;
  }

  get length(): number {
    return this.bytes.length - this.head;
  }

  /** The next byte without taking it. */
  peek(): number {
    return this.bytes[this.head];
  }

  shift(): number {
    const byte = this.bytes[this.head++];
    if (this.head > 4096 && this.head * 2 > this.bytes.length) {
      this.bytes = this.bytes.slice(this.head);
      this.head = 0;
    }
    return byte;
  }
}
