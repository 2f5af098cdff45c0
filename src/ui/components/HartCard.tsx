/*
 * One hart: its worker, state, privilege mode (and, while it runs a guest,
 * V=1 and the guest's VMID), pc (with the function the image's symbols
 * name), live MIPS, instructions retired, and a bar of how its last second
 * was spent. Re-renders only when this hart's snapshot changes.
 */
import { MODE_NAMES } from '../../runtime/index.ts';
import { useHarts } from '../store.ts';
import { ModeBar } from './ModeBar.tsx';

const STATE_LABELS = {
  running: 'running',
  waiting: 'waiting for an interrupt (WFI)',
  paused: 'paused',
  off: 'off',
} as const;

export function HartCard({ id }: { id: number }) {
  const hart = useHarts((s) => s.harts[id]);
  if (!hart) return null;
  return (
    <article className={`hart-card hart-${hart.state}`} data-testid={`hart-${id}`} aria-label={`Hart ${id}`}>
      <header>
        <h3>Hart {id}</h3>
        <span className="hart-thread">{hart.thread}</span>
      </header>
      <dl>
        <dt>State</dt>
        <dd className="hart-state" data-state={hart.state}>{STATE_LABELS[hart.state]}</dd>
        <dt>Mode</dt>
        <dd className={`mode-name mode-${hart.mode}`}>
          {MODE_NAMES[hart.mode] ?? '?'}
          {hart.vmid !== undefined && hart.state !== 'off' && (
            <span className="hart-guest"> guest (V=1) · VMID {hart.vmid}</span>
          )}
        </dd>
        <dt>pc</dt>
        <dd className="hart-pc">
          <code>0x{hart.pc.toString(16).padStart(8, '0')}</code>
          {hart.where && <span className="hart-where"> {hart.where}</span>}
        </dd>
        <dt>Speed</dt>
        <dd className="hart-mips">{formatMips(hart.mips)}</dd>
        <dt>Retired</dt>
        <dd className="hart-retired">{formatCount(hart.retired)} instructions</dd>
      </dl>
      <ModeBar shares={hart.shares} />
    </article>
  );
}

function formatMips(mips: number): string {
  if (mips >= 10) return `${mips.toFixed(0)} MIPS`;
  if (mips >= 0.1) return `${mips.toFixed(1)} MIPS`;
  const perSecond = mips * 1e6;
  return perSecond >= 1 ? `${perSecond.toFixed(0)} instr/s` : '0 MIPS';
}

function formatCount(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(2)} G`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)} M`;
  return count.toLocaleString('en');
}
