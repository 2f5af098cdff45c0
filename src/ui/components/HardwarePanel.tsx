/*
 * The hardware panel: the machine's description and one card per hart.
 * It selects only the number of harts, so counters never re-render it.
 */
import { useHarts, useLab } from '../store.ts';
import { HartCard } from './HartCard.tsx';
import { ModeLegend } from './ModeBar.tsx';

export function HardwarePanel() {
  const count = useHarts((s) => s.harts.length);
  const ramMiB = useLab((s) => s.ramMiB);
  const image = useLab((s) => s.image);
  return (
    <section className="hardware" aria-label="Hardware">
      <h2>Hardware</h2>
      <p className="hardware-summary">
        RISC-V RV32IMAC with the hypervisor extension, {count} hart{count === 1 ? '' : 's'}, {ramMiB} MiB RAM,
        running <code>{image}</code>
      </p>
      <ModeLegend />
      <div className="hart-cards">
        {Array.from({ length: count }, (_, id) => <HartCard key={id} id={id} />)}
      </div>
    </section>
  );
}
