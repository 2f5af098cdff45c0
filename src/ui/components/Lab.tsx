/*
 * The lab's first screen: controls on top, the hardware panel (one card
 * per hart) beside the consoles (one per UART in use), and a status line.
 */
import { useLab } from '../store.ts';
import { ConsolePanel } from './ConsolePanel.tsx';
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
          <ConsolePanel />
        </main>
      )}
      <StatusLine />
    </div>
  );
}
