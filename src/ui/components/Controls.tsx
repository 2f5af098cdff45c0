/*
 * The machine's controls: power, pause/resume, reset, single step (N
 * instructions on one hart, while paused) and the speed slider.
 */
import { resetMachine, setSpeed, stepHart, togglePause, togglePower } from '../lab.ts';
import { useLab } from '../store.ts';

export function Controls() {
  return (
    <nav className="controls" aria-label="Machine controls">
      <PowerButton />
      <PauseButton />
      <button type="button" onClick={() => void resetMachine()} disabled={!useCanControl()}>Reset</button>
      <StepForm />
      <SpeedSlider />
    </nav>
  );
}

/** True when the machine is on (running or paused) and no operation is under way. */
function useCanControl(): boolean {
  const runState = useLab((s) => s.runState);
  const busy = useLab((s) => s.busy);
  return !busy && (runState === 'running' || runState === 'paused');
}

function PowerButton() {
  const runState = useLab((s) => s.runState);
  const ready = useLab((s) => s.status === 'ready');
  const busy = useLab((s) => s.busy);
  const on = runState === 'running' || runState === 'paused';
  return (
    <button type="button" className={on ? 'power on' : 'power'} onClick={() => void togglePower()}
      disabled={!ready || busy} aria-pressed={on}>
      {on ? 'Power off' : 'Power on'}
    </button>
  );
}

function PauseButton() {
  const runState = useLab((s) => s.runState);
  const canControl = useCanControl();
  return (
    <button type="button" onClick={() => void togglePause()} disabled={!canControl}>
      {runState === 'paused' ? 'Resume' : 'Pause'}
    </button>
  );
}

function StepForm() {
  const harts = useLab((s) => s.harts);
  const stepHartId = useLab((s) => s.stepHart);
  const stepCount = useLab((s) => s.stepCount);
  const paused = useLab((s) => s.runState === 'paused');
  const busy = useLab((s) => s.busy);
  return (
    <form className="step-form" onSubmit={(event) => { event.preventDefault(); void stepHart(); }}>
      <label>
        Step hart{' '}
        <select value={stepHartId} onChange={(e) => useLab.setState({ stepHart: Number(e.target.value) })}
          aria-label="Hart to step">
          {Array.from({ length: harts }, (_, id) => <option key={id} value={id}>{id}</option>)}
        </select>
      </label>
      <label>
        by{' '}
        <input type="number" min={1} max={1_000_000_000} value={stepCount} aria-label="Instructions to step"
          onChange={(e) => useLab.setState({ stepCount: Math.max(1, Math.floor(Number(e.target.value) || 1)) })} />
      </label>
      <button type="submit" disabled={!paused || busy} title={paused ? '' : 'Pause the machine to step'}>Step</button>
    </form>
  );
}

/** Slider positions: 10^0 .. 10^8 instructions per second per hart, then full speed. */
const SPEED_STEPS = 9;

function SpeedSlider() {
  const speed = useLab((s) => s.speed);
  const position = Number.isFinite(speed) ? Math.round(Math.log10(speed)) : SPEED_STEPS;
  return (
    <label className="speed">
      Speed{' '}
      <input type="range" min={0} max={SPEED_STEPS} step={1} value={position} aria-label="Speed"
        onChange={(e) => {
          const next = Number(e.target.value);
          setSpeed(next >= SPEED_STEPS ? Infinity : 10 ** next);
        }} />
      <output className="speed-value">{formatSpeed(speed)}</output>
    </label>
  );
}

function formatSpeed(speed: number): string {
  if (!Number.isFinite(speed)) return 'full speed';
  if (speed >= 1e6) return `${speed / 1e6} M instr/s`;
  if (speed >= 1e3) return `${speed / 1e3} k instr/s`;
  return `${speed} instr/s`;
}
