/*
 * One console: the xterm terminal of UART `uart`, created once when the
 * pane mounts and fed with everything the UART printed (its history
 * first); what the user types in it goes to that UART. Tabs and the grid
 * hide a pane, never unmount it, so its terminal lives as long as the
 * page. The terminal is put on the page the first time the pane is shown
 * with a size, and fitted to its box by the fit addon whenever the box
 * changes size, only while it has one (fit() on a hidden, zero-size box
 * throws).
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef } from 'react';
import { consoleLabel } from '../console-labels.ts';
import { labConsoles } from '../lab.ts';
import { selectConsole, useConsoles } from '../store.ts';
import { registerTerminal } from '../test-hook.ts';

/** Font sizes in px: one console on screen, and several in the grid. */
const FONT_SIZE = 20;
const FONT_SIZE_COMPACT = 16;

interface ConsolePaneProps {
  uart: number;
  /** On screen (the selected tab, or in the grid's group). */
  visible: boolean;
  /** Shares the screen with other consoles: smaller type, and a title of its own. */
  compact: boolean;
}

/** A terminal on a box: shown (attached on first use, then fitted) whenever the box has a size. */
interface ShownTerminal {
  terminal: Terminal;
  /** Puts the terminal on its box if that has not happened yet, and fits it; nothing while the box has no size. */
  show(): void;
}

export function ConsolePane({ uart, visible, compact }: ConsolePaneProps) {
  const box = useRef<HTMLDivElement>(null);
  const shown = useRef<ShownTerminal>(null);
  const label = useConsoles((s) => consoleLabel(uart, s.owners));
  const selected = useConsoles((s) => s.selected === uart);

  useEffect(() => {
    const element = box.current;
    const log = labConsoles()?.log(uart);
    if (!element || !log) return;
    const terminal = new Terminal({
      convertEol: true, // a guest may end lines with \n alone
      cursorBlink: false,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: FONT_SIZE,
      scrollback: 5000,
      theme: { background: '#05080c', foreground: '#e8f0f2', cursor: '#ffd166' },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    const show = () => {
      if (element.clientWidth === 0 || element.clientHeight === 0) return;
      if (!terminal.element) terminal.open(element);
      fit.fit();
    };
    const resizes = new ResizeObserver(show);
    resizes.observe(element);
    const unsubscribe = log.subscribe((bytes) => terminal.write(bytes));
    const typing = terminal.onData((data) => log.type(data));
    shown.current = { terminal, show };
    registerTerminal(uart, terminal);
    return () => {
      registerTerminal(uart, undefined);
      shown.current = null;
      typing.dispose();
      unsubscribe();
      resizes.disconnect();
      terminal.dispose();
    };
  }, [uart]);

  useEffect(() => {
    const current = shown.current;
    if (!current) return;
    current.terminal.options.fontSize = compact ? FONT_SIZE_COMPACT : FONT_SIZE;
    if (!visible) return;
    current.show();
    if (selected) current.terminal.focus();
  }, [visible, selected, compact]);

  return (
    <section className="console-pane" id={`console-${uart}`} role="tabpanel" aria-labelledby={`console-tab-${uart}`}
      hidden={!visible} onFocus={() => { if (!selected) selectConsole(uart); }}>
      {compact && <h3 className="console-pane-title">{label}</h3>}
      <div className="terminal-box" ref={box} data-testid={`console-${uart}`} />
    </section>
  );
}
