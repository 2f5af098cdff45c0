/*
 * The lab's page. The machine itself (src/machine) runs headless today with
 * `npx hyperlab run`; the live hardware panel and consoles come with the
 * runtime (one Web Worker per hart).
 */
export function App() {
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '48rem', margin: '2rem auto', lineHeight: 1.5 }}>
      <h1>HyperLab</h1>
      <p>A virtualization lab: a multi-core RISC-V computer emulated in your browser.</p>
      <p data-testid="isolation">
        {isolated
          ? 'This page is cross-origin isolated: shared memory for the emulated machine is available.'
          : 'This page is not cross-origin isolated, so SharedArrayBuffer is unavailable. Serve it with the headers ' +
            'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (npm run dev does).'}
      </p>
    </main>
  );
}
