/*
 * A bar of where a hart's last second went: one segment per privilege mode
 * (M, HS/S, U, VS, VU) and one for sleeping in WFI.
 */
import { MODE_NAMES } from '../../runtime/index.ts';
import type { TimeShares } from '../store.ts';

const SEGMENTS = [...MODE_NAMES, 'WFI'];

export function ModeBar({ shares }: { shares: TimeShares }) {
  const described = SEGMENTS.map((name, i) => `${name} ${Math.round(shares[i] * 100)}%`).filter((_, i) => shares[i] > 0);
  return (
    <div className="mode-bar" role="img" aria-label={`time per mode: ${described.join(', ') || 'none yet'}`}>
      {SEGMENTS.map((name, i) => shares[i] > 0 && (
        <span key={name} className={`mode-segment mode-${i}`} style={{ width: `${shares[i] * 100}%` }}
          title={`${name}: ${Math.round(shares[i] * 100)}%`} />
      ))}
    </div>
  );
}

export function ModeLegend() {
  return (
    <p className="mode-legend">
      Time per mode, last second:
      {SEGMENTS.map((name, i) => (
        <span key={name} className="legend-item"><span className={`legend-swatch mode-${i}`} />{name}</span>
      ))}
    </p>
  );
}
