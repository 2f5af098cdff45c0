/*
 * Above the consoles: one tab per console in use, labelled with what it
 * carries (console-labels.ts), and the switch between one console at a
 * time and the grid. Choosing a tab shows its console and gives it the
 * keyboard.
 */
import { consoleLabel } from '../console-labels.ts';
import { GRID_PANES } from '../consoles.ts';
import { selectConsole, setConsoleLayout, useConsoles } from '../store.ts';

export function ConsoleTabs() {
  const inUse = useConsoles((s) => s.inUse);
  return (
    <div className="console-tabs" role="tablist" aria-label="Consoles">
      {inUse.map((uart) => <ConsoleTab key={uart} uart={uart} />)}
    </div>
  );
}

function ConsoleTab({ uart }: { uart: number }) {
  const label = useConsoles((s) => consoleLabel(uart, s.owners));
  const selected = useConsoles((s) => s.selected === uart);
  return (
    <button type="button" role="tab" id={`console-tab-${uart}`} className="console-tab" aria-selected={selected}
      aria-controls={`console-${uart}`} onClick={() => selectConsole(uart)}>
      {label}
    </button>
  );
}

export function ConsoleLayoutToggle() {
  const grid = useConsoles((s) => s.layout === 'grid');
  const several = useConsoles((s) => s.inUse.length > 1);
  return (
    <button type="button" className="console-layout" aria-pressed={grid} disabled={!several}
      title={`Show up to ${GRID_PANES} consoles at once`} onClick={() => setConsoleLayout(grid ? 'tabs' : 'grid')}>
      Grid
    </button>
  );
}
