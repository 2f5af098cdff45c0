/*
 * The lab's first screen: controls on top, the hardware panel (one card
 * per hart) beside the UART0 console, and a status line.
 */
import { useLab } from '../store.ts';
import { ConsolePane } from './ConsolePane.tsx';
import { Controls } from './Controls.tsx';
import { HardwarePanel } from './HardwarePanel.tsx';
import { StatusLine } from './StatusLine.tsx';

export function Lab() {
  const status = useLab((s) => s.status);
  const error = useLab((s) => s.error);
  return (
    <div className="lab">
      <header className="lab-header">
        <h1>HyperLab</h1>
        <Controls />
      </header>
      {status === 'error' ? (
        <p className="lab-error" role="alert">The machine could not start: {error}</p>
      ) : (
        <main className="lab-main">
          <HardwarePanel />
          <ConsolePane />
        </main>
      )}
      <StatusLine />
    </div>
  );
}
