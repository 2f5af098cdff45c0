/*
 * Just enough of a terminal to read what a line editor left on screen: it
 * replays printable bytes, backspace (cursor left), carriage return and
 * ESC [ K (erase to the end of the line) on one line, and reports the text.
 */
export function renderLine(bytes: string): string {
  const cells: string[] = [];
  let cursor = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === '\b') {
      cursor = Math.max(0, cursor - 1);
    } else if (c === '\r') {
      cursor = 0;
    } else if (c === '\x1b' && bytes.startsWith('[K', i + 1)) {
      cells.length = cursor;
      i += 2;
    } else if (c >= ' ' && c !== '\x7f') {
      cells[cursor++] = c;
    }
  }
  return Array.from(cells, (cell) => cell ?? ' ').join('').trimEnd();
}
