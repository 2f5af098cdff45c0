/*
 * The consoles: one terminal per UART in use (UART0 always, the others
 * from their first byte), shown one at a time behind tabs or up to
 * GRID_PANES at once in a grid. Every pane stays mounted; the layout only
 * hides and shows them.
 */
import { visibleConsoles } from '../consoles.ts';
import { useConsoles, useLab } from '../store.ts';
import { ConsolePane } from './ConsolePane.tsx';
import { ConsoleLayoutToggle, ConsoleTabs } from './ConsoleTabs.tsx';

export function ConsolePanel() {
  const ready = useLab((s) => s.status === 'ready');
  const inUse = useConsoles((s) => s.inUse);
  const layout = useConsoles((s) => s.layout);
  const selected = useConsoles((s) => s.selected);
  const visible = visibleConsoles(inUse, selected, layout);
  const compact = visible.length > 1;
  return (
    <section className="console-panel" aria-label="Consoles">
      <header className="console-header">
        <h2>Consoles</h2>
        <ConsoleLayoutToggle />
      </header>
      <ConsoleTabs />
      <div className={`console-panes console-panes-${visible.length}`}>
        {ready
          ? inUse.map((uart) => <ConsolePane key={uart} uart={uart} visible={visible.includes(uart)} compact={compact} />)
          : <div className="terminal-box" />}
      </div>
    </section>
  );
}
