/*
 * The UART0 console: an xterm terminal created once, fitted to its box by
 * the fit addon whenever the box changes size (and only while it has a
 * size), fed with everything the guest prints; what the user types goes to
 * the guest.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef } from 'react';
import { labConsole } from '../lab.ts';
import { useLab } from '../store.ts';
import { registerTerminal } from '../test-hook.ts';

export function ConsolePane() {
  const box = useRef<HTMLDivElement>(null);
  const ready = useLab((s) => s.status === 'ready');

  useEffect(() => {
    const element = box.current;
    const log = labConsole();
    if (!element || !ready || !log) return;
    const terminal = new Terminal({
      convertEol: true, // the guest ends lines with \n alone
      cursorBlink: false,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 20,
      scrollback: 5000,
      theme: { background: '#05080c', foreground: '#e8f0f2', cursor: '#ffd166' },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    const fitToBox = () => {
      if (element.clientWidth > 0 && element.clientHeight > 0) fit.fit();
    };
    const resizes = new ResizeObserver(fitToBox);
    resizes.observe(element);
    fitToBox();
    const unsubscribe = log.subscribe((bytes) => terminal.write(bytes));
    const typing = terminal.onData((data) => log.type(data));
    registerTerminal(terminal);
    terminal.focus();
    return () => {
      registerTerminal(undefined);
      typing.dispose();
      unsubscribe();
      resizes.disconnect();
      terminal.dispose();
    };
  }, [ready]);

  return (
    <section className="console-pane" aria-label="UART0 console">
      <h2>Console <span className="console-name">UART0</span></h2>
      <div className="terminal-box" ref={box} data-testid="console" />
    </section>
  );
}
