/*
 * Console input typed or piped on the host, held until the guest's UART
 * (or the ring in front of it) has room: input is never dropped, however
 * far ahead of the guest it arrives.
 */
export class InputQueue {
  private bytes: number[] = [];
  private head = 0;
  /** No more input will come. */
  ended = false;

  push(chunk: Uint8Array | string): void {
    if (typeof chunk === 'string') chunk = new TextEncoder().encode(chunk);
    for (const byte of chunk) this.bytes.push(byte);
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
