/*
 * One line at the bottom: what the machine is doing, why it stopped, and
 * what the last step did.
 */
import type { StopReason } from '../../runtime/index.ts';
import { useLab } from '../store.ts';

export function StatusLine() {
  const status = useLab((s) => s.status);
  const runState = useLab((s) => s.runState);
  const stopReason = useLab((s) => s.stopReason);
  const lastStep = useLab((s) => s.lastStep);
  let text: string;
  if (status === 'loading') text = 'Loading the image…';
  else if (runState === 'stopped' || (runState === 'off' && stopReason)) text = describeStop(stopReason);
  else text = { off: 'Powered off.', running: 'Running.', paused: 'Paused: step a hart, or resume.', stopped: '' }[runState];
  return (
    <footer className="status-line" role="status" data-testid="status">
      <span className="run-state" data-state={runState}>{text}</span>
      {lastStep && runState === 'paused' && <span className="last-step">{lastStep}</span>}
    </footer>
  );
}

function describeStop(reason: StopReason | undefined): string {
  switch (reason?.kind) {
    case 'finisher':
      if (reason.event.kind === 'fail') return `The guest stopped the machine with failure code ${reason.event.code}.`;
      return 'The guest powered the machine off.';
    case 'tohost':
      return reason.value === 1 ? 'The test passed (tohost).' : `The test failed with code ${reason.value >>> 1} (tohost).`;
    case 'power-off':
      return 'Powered off.';
    case 'limit':
      return 'Stopped: the instruction limit ran out.';
    case 'idle':
      return 'Stopped: every hart waits for an interrupt that nothing can raise.';
    default:
      return 'Stopped.';
  }
}
